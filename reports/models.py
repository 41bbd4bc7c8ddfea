"""The post-event report: its content (written by staff in en/fr/ar) and its PDF builds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from webinar.languages import autonym_choices
from webinar.models import Event

# Reasons a build records in English and the build page shows in the reader's language.
BUILD_TOO_LONG = gettext_noop("The build took too long.")
PLAIN_REASONS = frozenset({BUILD_TOO_LONG})


# At the running header's 8.5 pt, 80 characters fit on one line of an A4 page.
SHORT_TITLE_MAX_LENGTH = 80


class ChallengeType(models.TextChoices):
    LEGAL = "legal", _("Legal")
    POLICY = "policy", _("Policy")
    INSTITUTIONAL = "institutional", _("Institutional")
    OPERATIONAL = "operational", _("Operational")


class ProgrammeArea(models.TextChoices):
    SERVICES = "services", _("Services to migrants")
    REINTEGRATION = "reintegration", _("Reintegration of returnees")
    DIASPORA = "diaspora", _("Diaspora engagement")
    STABILISATION = "stabilisation", _("Community stabilisation and peacebuilding")
    DRIVERS = "drivers", _("Drivers of migration (conflict, terrorism, climate change, COVID-19)")
    GOVERNANCE = "governance", _("Migration governance and data")


class Addressee(models.TextChoices):
    NATIONAL = "national_governments", _("National governments")
    LOCAL = "local_governments", _("Local governments")
    AUC = "auc", _("African Union Commission")
    RECS = "recs", _("Regional economic communities")
    PARTNERS = "international_partners", _("International partners")


class Stage(models.TextChoices):
    ASSESSMENT = "assessment", _("Situation assessment")
    GOALS = "goals", _("Strategic goals and national priorities")
    PLANNING = "planning", _("Planning")
    CAPACITY = "capacity", _("Capacity building and financing")
    IMPLEMENTATION = "implementation", _("Implementation")
    EVALUATION = "evaluation", _("Evaluation")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    CONTINENTAL = "continental", _("Continental")


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


# The texts below are written in every language of settings.LANGUAGES (reports/translation.py):
# django-modeltranslation adds the columns ``<field>_en``, ``<field>_fr``, ``<field>_ar``; what is
# missing and which language a reader gets instead is decided in webinar/content_i18n.py.


class Report(models.Model):
    """The summary report of one event, edited by rapporteurs and organisers."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (every page marked DRAFT)")
        FINAL = "final", _("Final (ready to send out)")

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="report", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    # The running header of every page: it must fit on one line at the header's size.
    short_title = models.CharField(
        _("short title"),
        max_length=SHORT_TITLE_MAX_LENGTH,
        blank=True,
        help_text=_("Printed at the top of every page; empty prints the title if it is short."),
    )
    executive_summary = models.TextField(_("executive summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    region_countries = CountryField(
        _("countries of the region"),
        multiple=True,
        blank=True,
        help_text=_("Used to count how many of the region's countries took part."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    finalised_at = models.DateTimeField(_("marked final at"), null=True, blank=True, editable=False)
    distribution_list = models.TextField(
        _("distribution list"),
        blank=True,
        help_text=_("Email addresses that receive the share link, one per line."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("finalise_report", _("Can mark a report final (no DRAFT mark)"))]

    def __str__(self) -> str:
        # The title in the reader's language, or another one (django-modeltranslation).
        return self.title or self.event.title

    def distribution_addresses(self) -> list[str]:
        seen: dict[str, None] = {}
        for line in self.distribution_list.replace(",", "\n").replace(";", "\n").splitlines():
            address = line.strip()
            if address:
                seen.setdefault(address.lower(), None)
        return list(seen)


class SessionSummary(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="session_summaries", verbose_name=_("report")
    )
    session = models.ForeignKey(
        "agenda.Session",
        on_delete=models.CASCADE,
        related_name="report_summaries",
        verbose_name=_("session"),
    )
    key_points = models.TextField(_("rapporteur's key points (one per line)"), blank=True)

    class Meta:
        ordering = ["session__starts_at", "session__order", "pk"]
        verbose_name = _("session summary")
        verbose_name_plural = _("session summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "session"], name="report_one_summary_per_session"
            )
        ]

    def __str__(self) -> str:
        return str(self.session)


class Finding(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="findings", verbose_name=_("report")
    )
    challenge_type = models.CharField(_("challenge type"), max_length=20, choices=ChallengeType)
    programme_area = models.CharField(
        _("programme area"), max_length=20, choices=ProgrammeArea, blank=True
    )
    session = models.ForeignKey(
        "agenda.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("session it came from"),
    )
    text = models.TextField(_("text"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return (self.text or "")[:80]


class Recommendation(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("report")
    )
    text = models.TextField(_("text"), blank=True)
    addressee = models.CharField(_("addressed to"), max_length=30, choices=Addressee)
    stage = models.CharField(
        _("stage of the national development process"), max_length=20, choices=Stage
    )
    level = models.CharField(_("level"), max_length=20, choices=Level)
    sdg_target = models.CharField(
        _("SDG target"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{1,2}\.[0-9a-z]{1,2}$", _("Write a target like 10.7."))],
        help_text=_("For example 10.7 (safe, orderly and regular migration)."),
    )
    gcm_objective = models.PositiveSmallIntegerField(
        _("Global Compact for Migration objective"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(23)],
        help_text=_("1 to 23."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.MEDIUM
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["priority", "order", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return (self.text or "")[:80]


class ReportBuild(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="report_builds", verbose_name=_("event")
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        related_name="builds",
        null=True,
        blank=True,
        verbose_name=_("report"),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=autonym_choices(), default="en"
    )
    allow_fallback = models.BooleanField(
        _("fall back to another language where a translation is missing"), default=False
    )
    fallback_fields = models.TextField(
        _("texts shown in another language"), blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
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
    # Written every few seconds by the running task; a silent build's worker is gone.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Whether the report was final when this file was built (drafts carry a DRAFT mark).
    final = models.BooleanField(_("final version"), default=False)
    # The first page as a small PNG, rendered by the worker after the PDF.
    thumbnail = models.FileField(_("first page"), upload_to="reports/", blank=True, max_length=300)
    # Publishing: an unguessable token makes a public link; revoking clears it for good.
    share_token = models.CharField(
        _("share token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    share_email_due = models.BooleanField(_("share email to send"), default=False)
    share_emailed_at = models.DateTimeField(_("share email sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        permissions = [
            ("download_reportbuild", _("Can download report PDFs")),
            ("publish_reportbuild", _("Can publish report PDFs and send their share link")),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} [{self.language}] #{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def is_shared(self) -> bool:
        return bool(self.share_token)

    def storage_name(self, *, attempt: int) -> str:
        """One name per attempt: an attempt presumed dead that still finishes writes beside
        the live attempt's file, never over it (and deletes what it wrote, builds.py)."""
        return f"reports/{self.event.slug}/report-{self.pk}-{self.language}-a{attempt}.pdf"

    def thumbnail_storage_name(self, *, attempt: int) -> str:
        """The first page as a PNG, named per attempt like the PDF."""
        return f"reports/{self.event.slug}/report-{self.pk}-{self.language}-a{attempt}-page1.png"

    def error_display(self) -> str:
        """The reason in the reader's language when it is one of the known plain reasons."""
        return gettext(self.error) if self.error in PLAIN_REASONS else self.error


class ShareMail(models.Model):
    """One recipient of a published report's link: sent, retried and failed on its own.

    Like the registration outbox: claimed with a lease, sent outside any transaction,
    recorded; a failing address is tried ``SHARE_MAIL_MAX_ATTEMPTS`` times and then marked
    failed, without sending the others again.
    """

    build = models.ForeignKey(
        ReportBuild, on_delete=models.CASCADE, related_name="share_mails", verbose_name=_("build")
    )
    address = models.EmailField(_("email address"), max_length=254)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["build", "pk"]
        verbose_name = _("report link mail")
        verbose_name_plural = _("report link mails")
        constraints = [
            models.UniqueConstraint(fields=["build", "address"], name="sharemail_once_per_address")
        ]

    def __str__(self) -> str:
        return self.address
