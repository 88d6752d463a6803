"""An email backend standing in for an SMTP server that drops the first connections."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    """Refuse the next `drops` sends as a server hanging up would, then deliver to the outbox."""

    drops = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.drops > 0:
            FlakyEmailBackend.drops -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
