"""Participants' registrations for an event."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from webinar.languages import autonym_choices
from webinar.models import Event


class Category(models.TextChoices):
    NATIONAL_GOVERNMENT = "national_government", _("National government (ministry, agency)")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    AU_COMMISSION = "au_commission", _("African Union Commission")
    REC = "rec", _("Regional economic community or regional mechanism")
    INTERNATIONAL_ORGANISATION = "international_org", _("International organisation (IOM, UN)")
    DEVELOPMENT_PARTNER = "development_partner", _("Development partner or donor government")
    CIVIL_SOCIETY = "civil_society", _("Civil society, academia or research")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Honorific(models.TextChoices):
    MS = "ms", _("Ms")
    MR = "mr", _("Mr")
    DR = "dr", _("Dr")
    PROF = "prof", _("Prof.")
    HE = "he", _("H.E.")


def new_access_key() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waiting list")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    # No index of its own: the one-address-per-event index starts with the event. Only that
    # index starts with it (the status index below starts with the status), so the sign-up's
    # address lookup cannot take another one: when an event's rows were newer than the table's
    # statistics (a burst of sign-ups), the planner took any index on the event and walked all
    # of the event's rows for each lookup.
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("event"),
        db_index=False,
    )
    user = models.ForeignKey(
        "webinar.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("account"),
    )
    honorific = models.CharField(
        pgettext_lazy("form of address, as Ms or Dr", "title"),
        max_length=8,
        choices=Honorific,
        blank=True,
    )
    email = models.EmailField(_("email address"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = CountryField(_("country"))
    organization = models.CharField(_("organisation"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category)
    position = models.CharField(_("position"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, default="en", choices=autonym_choices()
    )
    interpretation_language = models.CharField(
        _("interpretation needed into"),
        max_length=8,
        choices=autonym_choices(),
        blank=True,
        help_text=_("Leave empty if you need no interpretation."),
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        max_length=1000,
        blank=True,
        help_text=_("For example captions or sign language interpretation."),
    )
    sex = models.CharField(
        _("sex"),
        max_length=12,
        choices=Sex,
        default=Sex.UNDISCLOSED,
        help_text=_("Used only for disaggregated participation statistics."),
    )
    consent_processing = models.BooleanField(_("consent to processing"), default=False)
    consent_listing = models.BooleanField(
        _("consent to appear in the report's participant list"), default=False
    )
    attended = models.BooleanField(_("attended"), default=False)
    minutes_attended = models.PositiveIntegerField(_("minutes attended"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    # Set when a delegation nominated this participant (delegations app); its quota counts them.
    delegation = models.ForeignKey(
        "delegations.Delegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="nominees",
        verbose_name=_("nominated by"),
    )
    # Part of every self-service link; replacing it revokes the links already sent.
    access_key = models.CharField(max_length=64, default=new_access_key, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "event", Lower("email"), name="registration_one_per_email_per_event"
            ),
        ]
        indexes = [
            # Status first: a seat count (status IN seat-holding, event) reads exactly the
            # event's seats, and lookups by status alone use it too.
            models.Index(fields=["status", "event"], name="registration_status_event"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        parts = [self.get_honorific_display(), self.first_name, self.last_name]
        return " ".join(part for part in parts if part)

    @property
    def status_wording(self) -> str:
        """The status as participants read it, the same in every mail and page."""
        return str(STATUS_WORDING[Registration.Status(self.status)])

    @property
    def calendar_sequence(self) -> int:
        """The iCalendar SEQUENCE of this registrant's entry: it grows with every change of the
        row (a cancellation, a registration again), so calendars apply the newest file."""
        if self.created_at is None or self.updated_at is None:
            return 0
        return max(int((self.updated_at - self.created_at).total_seconds()), 0)


# What a participant is told about their registration, in mails and on their pages alike (the
# organisers' desk keeps the shorter labels of Registration.Status).
STATUS_WORDING = {
    Registration.Status.PENDING: _("Registration received, awaiting approval"),
    Registration.Status.APPROVED: _("Registration confirmed"),
    Registration.Status.WAITLISTED: _("On the waiting list"),
    Registration.Status.REJECTED: _("Registration declined"),
    Registration.Status.CANCELLED: _("Registration cancelled"),
}


class Question(models.Model):
    """A question an event adds to its registration form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes / no")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event")
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.TEXT)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For choice questions: one choice per line.")
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE) and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})


class Answer(models.Model):
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    # Multiple choices are stored one per line.
    value = models.TextField(_("answer"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.value

    def display(self) -> str:
        return "; ".join(line for line in self.value.split("\n") if line)


class OutgoingMail(models.Model):
    """The outbox: every mail to a registrant, or to a delegation's focal point, is written
    here before it is sent (exactly one of ``registration`` and ``delegation`` is set).

    One outbox for both, rather than a second one for focal points: the claim, the lease, the
    retries and the sweeper are the delicate part, and they stay written (and tested) once.

    A worker claims a row for a while (``claimed_until``), sends it outside any transaction
    and then stamps ``sent_at``; rows still unsent after their due time, and claims whose
    lease ran out, are taken up again by the sweeper (delivery is at least once, see
    ``registration.services.outbox.mail_send``).
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Registration received (pending approval)")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        REMINDER = "reminder", _("Reminder")
        ALREADY_REGISTERED = "already_registered", _("Already registered")
        CUSTOM = "custom", _("Custom message")
        CERTIFICATE = "certificate", _("Certificate of attendance")
        NOMINATED = "nominated", _("Nominated by a delegation")
        INVITATION = "invitation", _("Invitation to a delegation's focal point")
        NOMINATION_REMINDER = "nomination_reminder", _("Reminder to nominate")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("registration"),
    )
    delegation = models.ForeignKey(
        "delegations.Delegation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("delegation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # Non-empty for mails that must exist at most once (e.g. "reminder-24h").
    dedupe_key = models.CharField(max_length=60, blank=True, default="")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # A worker is sending it until then; past it, the claim is void and the row is due again.
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    # When the dispatcher queued its sending (once: a row it has queued is not queued again).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mail to a registrant")
        verbose_name_plural = _("mails to registrants")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="outgoingmail_once_per_key",
            ),
            models.UniqueConstraint(
                fields=["delegation", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="outgoingmail_delegation_once_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(registration__isnull=True, delegation__isnull=False)
                | models.Q(registration__isnull=False, delegation__isnull=True),
                name="outgoingmail_one_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="outgoingmail_unsent", condition=models.Q(sent_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_email}"

    @property
    def recipient_email(self) -> str:
        if self.delegation is not None:
            return self.delegation.focal_point_email
        return self.registrant.email

    @property
    def registrant(self) -> Registration:
        """The registrant this mail goes to (a focal point's mail has none)."""
        if self.registration is None:
            raise ValueError(f"mail {self.pk} goes to a focal point, not a registrant")
        return self.registration


class AttendanceImport(models.Model):
    """One attendance report applied to an event; later reports add to the earlier ones."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="attendance_imports",
        verbose_name=_("event"),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The same file twice would count nothing new but says the organiser lost track: refused.
    file_sha256 = models.CharField(max_length=64)
    layout = models.CharField(_("layout"), max_length=40)
    imported_by = models.ForeignKey(
        "webinar.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["imported_at", "pk"]
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "file_sha256"], name="attendance_import_once_per_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class AttendanceRecord(models.Model):
    """A registrant's time in one imported report: intervals, and minutes without times.

    Intervals are ``[start, end]`` in Unix seconds (UTC). A registrant's minutes are the union of
    the intervals of all the event's imports plus the minutes that came without times, at most
    the event's length. Nothing here names the person, so anonymisation keeps it.
    """

    class MatchedBy(models.TextChoices):
        EMAIL = "email", _("e-mail")
        NAME = "name", _("name (confirmed by the organiser)")

    attendance_import = models.ForeignKey(
        AttendanceImport, on_delete=models.CASCADE, related_name="records"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendance_records"
    )
    intervals = models.JSONField(default=list)
    untimed_minutes = models.FloatField(default=0)
    matched_by = models.CharField(max_length=10, choices=MatchedBy)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attendance_import", "registration"],
                name="attendance_record_once_per_import",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} in {self.attendance_import_id}"
