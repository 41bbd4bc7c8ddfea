"""The agenda of an event: its sessions, the people who take part and the session materials."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from sessions.images import validate_photo
from webinar.languages import LANGUAGE_CODES, language_name
from webinar.models import Event

# Spoken in sessions: the site's languages and a few more that speakers use.
SPOKEN_LANGUAGE_CODES = (*LANGUAGE_CODES, "pt", "es")

MATERIAL_EXTENSIONS = ["pdf", "pptx", "ppt", "docx", "doc", "xlsx", "odt", "odp", "ods", "txt"]
MATERIAL_MAX_BYTES = 20 * 1024 * 1024


@cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_language_codes(value: str) -> None:
    unknown = [code for code in split_codes(value) if code not in SPOKEN_LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s."), params={"codes": ", ".join(unknown)}
        )


def split_codes(value: str) -> list[str]:
    return [code.strip() for code in (value or "").split(",") if code.strip()]


def validate_material_size(file) -> None:
    if file.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB)."),
            params={"mb": MATERIAL_MAX_BYTES // (1024 * 1024)},
        )


class Session(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening remarks")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        WORKING_GROUP = "working_group", _("Working group / breakout")
        DISCUSSION = "discussion", _("Open discussion")
        CLOSING = "closing", _("Closing")
        BREAK = "break", _("Break")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    # Stable identity for calendar clients (the iCalendar UID): never changes, even if the
    # session is moved, renamed or its event cloned (a clone gets fresh UIDs).
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PANEL)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    order = models.PositiveIntegerField(_("order"), default=0)
    languages = models.CharField(
        _("languages spoken"),
        max_length=50,
        default="en",
        validators=[validate_language_codes],
        help_text=_("Language codes separated by commas, e.g. “en,fr”."),
    )
    interpretation = models.CharField(
        _("interpretation into"),
        max_length=50,
        blank=True,
        validators=[validate_language_codes],
        help_text=_("Languages with simultaneous interpretation, e.g. “fr,ar”."),
    )
    join_url = models.URLField(
        _("own join link"),
        blank=True,
        help_text=_("Private: for a breakout room with its own link. Never shown publicly."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # The iCalendar SEQUENCE, so calendar clients replace the entry: raised by one on every change
    # (sessions.services.sessions_mark_changed, in the database, so concurrent edits both count).
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["starts_at", "order", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["event", "is_published", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agenda:session_detail", kwargs={"slug": self.event.slug, "pk": self.pk})

    def clean(self) -> None:
        if not (self.starts_at and self.ends_at):
            return
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
        try:
            # In an inline under a new or edited event, this is the form's (unsaved) event.
            event = self.event
        except Event.DoesNotExist:
            return
        if not (event.starts_at and event.ends_at and event.time_zone in available_zones()):
            return
        tz = event.tzinfo
        first_day = event.starts_at.astimezone(tz).date()
        last_day = event.ends_at.astimezone(tz).date()
        if not (
            first_day <= self.starts_at.astimezone(tz).date() <= last_day
            and first_day
            <= (self.ends_at - dt.timedelta(microseconds=1)).astimezone(tz).date()
            <= last_day
        ):
            raise ValidationError(
                {
                    "starts_at": _(
                        "The session must take place within the event's days "
                        "(%(first)s to %(last)s, %(zone)s)."
                    )
                    % {"first": first_day, "last": last_day, "zone": event.time_zone}
                }
            )

    @property
    def language_list(self) -> list[str]:
        return split_codes(self.languages)

    @property
    def interpretation_list(self) -> list[str]:
        return split_codes(self.interpretation)

    def language_labels(self) -> list[str]:
        return [language_name(code) for code in self.language_list]

    def interpretation_labels(self) -> list[str]:
        return [language_name(code) for code in self.interpretation_list]


class Person(models.Model):
    """A speaker, moderator, rapporteur...: someone named on the agenda."""

    honorific = models.CharField(
        _("honorific"), max_length=50, blank=True, help_text=_("e.g. H.E., Dr, Ms, Mr.")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=3000)
    photo = models.ImageField(
        _("photo"),
        upload_to="agenda/people/",
        blank=True,
        validators=[validate_photo],
        help_text=_("JPEG, PNG or WebP, at most 5 MB; resized to at most 600 pixels."),
    )
    email = models.EmailField(
        _("email (private)"), blank=True, help_text=_("For organisers only; never published.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_people",
        verbose_name=_("user account"),
        help_text=_("Optional: the account this person signs in with (e.g. a rapporteur)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.position, self.organisation) if part)


class SessionRole(models.Model):
    """A person's part in a session. The rapporteur writes that session's summary (reports)."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        CHAIR = "chair", _("Chair")
        DISCUSSANT = "discussant", _("Discussant")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="roles", verbose_name=_("session")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="session_roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.SPEAKER)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("session role")
        verbose_name_plural = _("session roles")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "role"], name="sessionrole_unique_person_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} ({self.session})"


class Material(models.Model):
    """A file or link attached to a session (slides, background paper, recording)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="materials", verbose_name=_("session")
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to="agenda/materials/",
        blank=True,
        validators=[
            FileExtensionValidator(allowed_extensions=MATERIAL_EXTENSIONS),
            validate_material_size,
        ],
        help_text=_("PDF, Office or OpenDocument files, at most 20 MB."),
    )
    url = models.URLField(_("link"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url=""))
                | (~models.Q(file="") & models.Q(url="")),
                name="material_file_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if bool(self.file) == bool(self.url):
            raise ValidationError(_("Give either a file or a link, not both."))

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url
