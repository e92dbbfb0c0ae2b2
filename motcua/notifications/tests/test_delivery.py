"""Delivery backends and recovery: the HTTP SMS gateway (a local server standing in for it), and
notifications a stopped worker left half-sent."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.notifications.models import Channel, Notification, NotificationStatus
from motcua.notifications.services import notification_deliver, notifications_create_for_event
from motcua.notifications.sms import HttpGatewayBackend, SmsError

AT = local(2026, 3, 2, 8, 0)


class Gateway(BaseHTTPRequestHandler):
    status = 200
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Gateway.received.append(
            (self.headers["Authorization"], json.loads(self.rfile.read(length)))
        )
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received = []
    Gateway.status = 200
    settings.MOTCUA_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.MOTCUA_SMS_GATEWAY_TOKEN = "secret-token"
    settings.MOTCUA_SMS_SENDER = "UBND-HAMYEN"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_json_with_the_bearer_token(gateway):
    HttpGatewayBackend().send(to="0912345678", text="Ho so da duoc tiep nhan.")
    assert gateway.received == [
        (
            "Bearer secret-token",
            {"to": "0912345678", "from": "UBND-HAMYEN", "text": "Ho so da duoc tiep nhan."},
        )
    ]


def test_a_gateway_answer_other_than_2xx_is_a_failure(gateway):
    gateway.status = 503
    with pytest.raises(SmsError, match="gateway answered HTTP 503"):
        HttpGatewayBackend().send(to="0912345678", text="x")


def test_an_unreachable_gateway_is_a_failure(settings):
    settings.MOTCUA_SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    with pytest.raises(SmsError, match="gateway unreachable"):
        HttpGatewayBackend().send(to="0912345678", text="x")


@pytest.fixture
def queued_sms(db, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.FileBackend"
    settings.MOTCUA_SMS_FILE = str(tmp_path / "sms.log")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dossier = receive(build_office(), demo_procedure(HKD), at=AT)
    notifications_create_for_event(event_id=dossier.events.get().pk)
    return Notification.objects.get(channel=Channel.SMS)


def test_a_notification_left_sending_by_a_stopped_worker_is_sent_by_the_retry_command(
    queued_sms, settings, capsys
):
    # A worker claimed it and died before the gateway answered.
    Notification.objects.filter(pk=queued_sms.pk).update(
        status=NotificationStatus.SENDING, attempts=1, next_attempt_at=AT + timedelta(minutes=15)
    )
    with time_machine.travel(AT + timedelta(minutes=14), tick=False):
        assert notification_deliver(notification_id=queued_sms.pk) == NotificationStatus.SENDING
        call_command("notifications_retry")
    assert capsys.readouterr().out == "Đã xếp lịch gửi lại 0 thông báo.\n"

    with time_machine.travel(AT + timedelta(minutes=15), tick=False):
        call_command("notifications_retry")
    assert capsys.readouterr().out == "Đã xếp lịch gửi lại 1 thông báo.\n"
    queued_sms.refresh_from_db()
    assert (queued_sms.status, queued_sms.attempts, queued_sms.last_error) == (
        NotificationStatus.SENT,
        2,
        "",
    )
    assert len(Path(settings.MOTCUA_SMS_FILE).read_text(encoding="utf-8").splitlines()) == 1
