"""Report builds: each request for a PDF of an event's report, and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webinar.models import Event


class ReportBuild(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Language(models.TextChoices):
        EN = "en", "English"
        FR = "fr", "Français"
        AR = "ar", "العربية"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="report_builds", verbose_name=_("event")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language, default="en")
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
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        permissions = [("download_reportbuild", _("Can download report PDFs"))]

    def __str__(self) -> str:
        return f"{self.event.slug} [{self.language}] #{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    def storage_name(self) -> str:
        """Deterministic: running the build twice writes one file, not two."""
        return f"reports/{self.event.slug}/report-{self.pk}-{self.language}.pdf"
