"""Acceptance: a digest travels through a real SMTP server and its unsubscribe link works
once, without login.

aiosmtpd listens on a free loopback port; Django's SMTP EmailBackend talks to it; the message
it receives is parsed with the standard library's `email` package.
"""

from __future__ import annotations

import email
import email.policy
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from kith.notify.digests import send_due_digests
from kith.notify.models import DigestStatus
from kith.notify.preferences import digest_frequency
from tests.notify.test_digests import TOMORROW, scene  # noqa: F401  (the fixture)


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def test_digest_over_real_smtp_and_one_click_unsubscribe(client, alice, scene, smtp_server):  # noqa: F811
    assert send_due_digests(TOMORROW) == {DigestStatus.SENT: 1}
    assert send_due_digests(TOMORROW) == {}  # never twice
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["alice@example.com"]

    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["To"] == "alice@example.com"
    assert "digest" in message["Subject"].lower()
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "Wood firing, anyone?" in plain.get_content()
    assert "Wood firing, anyone?" in html.get_content()
    assert "Head potter" in plain.get_content()

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(message["List-Unsubscribe"]).strip()  # long: folded onto its own line
    assert header.startswith("<http://testserver/digest/unsubscribe/") and header.endswith(">")
    link = header[1:-1]
    assert link in plain.get_content()
    assert link in html.get_content()

    # The mail client's one-click POST (RFC 8058), no session, no CSRF token.
    path = urlsplit(link).path
    first = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert first.status_code == 200
    assert "You are unsubscribed" in first.content.decode()
    assert digest_frequency(alice) == "off"
    second = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert second.status_code == 410
    assert "Already unsubscribed" in second.content.decode()
    assert "_auth_user_id" not in client.session
