"""Rendering certificates in a worker: a batch row claimed once, progress, the sweeper.

Like the report's builds: the row is the truth (queued → running → succeeded/failed), the
worker claims it with a conditional update, writes its progress every few certificates (which
is also its sign of life), and the sweeper re-queues a batch whose worker went silent. What a
batch renders is read from the database each round, "valid certificates of the event without a
PDF", so a retry carries on where the last attempt stopped and never renders one twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateBatch, CertificateLog
from certificates.services.rendering import Signatory, certificate_pdf
from webinar.models import Event, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ACTIVE = (CertificateBatch.Status.QUEUED, CertificateBatch.Status.RUNNING)


def _pending(event_id: int) -> QuerySet[Certificate]:
    return Certificate.objects.filter(event_id=event_id, revoked_at=None, file="")


def batch_request(*, event: Event, requested_by: User | None = None) -> CertificateBatch | None:
    """A batch for the certificates still without a PDF; None when there are none.

    An active batch of the event takes the new certificates on (it reads what is pending each
    round); its total is raised to what is pending now.
    """
    with transaction.atomic():
        pending = _pending(event.pk).count()
        if not pending:
            return None
        active = (
            CertificateBatch.objects.select_for_update()
            .filter(event=event, status__in=ACTIVE)
            .order_by("-pk")
            .first()
        )
        if active is not None:
            CertificateBatch.objects.filter(pk=active.pk).update(total=F("done") + pending)
            active.refresh_from_db()
            return active
        batch = CertificateBatch.objects.create(
            event=event, total=pending, requested_by=requested_by
        )
        batch_id = batch.pk
        transaction.on_commit(lambda: _queue_batch(batch_id), robust=True)
    return batch


def _queue_batch(batch_id: int) -> None:
    from certificates.tasks import render_certificates

    render_certificates.apply_async(kwargs={"batch_id": batch_id})


def batch_claim(*, batch_id: int) -> int | None:
    """queued → running once; the attempt number this claim owns, or None."""
    now = timezone.now()
    claimed = CertificateBatch.objects.filter(
        pk=batch_id, status=CertificateBatch.Status.QUEUED, attempts__lt=MAX_ATTEMPTS
    ).update(
        status=CertificateBatch.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error="",
    )
    if not claimed:
        return None
    return CertificateBatch.objects.values_list("attempts", flat=True).get(pk=batch_id)


def _owned(batch_id: int, attempt: int) -> QuerySet[CertificateBatch]:
    return CertificateBatch.objects.filter(
        pk=batch_id, status=CertificateBatch.Status.RUNNING, attempts=attempt
    )


def _store(certificate: Certificate, content: bytes) -> bool:
    """Save the PDF and record it, unless the certificate was revoked meanwhile."""
    name = certificate.storage_name()
    if default_storage.exists(name):  # an earlier attempt's file: replaced, never doubled
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(content))
    with transaction.atomic():
        recorded = Certificate.objects.filter(pk=certificate.pk, revoked_at=None, file="").update(
            file=stored,
            sha256=hashlib.sha256(content).hexdigest(),
            rendered_at=timezone.now(),
        )
        if recorded and certificate.registration_id:
            certificate_queue_mail(certificate=certificate)
    if not recorded:
        default_storage.delete(stored)
    return bool(recorded)


def certificate_queue_mail(*, certificate: Certificate) -> bool:
    """The registrant's mail through the outbox. Called once per certificate: in the
    transaction that records its PDF, which only one attempt can do."""
    from registration.models import OutgoingMail
    from registration.services import mail_queue

    if certificate.registration is None:
        return False
    mail = mail_queue(
        registration=certificate.registration,
        kind=OutgoingMail.Kind.CERTIFICATE,
    )
    CertificateLog.objects.create(
        certificate=certificate, action=CertificateLog.Action.MAILED, detail=str(mail.pk)
    )
    return True


def batch_run(*, batch_id: int) -> CertificateBatch | None:
    """Render a claimed batch; None when it was not ours to run. Errors fail the batch."""
    attempt = batch_claim(batch_id=batch_id)
    if attempt is None:
        logger.info("certificate batch %s was not queued; nothing to do", batch_id)
        return None
    batch = CertificateBatch.objects.select_related("event__series").get(pk=batch_id)
    event = batch.event
    size = max(1, settings.CERTIFICATE_BATCH_SIZE)
    current: Certificate | None = None
    try:
        signatory = Signatory.for_event(event)
        while True:
            chunk = list(_pending(event.pk).select_related("registration").order_by("pk")[:size])
            if not chunk:
                break
            rendered = 0
            for current in chunk:
                current.event = event
                content = certificate_pdf(certificate=current, signatory=signatory)
                if _store(current, content):
                    rendered += 1
            current = None
            if not _owned(batch_id, attempt).update(
                done=F("done") + rendered, heartbeat_at=timezone.now()
            ):
                logger.warning("certificate batch %s: attempt %s superseded", batch_id, attempt)
                return None
    except Exception as exc:
        where = f" ({current.number})" if current is not None else ""
        batch_fail(batch_id=batch_id, reason=f"{type(exc).__name__}{where}: {exc}")
        raise
    _owned(batch_id, attempt).update(
        status=CertificateBatch.Status.SUCCEEDED,
        finished_at=timezone.now(),
        total=F("done"),
    )
    batch.refresh_from_db()
    return batch


def _queue_later(batch_id: int) -> Callable[[], None]:
    def queue() -> None:
        _queue_batch(batch_id)

    return queue


def batch_fail(*, batch_id: int, reason: str) -> int:
    return CertificateBatch.objects.filter(pk=batch_id, status__in=ACTIVE).update(
        status=CertificateBatch.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def batches_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-queue batches whose worker went silent (or give up after MAX_ATTEMPTS), and queued
    batches nobody picked up. Conditional updates: safe beside a live worker."""
    now = now or timezone.now()
    silent = now - dt.timedelta(seconds=settings.CERTIFICATE_BATCH_STALE_SECONDS)
    too_old = now - dt.timedelta(seconds=settings.CERTIFICATE_BATCH_TIME_LIMIT + 60)
    stale = CertificateBatch.objects.filter(status=CertificateBatch.Status.RUNNING).filter(
        Q(heartbeat_at__lt=silent) | Q(started_at__lt=too_old)
    )
    lost = _("The batch stopped without finishing (worker lost or time limit exceeded).")
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=CertificateBatch.Status.FAILED, error=lost, finished_at=now
    )
    retry = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:100])
    retried = CertificateBatch.objects.filter(
        pk__in=retry, status=CertificateBatch.Status.RUNNING, attempts__lt=MAX_ATTEMPTS
    ).update(status=CertificateBatch.Status.QUEUED, error=lost)
    unclaimed = list(
        CertificateBatch.objects.filter(
            status=CertificateBatch.Status.QUEUED,
            created_at__lt=now - dt.timedelta(seconds=settings.REPORT_BUILD_REQUEUE_SECONDS),
        ).values_list("pk", flat=True)[:100]
    )
    for pk in sorted(set(retry) | set(unclaimed)):
        transaction.on_commit(_queue_later(pk), robust=True)
    return {"failed": failed, "retried": retried, "requeued": len(unclaimed)}
