"""The officers' delivery log (/du-lieu/gui-di/): who sees which messages, filters, the warning
without an endpoint, and the resend button."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.organizations.models import Role
from motcua.outbox.models import MessageState, OutboxMessage

pytestmark = pytest.mark.django_db
AT = local(2026, 3, 2, 8, 0)
LOG = "/du-lieu/gui-di/"


@pytest.fixture(autouse=True)
def _no_login_throttling_records(settings):
    # force_login() signs in through a bare HttpRequest without REMOTE_ADDR; django-axes then
    # records the address "unknown", which PostgreSQL's inet column refuses. Throttling is
    # tested in motcua/common/tests/test_security_login.py, not here.
    settings.AXES_ENABLED = False


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def messages(office, settings):
    settings.MOTCUA_NATIONAL_ENDPOINT = ""
    procedure = demo_procedure(HKD)
    own = receive(office, procedure, at=AT)
    other = receive(
        office,
        procedure,
        at=AT + timedelta(minutes=5),
        actor=office.other[Role.RECEPTION],
        desk=office.other_desk,
    )
    OutboxMessage.objects.filter(dossier=own).update(
        state=MessageState.REJECTED, http_status=400, response_body='{"loi": "MaTTHC sai"}'
    )
    return own, other


def page(client, user, query=""):
    client.force_login(user)
    return client.get(LOG + query)


def test_the_url_name():
    assert reverse("outbox:log") == LOG


def test_a_reporter_sees_the_messages_of_their_subtree_only(client, office, messages):
    own, other = messages
    response = page(client, office.officers[Role.REPORTER])
    assert response.status_code == 200
    body = response.content.decode()
    assert own.code in body
    assert other.code not in body
    assert "MaTTHC sai" in body
    assert "Gửi lại" not in body  # reporters read, administrators resend
    assert "MOTCUA_NATIONAL_ENDPOINT" in body  # not configured: the page says so
    assert (
        '<li data-state="rejected"><a href="?trang-thai=rejected">Bị từ chối</a>: <strong>1</strong>'
        in body
    )
    assert (
        '<li data-state="pending"><a href="?trang-thai=pending">Chờ gửi</a>: <strong>0</strong>'
        in body
    )


def test_a_system_admin_sees_everything_and_may_resend(client, office, messages, settings):
    settings.MOTCUA_NATIONAL_ENDPOINT = "http://127.0.0.1:9/dvc"
    own, other = messages
    body = page(client, office.officers[Role.SYSTEM_ADMIN]).content.decode()
    assert own.code in body
    assert other.code in body
    assert body.count("Gửi lại</button>") == 1
    assert "MOTCUA_NATIONAL_ENDPOINT" not in body


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.SPECIALIST])
def test_officers_without_a_reporting_role_get_403(client, office, messages, role):
    assert page(client, office.officers[role]).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, messages):
    response = client.get(LOG)
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_filters_by_state_and_dossier_code(client, office, messages):
    own, other = messages
    admin = office.officers[Role.SYSTEM_ADMIN]
    body = page(client, admin, "?trang-thai=pending").content.decode()
    assert other.code in body
    assert own.code not in body
    body = page(client, admin, "?ma=51.h62").content.decode()  # part of the code, any case
    assert own.code in body
    assert other.code not in body
    assert page(client, admin, "?trang-thai=xyz").status_code == 400


def test_an_agency_admin_resends_a_rejected_message(client, office, messages):
    own, _other = messages
    message = OutboxMessage.objects.get(dossier=own)
    client.force_login(office.officers[Role.AGENCY_ADMIN])
    with time_machine.travel(AT + timedelta(hours=1), tick=False):
        response = client.post(reverse("outbox:resend", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.next_attempt_at, message.resent_at) == (
        MessageState.PENDING,
        AT + timedelta(hours=1),
        AT + timedelta(hours=1),
    )
    # Pending now: resending again is refused, nothing changes.
    assert client.post(reverse("outbox:resend", args=[message.pk])).status_code == 409


def test_resend_is_refused_outside_the_admins_subtree_and_to_reporters(client, office, messages):
    own, other = messages
    OutboxMessage.objects.update(state=MessageState.REJECTED)
    client.force_login(office.officers[Role.AGENCY_ADMIN])
    foreign = OutboxMessage.objects.get(dossier=other)
    assert client.post(reverse("outbox:resend", args=[foreign.pk])).status_code == 404
    client.force_login(office.officers[Role.REPORTER])
    mine = OutboxMessage.objects.get(dossier=own)
    assert client.post(reverse("outbox:resend", args=[mine.pk])).status_code == 404
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {MessageState.REJECTED}
    assert client.get(reverse("outbox:resend", args=[mine.pk])).status_code == 405


def test_the_log_costs_the_same_queries_whatever_its_length(
    client, office, messages, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office.officers[Role.SYSTEM_ADMIN])
    with CaptureQueriesContext(connection) as short:
        assert client.get(LOG).status_code == 200
    procedure = demo_procedure(HKD)
    for minute in range(10):
        receive(office, procedure, at=AT + timedelta(hours=1, minutes=minute))
    with django_assert_num_queries(len(short.captured_queries)):
        response = client.get(LOG)
    assert response.content.decode().count('data-key="') == 12


def test_the_admin_lists_messages_read_only(client, office, messages):
    own, _other = messages
    client.force_login(office.officers[Role.SYSTEM_ADMIN])
    from motcua.organizations.models import User

    User.objects.filter(pk=office.officers[Role.SYSTEM_ADMIN].pk).update(
        is_staff=True, is_superuser=True
    )
    listing = client.get("/admin/outbox/outboxmessage/")
    assert listing.status_code == 200
    assert own.code in listing.content.decode()
    message = OutboxMessage.objects.get(dossier=own)
    detail = client.get(f"/admin/outbox/outboxmessage/{message.pk}/change/")
    assert detail.status_code == 200
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[1]
    assert client.post(f"/admin/outbox/outboxmessage/{message.pk}/delete/").status_code == 403
