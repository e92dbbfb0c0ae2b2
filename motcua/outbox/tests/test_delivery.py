"""The outbox: a message per status change in the same transaction, delivered to a real local
HTTP server with retries, idempotency keys, per-dossier order, rejection and resend."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from motcua.common.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_forward, dossier_withdraw
from motcua.dossiers.tests.factories import APPLICANT, HKD, build_office, demo_procedure, local
from motcua.dossiers.tests.factories import receive as receive_dossier
from motcua.outbox.models import MessageState, OutboxMessage
from motcua.outbox.services import outbox_deliver_due, outbox_message_deliver
from motcua.outbox.tests.conftest import unreachable_url

pytestmark = pytest.mark.django_db
AT = local(2026, 3, 2, 8, 0)  # Monday


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def procedure(db):
    return demo_procedure(HKD)


def receive(office, procedure, at=AT):
    return receive_dossier(office, procedure, at=at)


def withdraw(office, dossier, at):
    with time_machine.travel(at, tick=False):
        dossier_withdraw(actor=office.reception, dossier=dossier, reason="Công dân xin rút")


def deliver_at(when, **kwargs):
    with time_machine.travel(when, tick=False):
        return outbox_deliver_due(**kwargs)


def test_a_received_dossier_is_delivered_in_the_national_shape_without_personal_data(
    office, procedure, receiver, quiet_side_effects, django_capture_on_commit_callbacks
):
    with time_machine.travel(AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        dossier = receive(office, procedure)

    message = OutboxMessage.objects.get()
    event = dossier.events.get()
    assert (message.state, message.attempts, message.http_status) == (
        MessageState.DELIVERED,
        1,
        200,
    )
    assert message.delivered_at == AT
    assert message.idempotency_key == f"{dossier.code}:{event.pk}"
    [(headers, payload)] = receiver.requests
    assert headers["Authorization"] == "Bearer token-tinh-62"
    assert headers["Idempotency-Key"] == message.idempotency_key
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert payload == {
        "schema": "motcua.national-status/1",
        "idempotency_key": message.idempotency_key,
        "dossier_code": dossier.code,
        "procedure_code": HKD,
        "receiving_agency_code": "000.01.51.H62",
        "competent_agency_code": dossier.competent_agency.code,
        "status": 2,
        "status_name": "Được tiếp nhận",
        "channel": 1,
        "event_id": event.pk,
        "event_at": "2026-03-02T08:00:00+07:00",
        "submitted_at": None,
        "received_at": "2026-03-02T08:00:00+07:00",
        "due_at": dossier.due_at.astimezone(AT.tzinfo).isoformat(),
        "finished_at": None,
        "returned_at": None,
    }
    assert payload["due_at"].endswith("+07:00")
    body = json.dumps(payload, ensure_ascii=False)
    for key in ("name", "id_number", "address", "phone", "email", "birth_date"):
        assert APPLICANT[key] not in body


def test_the_message_is_written_with_the_event_before_any_delivery(office, procedure, settings):
    settings.MOTCUA_NATIONAL_ENDPOINT = ""
    dossier = receive(office, procedure)  # the commit hooks never ran: the process "died"
    message = OutboxMessage.objects.get()
    assert (message.dossier, message.event, message.state, message.national_status) == (
        dossier,
        dossier.events.get(),
        MessageState.PENDING,
        2,
    )


def test_a_rolled_back_action_leaves_no_message(office, procedure):
    class Abort(Exception):
        pass

    def action_then_failure():
        with transaction.atomic():
            receive(office, procedure)
            assert OutboxMessage.objects.count() == 1
            raise Abort

    with pytest.raises(Abort):
        action_then_failure()
    assert Dossier.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_refused_action_leaves_no_message(office, procedure):
    dossier = receive(office, procedure)
    with pytest.raises(DomainError):
        dossier_forward(actor=office.other["reception"], dossier=dossier)
    assert OutboxMessage.objects.count() == 1


def test_only_status_changes_are_sent(office, procedure):
    dossier = receive(office, procedure)
    with time_machine.travel(AT + timedelta(hours=1), tick=False):
        dossier_forward(actor=office.reception, dossier=dossier)  # received → processing
    events = list(dossier.events.order_by("pk"))
    messages = list(OutboxMessage.objects.order_by("pk"))
    changes = [event for event in events if event.to_status != event.from_status]
    assert [m.event for m in messages] == changes
    assert [m.national_status for m in messages] == [2, 4]


def test_a_failing_endpoint_never_blocks_the_dossier_action(
    office, procedure, settings, quiet_side_effects, django_capture_on_commit_callbacks
):
    settings.MOTCUA_NATIONAL_ENDPOINT = unreachable_url()
    with time_machine.travel(AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        dossier = receive(office, procedure)
    assert Dossier.objects.get(pk=dossier.pk).status == "received"
    message = OutboxMessage.objects.get()
    assert message.state == MessageState.FAILED
    assert message.attempts == 1
    assert message.next_attempt_at == AT + timedelta(minutes=1)
    assert "endpoint unreachable" in message.last_error


def test_a_5xx_is_retried_and_the_receiver_stores_the_message_once(
    office, procedure, receiver, quiet_side_effects, django_capture_on_commit_callbacks
):
    receiver.script = ["store+500"]  # stored, but the answer says 500
    with time_machine.travel(AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        receive(office, procedure)
    message = OutboxMessage.objects.get()
    assert (message.state, message.http_status, message.last_error) == (
        MessageState.FAILED,
        500,
        "HTTP 500",
    )
    assert deliver_at(AT + timedelta(seconds=59)).attempted == 0  # not due yet
    run = deliver_at(AT + timedelta(minutes=1))
    assert (run.attempted, run.by_state) == (1, {MessageState.DELIVERED: 1})
    message.refresh_from_db()
    assert (message.state, message.attempts, message.http_status, message.last_error) == (
        MessageState.DELIVERED,
        2,
        200,
        "",
    )
    assert len(receiver.requests) == 2
    assert {headers["Idempotency-Key"] for headers, _ in receiver.requests} == {
        message.idempotency_key
    }
    assert list(receiver.stored) == [message.idempotency_key]


@pytest.mark.parametrize("status", [302, 408, 429, 503])
def test_timeouts_and_throttling_are_retried_not_rejected(office, procedure, receiver, status):
    receive(office, procedure)
    receiver.status = status
    deliver_at(AT)
    message = OutboxMessage.objects.get()
    assert (message.state, message.http_status) == (MessageState.FAILED, status)


def test_nothing_is_lost_when_the_endpoint_is_down_for_a_day(office, procedure, receiver, settings):
    up = settings.MOTCUA_NATIONAL_ENDPOINT
    settings.MOTCUA_NATIONAL_ENDPOINT = unreachable_url()
    dossier = receive(office, procedure)
    withdraw(office, dossier, AT + timedelta(hours=2))

    # The timer runs every 5 minutes for a day; the first message is retried after 1, 5, 30,
    # 120 minutes, then every 6 hours; the second waits behind it.
    attempts_at = []
    for minutes in range(0, 24 * 60, 5):
        now = AT + timedelta(minutes=minutes)
        before = OutboxMessage.objects.order_by("pk").first().attempts
        deliver_at(now)
        if OutboxMessage.objects.order_by("pk").first().attempts > before:
            attempts_at.append(minutes)
    assert attempts_at == [0, 5, 10, 40, 160, 520, 880, 1240]
    first, second = OutboxMessage.objects.order_by("pk")
    assert (first.state, first.attempts) == (MessageState.FAILED, 8)
    assert (second.state, second.attempts) == (MessageState.PENDING, 0)
    assert first.next_attempt_at == AT + timedelta(minutes=1240 + 360)

    settings.MOTCUA_NATIONAL_ENDPOINT = up
    run = deliver_at(AT + timedelta(minutes=1240 + 360))
    assert (run.attempted, run.by_state) == (2, {MessageState.DELIVERED: 2})
    assert [payload["status"] for _, payload in receiver.requests] == [2, 7]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {MessageState.DELIVERED}


def test_messages_of_one_dossier_go_out_in_order(office, procedure, receiver):
    dossier = receive(office, procedure)
    other = receive(office, procedure, at=AT + timedelta(minutes=1))
    withdraw(office, dossier, AT + timedelta(minutes=2))
    *_, second = OutboxMessage.objects.order_by("pk")

    receiver.script = [503]
    run = deliver_at(AT + timedelta(minutes=3))
    # The first failed: the second of its dossier waits; another dossier is not held up.
    assert run.attempted == 2
    assert [payload["dossier_code"] for _, payload in receiver.requests] == [
        dossier.code,
        other.code,
    ]
    assert outbox_message_deliver(message_id=second.pk) == MessageState.PENDING
    assert len(receiver.requests) == 2

    deliver_at(AT + timedelta(minutes=4))
    assert [(p["dossier_code"], p["status"]) for _, p in receiver.requests[2:]] == [
        (dossier.code, 2),
        (dossier.code, 7),
    ]


def test_a_rejected_message_keeps_the_answer_holds_back_later_ones_and_can_be_resent(
    office, procedure, receiver
):
    from motcua.outbox.services import outbox_message_resend

    dossier = receive(office, procedure)
    withdraw(office, dossier, AT + timedelta(minutes=1))
    receiver.script = [400]
    run = deliver_at(AT + timedelta(minutes=2))
    assert run.by_state == {MessageState.REJECTED: 1}
    first, second = OutboxMessage.objects.order_by("pk")
    assert (first.state, first.http_status, first.next_attempt_at) == (
        MessageState.REJECTED,
        400,
        None,
    )
    assert "MaTTHC không tồn tại" in first.response_body
    # Never retried on its own, and the later message stays behind it.
    assert deliver_at(AT + timedelta(days=2)).attempted == 0
    assert second.state == MessageState.PENDING

    with time_machine.travel(AT + timedelta(days=2, hours=1), tick=False):
        outbox_message_resend(user=office.officers["agency_admin"], message_id=first.pk)
    first.refresh_from_db()
    assert (first.state, first.resent_by) == (MessageState.PENDING, "quantri")
    run = deliver_at(AT + timedelta(days=2, hours=1))
    assert run.by_state == {MessageState.DELIVERED: 2}
    assert [p["status"] for _, p in receiver.requests] == [2, 2, 7]


def test_a_message_being_sent_by_one_worker_is_not_sent_by_another(office, procedure, receiver):
    receive(office, procedure)
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, attempts=1, next_attempt_at=AT + timedelta(minutes=15)
    )
    with time_machine.travel(AT + timedelta(minutes=1), tick=False):
        assert outbox_message_deliver(message_id=message.pk) == MessageState.SENDING
    assert deliver_at(AT + timedelta(minutes=14)).attempted == 0
    assert receiver.requests == []
    # The worker died: after the sending timeout the message goes out again.
    run = deliver_at(AT + timedelta(minutes=15))
    assert run.by_state == {MessageState.DELIVERED: 1}
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.DELIVERED, 2)


def test_without_an_endpoint_messages_wait(office, procedure, settings, capsys):
    settings.MOTCUA_NATIONAL_ENDPOINT = ""
    receive(office, procedure)
    with time_machine.travel(AT, tick=False):
        call_command("outbox_deliver")
    captured = capsys.readouterr()
    assert "MOTCUA_NATIONAL_ENDPOINT" in captured.err
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts) == (MessageState.PENDING, 0)


def test_the_commands_send_what_is_due_up_to_the_limit_and_count_by_state(
    office, procedure, receiver, capsys
):
    for minute in range(3):
        receive(office, procedure, at=AT + timedelta(minutes=minute))
    with time_machine.travel(AT + timedelta(minutes=5), tick=False):
        call_command("outbox_deliver", "--limit", "2")
        assert (
            capsys.readouterr().out
            == "Đã gửi 2 tin: 2 thành công, 0 lỗi (sẽ thử lại), 0 bị từ chối.\n"
        )
        call_command("outbox_status")
    out = capsys.readouterr().out
    assert "Chờ gửi: 1" in out
    assert "Đã gửi: 2" in out
    assert "Bị từ chối: 0" in out


def test_a_status_change_costs_at_most_two_more_queries(
    office, procedure, django_assert_num_queries, settings
):
    from motcua.outbox.services import outbox_event_recorded

    settings.MOTCUA_NATIONAL_ENDPOINT = ""
    dossier = receive(office, procedure)
    OutboxMessage.objects.all().delete()
    event = Dossier.objects.get(pk=dossier.pk).events.get()  # a dossier without cached relations
    with django_assert_num_queries(2):  # the codes in one query, the insert
        outbox_event_recorded(event)
    event = dossier.events.select_related(
        "dossier__procedure", "dossier__receiving_agency", "dossier__competent_agency"
    ).get()
    OutboxMessage.objects.all().delete()
    with django_assert_num_queries(1):  # the insert only
        message = outbox_event_recorded(event)
    assert message.payload["procedure_code"] == HKD


@pytest.mark.parametrize("limit", ["0", "-3", "nhiều"])
def test_a_bad_limit_is_one_vietnamese_line_and_exit_2(limit):
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        call_command("outbox_deliver", "--limit", limit)
    assert error.value.returncode == 2
