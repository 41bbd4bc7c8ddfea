"""Publishing a built report: share links, their revocation and the mailing."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import ReportBuild, ShareMail
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


SHARE_MAIL_MAX_ATTEMPTS = 3
# Longer than one SMTP exchange can last (EMAIL_TIMEOUT per socket operation).
SHARE_MAIL_LEASE_SECONDS = 300


def report_build_send_share_email(*, build_id: int) -> int:
    """Mail the share link to the report's distribution list. Returns messages sent now.

    The list is turned into one row per address (once: the due flag is claimed by a
    conditional update), then each row is sent on its own (``share_mail_send``): an address
    that fails is retried by the sweeper up to its cap, the others are not mailed again.
    """
    with transaction.atomic():
        claimed = ReportBuild.objects.filter(
            pk=build_id, share_email_due=True, share_token__isnull=False
        ).update(share_email_due=False, share_emailed_at=timezone.now())
        if not claimed:
            return 0
        build = ReportBuild.objects.select_related("event", "report").get(pk=build_id)
        report = build.report or report_get_or_create(event=build.event)
        ShareMail.objects.bulk_create(
            [ShareMail(build=build, address=a) for a in report.distribution_addresses()],
            ignore_conflicts=True,
        )
    sent = 0
    pending = ShareMail.objects.filter(build_id=build_id, sent_at=None, failed_at=None)
    for mail_id in pending.values_list("pk", flat=True):
        try:
            sent += share_mail_send(mail_id=mail_id)
        except Exception:
            # Recorded on the row; the sweeper tries that address again.
            logger.warning("share mail %s failed", mail_id, exc_info=True)
    return sent


def share_mail_send(*, mail_id: int) -> bool:
    """Send one recipient's share link: claim (lease), send outside any transaction, record.

    At least once, as the registration outbox (``registration.services.outbox.mail_send``):
    a worker dying between the mail server's answer and the record leaves the row to be sent
    again once its lease has run out. Returns False when the row was not ours to send.
    """
    from django.core.mail import get_connection

    now = timezone.now()
    lease = now + dt.timedelta(seconds=SHARE_MAIL_LEASE_SECONDS)
    claimed = (
        ShareMail.objects.filter(_share_mail_due(now), pk=mail_id)
        .filter(build__share_token__isnull=False)
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    row = ShareMail.objects.select_related("build__event", "build__report").get(pk=mail_id)
    try:
        build = row.build
        report = build.report or report_get_or_create(event=build.event)
        with translation.override(build.language):
            title = text_in(report, "title", build.language) or build.event.title
            subject = _("Report: %(title)s") % {"title": title}
            body = render_to_string(
                "reports/email/share.txt",
                {"title": title, "event": build.event, "url": report_share_url(build=build)},
            )
        # One message per address (Bcc would hide nothing from a mis-set list, To would expose it).
        get_connection().send_messages([EmailMessage(subject=subject, body=body, to=[row.address])])
    except Exception as exc:
        gave_up = row.attempts >= SHARE_MAIL_MAX_ATTEMPTS
        ShareMail.objects.filter(pk=mail_id, sent_at=None, claimed_until=lease).update(
            claimed_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            failed_at=timezone.now() if gave_up else None,
        )
        raise
    ShareMail.objects.filter(pk=mail_id, sent_at=None).update(
        sent_at=timezone.now(), claimed_until=None
    )
    return True


def _share_mail_due(now: dt.datetime) -> Q:
    return Q(sent_at=None, failed_at=None, attempts__lt=SHARE_MAIL_MAX_ATTEMPTS) & (
        Q(claimed_until=None) | Q(claimed_until__lt=now)
    )


def _queue_share_mail(mail_id: int) -> None:
    from reports.tasks import send_share_mail

    send_share_mail.delay(mail_id=mail_id)


def report_builds_sweep_share_emails() -> int:
    """Re-queue share emails still due: mailings not yet fanned out (the broker was down when
    publishing) and single recipients whose last try failed. Returns how many were queued."""
    due = list(
        ReportBuild.objects.filter(share_email_due=True, share_token__isnull=False).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in due:
        _queue_share_email(pk)
    retry = list(
        ShareMail.objects.filter(_share_mail_due(timezone.now()), build__share_token__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for pk in retry:
        _queue_share_mail(pk)
    return len(due) + len(retry)
