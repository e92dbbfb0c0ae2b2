"""The citizen answers a supplement request of their own online dossier; nobody else may answer
in their place without the desk's role, and the applicant may not answer for a desk dossier."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.common.errors import Conflict, Forbidden, NotFound
from motcua.dossiers.models import DossierEvent, DossierFile, SupplementRequest
from motcua.dossiers.services import (
    dossier_attach_file,
    dossier_forward,
    dossier_receive,
    dossier_request_supplement,
    dossier_supplement_received,
)
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.factories import (
    APPLICANT,
    DOCUMENTS,
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.dossiers.tests.test_services_holds import at, snapshot
from motcua.organizations.models import User

ITEMS = ["Bản sao hợp đồng thuê địa điểm kinh doanh"]
PDF = b"%PDF-1.7\n%%EOF\n"
RECEIVED = local(2026, 3, 2, 8, 0)


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


@pytest.fixture
def citizen(db):
    return User.objects.create_user(username="congdan")


@pytest.fixture
def waiting(office, hkd, citizen):
    """Submitted online Sunday evening, received Monday 08:00, at Phòng Kinh tế an hour later,
    supplement requested Tuesday 10:00."""
    dossier = submit(office, hkd, at=local(2026, 3, 1, 20, 0), citizen=citizen)
    at(
        RECEIVED,
        dossier_receive,
        actor=office.reception,
        receiving_agency=office.desk,
        procedure=hkd,
        channel="online",
        applicant=dict(APPLICANT),
        documents=list(DOCUMENTS),
        dossier=dossier,
    )
    at(RECEIVED + timedelta(hours=1), dossier_forward, actor=office.reception, dossier=dossier)
    at(
        local(2026, 3, 3, 10, 0),
        dossier_request_supplement,
        actor=office.specialist,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu hợp đồng thuê",
    )
    return dossier


def test_the_applicant_answers_their_own_online_supplement_request(waiting, citizen):
    # When the citizen uploads the contract and answers on Thursday 14:00
    stored = at(
        local(2026, 3, 5, 14, 0),
        dossier_attach_file,
        actor=citizen,
        dossier=waiting,
        upload=SimpleUploadedFile("hop-dong.pdf", PDF, "application/pdf"),
    )
    at(
        local(2026, 3, 5, 14, 0),
        dossier_supplement_received,
        actor=citizen,
        dossier=waiting,
        documents=[{"name": ITEMS[0], "originals": 0, "copies": 1}],
        note="Bổ sung trực tuyến",
    )

    # Then the dossier is back at the department with the full 3 days from Thursday 14:00
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.PROCESSING
    assert waiting.due_at == local(2026, 3, 10, 14, 0)
    assert SupplementRequest.objects.get(dossier=waiting).answered_at == local(2026, 3, 5, 14, 0)
    assert (stored.uploaded_by, stored.original_name) == (citizen, "hop-dong.pdf")
    event = DossierEvent.objects.get(dossier=waiting, action=Action.SUPPLEMENT)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        citizen,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.PROCESSING,
        "Bổ sung trực tuyến",
    )


def test_another_citizen_may_neither_answer_nor_attach(waiting):
    stranger = User.objects.create_user(username="nguoila")
    before = snapshot(waiting)

    with pytest.raises(NotFound):
        dossier_supplement_received(actor=stranger, dossier=waiting)
    with pytest.raises(NotFound):
        dossier_attach_file(
            actor=stranger,
            dossier=waiting,
            upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
        )

    assert snapshot(waiting) == before
    assert not DossierFile.objects.exists()


def test_the_applicant_may_not_answer_once_the_request_is_answered(waiting, citizen, office):
    at(
        local(2026, 3, 5, 14, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=waiting,
    )
    before = snapshot(waiting)

    with pytest.raises(Conflict) as error:
        dossier_supplement_received(actor=citizen, dossier=waiting)

    assert error.value.code == "transition_not_allowed"
    assert snapshot(waiting) == before


def test_the_applicant_of_a_desk_dossier_answers_at_the_desk_only(office, hkd, citizen):
    # Given a dossier brought to the desk, later tied to the citizen's account
    dossier = receive(office, hkd, at=RECEIVED)
    dossier.applicant_user = citizen
    dossier.save(update_fields=["applicant_user"])
    at(
        RECEIVED + timedelta(hours=1),
        dossier_request_supplement,
        actor=office.reception,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu hợp đồng thuê",
    )
    before = snapshot(dossier)

    with pytest.raises(Forbidden) as error:
        dossier_supplement_received(actor=citizen, dossier=dossier)

    assert error.value.code == "role_not_allowed"
    assert snapshot(dossier) == before


@pytest.fixture
def incomplete_online(office, hkd, citizen):
    """Submitted online Monday 2/3/2026 08:00; the desk found it incomplete at 09:00."""
    dossier = submit(office, hkd, at=local(2026, 3, 2, 8, 0), citizen=citizen)
    at(
        local(2026, 3, 2, 9, 0),
        dossier_request_supplement,
        actor=office.reception,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu hợp đồng thuê",
    )
    return dossier


def test_an_intake_request_answered_online_returns_the_dossier_to_the_desk_as_new(
    office, hkd, citizen, incomplete_online
):
    dossier = incomplete_online

    # When the citizen uploads the missing item on Wednesday 10:00
    at(
        local(2026, 3, 4, 10, 0),
        dossier_supplement_received,
        actor=citizen,
        dossier=dossier,
        documents=[{"name": ITEMS[0]}],
    )

    # Then it is "Mới đăng ký" again, not received: no clock, no route, a fresh intake window
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert (dossier.received_at, dossier.due_at) == (None, None)
    assert dossier.submitted_at == local(2026, 3, 4, 10, 0)
    assert not dossier.steps.exists()
    event = DossierEvent.objects.get(dossier=dossier, action=Action.SUPPLEMENT)
    assert (event.from_status, event.to_status, event.to_step) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.SUBMITTED,
        None,
    )
    assert DossierEvent.objects.get(dossier=dossier, action=Action.SUBMIT).at == local(
        2026, 3, 2, 8, 0
    )

    # And the desk accepts it: received now, the 3 working days counted from Wednesday 10:30
    at(
        local(2026, 3, 4, 10, 30),
        dossier_receive,
        actor=office.reception,
        receiving_agency=office.desk,
        procedure=hkd,
        channel="online",
        applicant=dict(APPLICANT),
        documents=list(DOCUMENTS),
        dossier=dossier,
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_at == local(2026, 3, 4, 10, 30)
    assert dossier.due_at == local(2026, 3, 9, 10, 30)


def test_the_desk_recording_an_online_intake_answer_receives_the_dossier(office, incomplete_online):
    # The citizen brought the missing paper to the desk: checked there, received at once.
    dossier = incomplete_online
    at(
        local(2026, 3, 4, 10, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=dossier,
        documents=[{"name": ITEMS[0]}],
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_at == local(2026, 3, 4, 10, 0)
