"""Certificates of attendance: what was issued to whom, its PDF, and how it was rendered."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates.images import validate_signature
from registration.models import Registration
from sessions.models import Person
from webinar.languages import autonym_choices
from webinar.models import Event

# No 0/O, 1/I/L: a number read aloud or typed from paper cannot be mistaken.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31 letters ** 10 = 8e14 numbers: guessing one of 2,000 takes ~4e11 tries, far past any limit.
NUMBER_LENGTH = 10


def new_certificate_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def normalise_number(value: str) -> str:
    """What a reader typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in value.upper() if ch not in " -")


class CertificateSettings(models.Model):
    """Who signs an event's certificates; set per event by the organisers."""

    event = models.OneToOneField(
        Event,
        on_delete=models.CASCADE,
        related_name="certificate_settings",
        verbose_name=_("event"),
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title_en = models.CharField(_("signatory's title (en)"), max_length=300, blank=True)
    signatory_title_fr = models.CharField(_("signatory's title (fr)"), max_length=300, blank=True)
    signatory_title_ar = models.CharField(_("signatory's title (ar)"), max_length=300, blank=True)
    signature = models.ImageField(
        _("signature image"),
        upload_to="certificates/signatures/",
        blank=True,
        validators=[validate_signature],
        help_text=_("PNG or JPEG, at most 1 MB and 4 million pixels."),
    )

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")

    def __str__(self) -> str:
        return str(self.event)

    def signatory_title(self, language: str) -> str:
        return getattr(self, f"signatory_title_{language}", "") or self.signatory_title_en


class Certificate(models.Model):
    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("Attendance")
        SPEAKER = "speaker", _("Participated as speaker")
        MODERATOR = "moderator", _("Participated as moderator")

    number = models.CharField(
        _("number"), max_length=NUMBER_LENGTH, unique=True, default=new_certificate_number
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ATTENDANCE)
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("registration"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("speaker or moderator"),
    )
    # What the certificate says, as it was when issued: a later change reissues it.
    honorific = models.CharField(_("honorific"), max_length=50, blank=True)
    name = models.CharField(_("name"), max_length=310)
    institution = models.CharField(_("institution"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=autonym_choices(), default="en"
    )
    minutes = models.PositiveIntegerField(_("minutes attended"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    file = models.FileField(_("PDF"), upload_to="certificates/", blank=True, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        ordering = ["event", "name", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [
            ("issue_certificate", _("Can issue certificates")),
            ("revoke_certificate", _("Can revoke and reissue certificates")),
            ("download_certificate", _("Can download certificates")),
        ]
        constraints = [
            # At most one valid certificate per registrant, and per speaker and role.
            models.UniqueConstraint(
                fields=["event", "registration"],
                condition=models.Q(revoked_at=None, registration__isnull=False),
                name="certificate_one_valid_per_registration",
            ),
            models.UniqueConstraint(
                fields=["event", "person", "kind"],
                condition=models.Q(revoked_at=None, person__isnull=False),
                name="certificate_one_valid_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(registration__isnull=True) | models.Q(person__isnull=True),
                name="certificate_registration_or_person",
            ),
        ]
        indexes = [models.Index(fields=["event", "revoked_at"], name="certificate_event_valid")]

    def __str__(self) -> str:
        return f"{self.number} — {self.name}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    def storage_name(self) -> str:
        return f"certificates/{self.event.slug}/certificate-{self.number}.pdf"


class CertificateLog(models.Model):
    """Every issue, revocation and mailing of a certificate, by whom (none: a command)."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        MAILED = "mailed", _("Mail queued")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="log", verbose_name=_("certificate")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("certificate log entry")
        verbose_name_plural = _("certificate log")

    def __str__(self) -> str:
        return f"{self.certificate.number} {self.action}"


class CertificateBatch(models.Model):
    """Rendering an event's certificates that have no PDF yet, claimed by one worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="certificate_batches",
        verbose_name=_("event"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(_("certificates to render"), default=0)
    done = models.PositiveIntegerField(_("certificates rendered"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")

    def __str__(self) -> str:
        return f"{self.event.slug} #{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def progress(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return round(100 * self.done / self.total) if self.total else 0
