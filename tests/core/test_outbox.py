"""core/outbox.py::outbox_deliver against a real SMTP server (aiosmtpd on 127.0.0.1)."""

import socket

import pytest
from aiosmtpd.controller import Controller

from allied.core.models import OutboxEmail
from allied.core.outbox import email_enqueue, outbox_deliver


class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server that can be stopped and started again on the same port."""

    def __init__(self, port: int):
        self.port = port
        self.handler = Collector()
        self.controller = None

    @property
    def envelopes(self):
        return self.handler.envelopes

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A running SMTP server, and settings pointing Django's SMTP backend at it."""
    port = free_port()
    server = SmtpServer(port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def test_delivers_pending_email_and_marks_it_sent(db, smtp):
    # given one queued email
    row = email_enqueue(to="dana@contoso.example", subject="Welcome aboard", body="Hello Dana,\nwelcome.\n")
    # when
    sent = outbox_deliver()
    # then it reached the SMTP server and the row is marked sent
    assert sent == 1
    assert len(smtp.envelopes) == 1
    envelope = smtp.envelopes[0]
    assert envelope.rcpt_tos == ["dana@contoso.example"]
    message = envelope.content.decode()
    assert "Subject: Welcome aboard" in message
    assert "welcome." in message
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.last_error == ""


def test_sent_email_is_not_sent_again(db, smtp):
    email_enqueue(to="a@x.example", subject="One", body="1")
    assert outbox_deliver() == 1
    # when delivering again
    assert outbox_deliver() == 0
    # then the server saw the message once
    assert len(smtp.envelopes) == 1


def test_server_down_keeps_row_unsent_with_error_and_retries_later(db, smtp):
    # given the SMTP server is stopped
    row = email_enqueue(to="b@x.example", subject="Retry me", body="body")
    smtp.stop()
    # when
    sent = outbox_deliver()
    # then nothing is sent; the failure is recorded on the row
    assert sent == 0
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error != ""
    # and a second failing run counts another attempt
    outbox_deliver()
    row.refresh_from_db()
    assert row.attempts == 2 and row.sent_at is None

    # when the server is back
    smtp.start()
    assert outbox_deliver() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 3 and row.last_error == ""
    assert [e.rcpt_tos for e in smtp.envelopes] == [["b@x.example"]]


def test_gives_up_after_max_attempts(db, smtp):
    # given a row that already failed as often as allowed
    row = email_enqueue(to="c@x.example", subject="Dead", body="body")
    OutboxEmail.objects.filter(pk=row.pk).update(attempts=8, last_error="earlier failure")
    # when
    assert outbox_deliver(max_attempts=8) == 0
    # then it is left alone
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 8
    assert smtp.envelopes == []
