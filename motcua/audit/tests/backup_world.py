"""A small populated office for the backup round-trip: built in the test's database, then read
and damaged through `motcua shell -c` against the copy the CLI backs up and restores."""

import hashlib
import json

import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def populate() -> list[str]:
    """Three dossiers (two with a file), the demo procedure, the office's officers."""
    from motcua.dossiers.services import dossier_attach_file
    from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive

    office = build_office()
    procedure = demo_procedure(HKD)
    codes = []
    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        for n in range(3):
            dossier = receive(office, procedure)
            if n < 2:
                upload = (
                    SimpleUploadedFile(f"to-khai-{n}.pdf", PDF, "application/pdf")
                    if n == 0
                    else SimpleUploadedFile("anh-chup.png", PNG, "image/png")
                )
                dossier_attach_file(actor=office.reception, dossier=dossier, upload=upload)
            codes.append(dossier.code)
    return codes


def summary() -> None:
    """What a restore must bring back, printed as JSON."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
    from motcua.organizations.models import Agency, User

    files = {}
    for stored in DossierFile.objects.order_by("pk"):
        try:
            with default_storage.open(stored.file.name, "rb") as handle:
                files[stored.file.name] = hashlib.sha256(handle.read()).hexdigest()
        except FileNotFoundError:
            files[stored.file.name] = None
    print(
        json.dumps(
            {
                "dossiers": Dossier.objects.count(),
                "users": User.objects.count(),
                "agencies": Agency.objects.count(),
                "procedures": sorted(Procedure.objects.values_list("name", flat=True)),
                "applicants": sorted(Dossier.objects.values_list("code", "applicant_name")),
                "events": sorted(
                    DossierEvent.objects.values_list("dossier__code", "action", "to_status")
                ),
                "files": files,
            },
            ensure_ascii=False,
        )
    )


def damage() -> None:
    """Change and delete data after the backup: names, events, accounts, files on disk."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
    from motcua.organizations.models import User

    first = Dossier.objects.order_by("pk").first()
    Procedure.objects.update(name="Tên đã bị sửa")
    Dossier.objects.update(applicant_name="Người khác")
    DossierEvent.objects.filter(dossier=first, action="attach_file").delete()
    User.objects.filter(username="baocao.mx").delete()
    stored = list(DossierFile.objects.order_by("pk"))
    default_storage.delete(stored[0].file.name)
    with default_storage.open(stored[1].file.name, "wb") as handle:
        handle.write(b"hong")
    default_storage.save("dossiers/la.txt", SimpleUploadedFile("la.txt", b"not in the backup"))
