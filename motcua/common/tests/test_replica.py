"""A read replica for reports: reads asked for with report_db_alias() go to the "replica"
database, every write goes to the primary.

The replica here is a real second database made the way replication makes one: a copy of the
migrated test database (SQLite: a file written by SQLite's backup API; PostgreSQL: a database
created from the test database as its template). The copy then lags behind like a standby that
has not replayed the latest writes yet."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from motcua.common.db import report_db_alias
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import build_office, demo_procedure, local, receive
from motcua.organizations.models import Agency, AgencyKind

HKD = "2.000720"  # Đăng ký thành lập hộ kinh doanh
REPLICA_ONLY = "000.00.99.H62"


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        primary = connection.settings_dict
        if connection.vendor == "sqlite":
            name = str(tmp_path_factory.mktemp("replica") / "replica.sqlite3")
            connection.ensure_connection()
            target = sqlite3.connect(name)
            connection.connection.backup(target)
            target.close()
            replica_settings = {**primary, "NAME": name}
        else:
            connection.close()  # a template database must have no other session
            connection.creation._clone_test_db("replica", verbosity=0, keepdb=False)
            replica_settings = connection.creation.get_test_db_clone_settings("replica")
        replica_settings["TEST"] = {**primary["TEST"], "MIRROR": None, "NAME": None}
        configured = settings.DATABASES.get("replica")  # a mirror when DATABASE_REPLICA_URL is set
        if configured is not None:
            connections["replica"].close()
            del connections["replica"]
        settings.DATABASES["replica"] = replica_settings  # the same dict as connections.settings
        try:
            yield replica_settings["NAME"]
        finally:
            connections["replica"].close()
            del connections["replica"]
            del settings.DATABASES["replica"]
            if configured is not None:
                settings.DATABASES["replica"] = configured
            if connection.vendor != "sqlite":
                connection.creation._destroy_test_db(replica_settings["NAME"], verbosity=0)


def dossiers_per_status() -> dict[str, int]:
    """A report-style read: dossiers counted by status."""
    rows = Dossier.objects.using(report_db_alias()).values_list("status").annotate(n=Count("id"))
    return dict(rows)


@pytest.mark.django_db(databases=["default", "replica"])
def test_report_reads_go_to_the_replica_and_writes_never_do(replica):
    office = build_office()
    procedure = demo_procedure(HKD)

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        dossier = receive(office, procedure, at=local(2026, 3, 2, 9, 0))
    report = dossiers_per_status()

    assert report_db_alias() == "replica"
    assert on_replica.captured_queries == []  # the intake wrote the primary only
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert report == {}  # the replica has not replayed the intake yet
    assert not Dossier.objects.using("replica").filter(pk=dossier.pk).exists()


@pytest.mark.django_db(databases=["default", "replica"])
def test_report_reads_answer_with_the_replicas_rows(replica):
    Agency.objects.using("replica").create(
        code=REPLICA_ONLY, name="UBND xã Thái Bình", kind=AgencyKind.COMMUNE
    )

    seen = Agency.objects.using(report_db_alias()).filter(code=REPLICA_ONLY)

    assert [agency.name for agency in seen] == ["UBND xã Thái Bình"]
    assert not Agency.objects.filter(code=REPLICA_ONLY).exists()


@pytest.mark.django_db(databases=["default", "replica"])
def test_a_row_read_from_the_replica_is_saved_to_the_primary(replica):
    Agency.objects.using("replica").create(
        code=REPLICA_ONLY, name="UBND xã Thái Bình", kind=AgencyKind.COMMUNE
    )
    agency = Agency.objects.using(report_db_alias()).get(code=REPLICA_ONLY)

    agency.name = "UBND xã Thái Bình (mới)"
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        agency.save()

    assert on_replica.captured_queries == []
    assert agency._state.db == "default"
    assert Agency.objects.get(code=REPLICA_ONLY).name == "UBND xã Thái Bình (mới)"
    assert Agency.objects.using("replica").get(code=REPLICA_ONLY).name == "UBND xã Thái Bình"
