"""Certificates rendered by the worker's batch, against bare WeasyPrint renders of the page.

N certificates (``BENCH_CERTIFICATES``, default 200; 2000 for the full run) of one event, in
English, French and Arabic by turns, rendered by ``batch_run`` as the worker does it: each
page from the template, its QR code, the restricted fetcher, tagged PDF/A, storage, the
database rows and the outbox. The baseline, measured in the same run: one certificate's HTML
rendered N times by WeasyPrint with its default options (same page, same images, nothing
else: a new font configuration per render, as ``HTML().write_pdf()`` does by default).
Each side runs in a fresh forked process so that its peak memory (max RSS) is its own.
Goals (issue 16): 2,000 within a few minutes on the worker, peak memory under the worker's
recycling limit (CELERY_WORKER_MAX_MEMORY_PER_CHILD, 350 MB).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import time

from bench.common import report, setup_django

CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "200"))


def _make_batch(count: int) -> int:
    from django.utils import timezone

    from certificates.models import Certificate, CertificateBatch
    from registration.models import Registration
    from webinar.models import Event, Series

    series, _ = Series.objects.get_or_create(slug="bench-series", defaults={"title": "Series"})
    start = timezone.now() - dt.timedelta(days=10)
    event = Event.objects.create(
        series=series,
        slug="bench-certificates",
        title="Leaving No One Behind: Mainstreaming Migration in the Sahel and Sahara Region",
        title_fr="Ne laisser personne de côté : la migration dans les politiques du Sahel",
        title_ar="عدم ترك أحد خلف الركب: إدماج الهجرة في سياسات التنمية في منطقة الساحل",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    languages = ["en", "fr", "ar"]
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            email=f"bench-{n}@example.org",
            first_name=f"Firstname{n}" if n % 3 != 2 else "أمينة",
            last_name=f"Lastname{n}" if n % 3 != 2 else f"ديالو {n}",
            country="NE",
            organization=f"Ministry of Planning (fictional) {n % 50}",
            category="national_government",
            language=languages[n % 3],
            status=Registration.Status.APPROVED,
            attended=True,
            minutes_attended=150,
        )
        for n in range(count)
    )
    Certificate.objects.bulk_create(
        Certificate(
            event=event,
            registration=r,
            honorific="",
            name=f"{r.first_name} {r.last_name}",
            institution=r.organization,
            language=r.language,
            minutes=150,
        )
        for r in registrations
    )
    return CertificateBatch.objects.create(event=event, total=count).pk


def _project(batch_id: int) -> None:
    from certificates import services

    batch = services.batch_run(batch_id=batch_id)
    assert batch is not None and batch.status == "succeeded", batch and batch.error
    assert batch.done == CERTIFICATES, batch.done


def _bare(batch_id: int) -> None:
    """The same page (one certificate's HTML and images), WeasyPrint's defaults, N times."""
    from weasyprint import HTML

    from certificates.models import Certificate, CertificateBatch
    from certificates.services.rendering import (
        Signatory,
        certificate_generated,
        certificate_html,
    )
    from reports.pdf import STATIC_BASE_URL, make_url_fetcher

    event = CertificateBatch.objects.get(pk=batch_id).event
    certificate = Certificate.objects.filter(event=event).select_related("event__series").first()
    signatory = Signatory.for_event(event)
    html = certificate_html(certificate=certificate, signatory=signatory)
    fetcher = make_url_fetcher(certificate_generated(certificate=certificate, signatory=signatory))
    for _ in range(CERTIFICATES):
        HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).write_pdf()


def _child(target, batch_id, conn) -> None:
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    target(batch_id)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    conn.send((elapsed, peak_mb))
    conn.close()


def measure(target, batch_id: int) -> tuple[float, float]:
    """(seconds, peak MB) of one run in a fresh forked process."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(target, batch_id, child))
    process.start()
    result = parent.recv()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from webinar.celery import app

    setup_test_environment()
    # The worker queues each registrant's mail on the broker and goes on; it does not send
    # them itself (the test settings would, inline).
    app.conf.task_always_eager = False
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("migrate", verbosity=0)
        batch_id = _make_batch(CERTIFICATES)
        # A worker imports WeasyPrint and loads its fonts once per process and keeps them:
        # do it once here, before forking, for both sides alike.
        from weasyprint import HTML

        HTML(string="<p>warm-up ا</p>").write_pdf()
        bare_s, bare_mb = measure(_bare, batch_id)
        project_s, project_mb = measure(_project, batch_id)
        report(
            f"certificates per second, {CERTIFICATES} rendered by the batch "
            "(vs the same page rendered bare)",
            CERTIFICATES / project_s,
            "per s",
            CERTIFICATES / bare_s,
        )
        report(
            f"certificate batch time, {CERTIFICATES} certificates (vs bare)", project_s, "s", bare_s
        )
        report("certificate batch peak memory (vs bare)", project_mb, "MB", bare_mb)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
