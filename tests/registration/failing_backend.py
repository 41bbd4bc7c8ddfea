from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


class LongFailingBackend(BaseEmailBackend):
    """An SMTP server whose refusal is longer than the column that keeps the last error."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down: " + "x" * 600)
