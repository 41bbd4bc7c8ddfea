"""Core domain: users, the webinar series, its events and partner organisations."""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webinar.logos import validate_logo


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who logs in: organisers, rapporteurs, participants with an account.

    People sign in with their email address; there is no username to remember.
    """

    # No username: people sign in with their email address (the stubs declare a str field).
    username = None  # type: ignore[assignment]
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), max_length=254, unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Ours creates users from an email address; Django's UserManager expects a username.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email


class Organisation(models.Model):
    """An organiser or partner of the series (e.g. the convening centre, IOM, a donor)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        max_length=300,
        validators=[validate_logo],
        help_text=_("PNG or JPEG, at most 2 MB; printed on the report cover."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Series(models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="series_organised", verbose_name=_("organisers")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="series_supported", verbose_name=_("partners")
    )
    # The organisers and rapporteurs who work on this series: in the admin they see and change
    # this series' events, registrations, agenda and reports, and no other series' (staff with
    # the "every series" permission see all).
    team = models.ManyToManyField(
        "webinar.User",
        blank=True,
        related_name="series_teams",
        verbose_name=_("team"),
        help_text=_("Organisers and rapporteurs who work on this series."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = _("series")
        permissions = [("view_all_series", _("Can see and change every series"))]

    def __str__(self) -> str:
        return self.title


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Event(models.Model):
    """One webinar (a workshop of the series)."""

    class ApprovalMode(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        MANUAL = "manual", _("Manual (organisers approve)")

    class Admission(models.TextChoices):
        OPEN = "open", _("Open: anyone signs up")
        MIXED = "mixed", _("Mixed: public sign-up for the seats delegations do not hold")
        INVITATION_ONLY = "invitation_only", _("By invitation only: delegations nominate")

    class AttendanceRule(models.TextChoices):
        PERCENT = "percent", _("At least this share of the event's length (%)")
        MINUTES = "minutes", _("At least this many minutes")

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="events", verbose_name=_("series")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("concept"), blank=True)
    objectives = models.TextField(
        _("objectives"), blank=True, help_text=_("One objective per line.")
    )
    region = models.CharField(_("region"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    approval_mode = models.CharField(
        _("approval"), max_length=20, choices=ApprovalMode, default=ApprovalMode.AUTOMATIC
    )
    admission = models.CharField(
        _("admission"),
        max_length=20,
        choices=Admission,
        default=Admission.OPEN,
        help_text=_(
            "Mixed and invitation-only events hold each delegation's unfilled quota until its "
            "nomination deadline."
        ),
    )
    has_waitlist = models.BooleanField(_("waiting list when full"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    join_url = models.URLField(
        _("join link"), blank=True, help_text=_("Private: shown only to approved participants.")
    )
    join_passcode = models.CharField(_("passcode"), max_length=100, blank=True)
    # What counts as attending, for the desk, the report's figures and certificates; applied by
    # registration.selectors.event_attendance_minutes_required.
    attendance_rule = models.CharField(
        _("attended means"),
        max_length=10,
        choices=AttendanceRule,
        default=AttendanceRule.PERCENT,
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance threshold"),
        default=50,
        help_text=_("A percentage of the event's length, or minutes, as chosen above."),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")}
            )
        if self.attendance_rule == self.AttendanceRule.PERCENT and not (
            1 <= self.attendance_threshold <= 100
        ):
            raise ValidationError(
                {"attendance_threshold": _("A share of the length is between 1 and 100 %.")}
            )

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def registration_is_open(self, at=None) -> bool:
        at = at or timezone.now()
        if not self.is_published:
            return False
        if self.registration_opens_at and at < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.ends_at
        return at < closes

    def objectives_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip()]
