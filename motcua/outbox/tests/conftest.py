"""A real HTTP server on 127.0.0.1 standing in for the province's integration platform: it stores
each message once per Idempotency-Key (as the real one must) and answers what the test says."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver(BaseHTTPRequestHandler):
    # Answers for the next requests, in order; then `status`. ("store+500": stored, answer lost.)
    script: list = []
    status = 200
    requests: list = []  # (headers dict, payload) of every POST received
    stored: dict = {}  # idempotency key → payload, each stored once

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        payload = json.loads(self.rfile.read(length))
        Receiver.requests.append((dict(self.headers.items()), payload))
        answer = Receiver.script.pop(0) if Receiver.script else Receiver.status
        store = answer == "store+500" or (isinstance(answer, int) and 200 <= answer < 300)
        key = self.headers.get("Idempotency-Key", "")
        if store:
            Receiver.stored.setdefault(key, payload)
        status = 500 if answer == "store+500" else answer
        body = (
            json.dumps({"loi": "MaTTHC không tồn tại"}, ensure_ascii=False).encode()
            if status == 400
            else b'{"ok": true}'
        )
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/moved")  # GET there answers 200: not a delivery
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.script = []
    Receiver.status = 200
    Receiver.requests = []
    Receiver.stored = {}
    settings.MOTCUA_NATIONAL_ENDPOINT = f"http://127.0.0.1:{server.server_port}/dvc/ho-so"
    settings.MOTCUA_NATIONAL_TOKEN = "token-tinh-62"
    settings.MOTCUA_NATIONAL_TIMEOUT = 5
    Receiver.url = settings.MOTCUA_NATIONAL_ENDPOINT
    yield Receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def quiet_side_effects(settings, tmp_path):
    """Tasks run at once; the applicant's notifications go nowhere."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.FileBackend"
    settings.MOTCUA_SMS_FILE = str(tmp_path / "sms.log")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def unreachable_url() -> str:
    """A local port nothing listens on."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    port = server.server_port
    server.server_close()
    return f"http://127.0.0.1:{port}/dvc/ho-so"
