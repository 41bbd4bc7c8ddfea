from django.core.mail.backends.locmem import EmailBackend


class RefusingOneAddressBackend(EmailBackend):
    """A mail server that refuses one recipient (say, a full mailbox) and takes the others."""

    REFUSED = "full-mailbox@example.org"

    def send_messages(self, messages):
        if any(self.REFUSED in message.to for message in messages):
            raise ConnectionRefusedError(f"550 mailbox full: {self.REFUSED}")
        return super().send_messages(messages)


class LongRefusalBackend(EmailBackend):
    """A mail server whose refusal is longer than the column that keeps the last error."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("550 " + "e" * 600)
