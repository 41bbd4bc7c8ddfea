"""Participants' registrations for an event."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

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


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waiting list")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    email = models.EmailField(_("email address"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    country = CountryField(_("country"))
    organization = models.CharField(_("organisation"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="en",
        choices=[("en", "English"), ("fr", "Français"), ("ar", "العربية")],
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
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The outbox: what still has to be mailed lives on the row, so a broker outage loses nothing.
    confirmation_due = models.BooleanField(default=True, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

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
            models.Index(fields=["event", "status"], name="registration_event_status"),
            models.Index(
                fields=["confirmation_due", "created_at"],
                name="registration_outbox",
                condition=models.Q(confirmation_due=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"
