"""Publishing a built report: share links, their revocation and the mailing."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import ReportBuild
from reports.services.common import BuildNotPublishable
from reports.services.content import report_get_or_create
from webinar.content_i18n import text_in
from webinar.models import User

logger = logging.getLogger(__name__)


def report_build_publish(
    *, build: ReportBuild, user: User | None = None, email: bool = False
) -> ReportBuild:
    """Give a succeeded build an unguessable share link; optionally mail it (after commit)."""
    if build.status != ReportBuild.Status.SUCCEEDED:
        raise BuildNotPublishable(_("Only a finished build can be published."))
    with transaction.atomic():
        if not build.share_token:
            ReportBuild.objects.filter(pk=build.pk, share_token__isnull=True).update(
                share_token=secrets.token_urlsafe(32),
                published_at=timezone.now(),
                published_by=user,
            )
        if email:
            ReportBuild.objects.filter(pk=build.pk).update(share_email_due=True)
            build_id = build.pk
            transaction.on_commit(lambda: _queue_share_email(build_id), robust=True)
    build.refresh_from_db()
    return build


def report_build_revoke(*, build: ReportBuild) -> ReportBuild:
    """The share link stops working at once; publishing again makes a new one."""
    ReportBuild.objects.filter(pk=build.pk).update(
        share_token=None, published_at=None, published_by=None, share_email_due=False
    )
    build.refresh_from_db()
    return build


def _queue_share_email(build_id: int) -> None:
    from reports.tasks import send_share_email

    send_share_email.delay(build_id=build_id)


def report_share_url(*, build: ReportBuild) -> str:
    return settings.SITE_URL + reverse("reports:shared", kwargs={"token": build.share_token})


def report_build_send_share_email(*, build_id: int) -> int:
    """Mail the share link to the report's distribution list, once. Returns messages sent."""
    with transaction.atomic():
        claimed = ReportBuild.objects.filter(
            pk=build_id, share_email_due=True, share_token__isnull=False
        ).update(share_email_due=False)
        if not claimed:
            return 0
        build = ReportBuild.objects.select_related("event", "report").get(pk=build_id)
        report = build.report or report_get_or_create(event=build.event)
        recipients = report.distribution_addresses()
        if not recipients:
            return 0
        with translation.override(build.language):
            title = text_in(report, "title", build.language) or build.event.title
            subject = _("Report: %(title)s") % {"title": title}
            body = render_to_string(
                "reports/email/share.txt",
                {"title": title, "event": build.event, "url": report_share_url(build=build)},
            )
        # One message per address (Bcc would hide nothing from a mis-set list, To would expose it).
        messages = [
            EmailMessage(subject=subject, body=body, to=[address]) for address in recipients
        ]
        from django.core.mail import get_connection

        sent = get_connection().send_messages(messages) or 0
        ReportBuild.objects.filter(pk=build_id).update(share_emailed_at=timezone.now())
    return sent


def report_builds_sweep_share_emails() -> int:
    """Re-queue share emails still due (the broker was down when publishing)."""
    due = list(
        ReportBuild.objects.filter(share_email_due=True, share_token__isnull=False).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in due:
        _queue_share_email(pk)
    return len(due)
