"""Report builds: requested, claimed by one worker attempt, rendered, stored, swept."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from reports import selectors
from reports.models import BUILD_TOO_LONG, SHORT_TITLE_MAX_LENGTH, Report, ReportBuild
from reports.pdf import GENERATED_BASE_URL, RenderedPDF, render_pdf
from reports.services.common import MAX_ATTEMPTS, MissingTranslations, TransientBuildError
from reports.services.content import report_get_or_create
from reports.templatetags.report_tags import breakable
from webinar.charts import BarChart, bar_chart
from webinar.locale import collation_key, format_date
from webinar.models import Event, User

logger = logging.getLogger(__name__)


def report_build_check(*, report: Report, language: str, allow_fallback: bool) -> None:
    """Raise MissingTranslations when texts lack ``language`` and no fallback was allowed."""
    if not allow_fallback:
        missing = selectors.report_missing_translations(report=report, language=language)
        if missing:
            raise MissingTranslations(missing)


def report_build_request(
    *,
    event: Event | None = None,
    report: Report | None = None,
    language: str,
    requested_by: User | None = None,
    allow_fallback: bool = False,
) -> ReportBuild:
    """Record a build request and queue it once the row is committed.

    Refuses with MissingTranslations when texts of the report lack ``language`` unless
    ``allow_fallback``: then those texts are printed in another language, marked as such.
    """
    if report is None:
        if event is None:
            raise ValueError("report_build_request needs an event or a report")
        report = report_get_or_create(event=event)
    report_build_check(report=report, language=language, allow_fallback=allow_fallback)
    with transaction.atomic():
        build = ReportBuild.objects.create(
            event_id=report.event_id,
            report=report,
            language=language,
            requested_by=requested_by,
            allow_fallback=allow_fallback,
        )
        build_id = build.pk
        transaction.on_commit(lambda: _queue_build(build_id), robust=True)
    return build


def _queue_build_later(build_id: int) -> Callable[[], None]:
    """An on-commit callback for one build (a def: Django 5.2 cannot log a failing partial)."""

    def queue() -> None:
        _queue_build(build_id)

    return queue


def _queue_build(build_id: int) -> None:
    from reports.tasks import build_report

    build_report.delay(build_id=build_id)


def report_build_claim(*, build_id: int) -> int | None:
    """queued → running, exactly once, whichever worker gets there first.

    Returns the attempt number this claim owns (the finishing write checks it, so a worker
    presumed dead that wakes up cannot overwrite a later attempt), or None.
    """
    now = timezone.now()
    claimed = ReportBuild.objects.filter(
        pk=build_id, status=ReportBuild.Status.QUEUED, attempts__lt=MAX_ATTEMPTS
    ).update(
        status=ReportBuild.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=5,
        error="",
    )
    if not claimed:
        return None
    return ReportBuild.objects.values_list("attempts", flat=True).get(pk=build_id)


def _owned(build_id: int, attempt: int) -> QuerySet[ReportBuild]:
    return ReportBuild.objects.filter(
        pk=build_id, status=ReportBuild.Status.RUNNING, attempts=attempt
    )


@contextmanager
def _heartbeat(build_id: int, attempt: int) -> Iterator[None]:
    """Touch ``heartbeat_at`` every few seconds while the (blocking) render runs.

    A failed beat (the database restarting, a dropped connection) is logged and the next one
    tried: a heartbeat that stopped at the first error would let the sweeper start a second
    attempt beside a render that is still alive.
    """
    stop = threading.Event()
    interval = settings.REPORT_BUILD_HEARTBEAT_SECONDS

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    _owned(build_id, attempt).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("report build %s: heartbeat failed", build_id, exc_info=True)
                    connection.close()  # a broken connection is opened again by the next beat
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"report-build-{build_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


# Up to this many countries the chart shows them all (no separate table); beyond, the chart
# shows the first ones and a table lists every country.
COUNTRY_BARS = 15
LOGO_MAX_BYTES = 4 * 1024 * 1024


def _organisations(
    queryset: QuerySet, prefix: str, generated: dict[str, tuple[bytes, str]]
) -> list[dict]:
    """Names in the active language, with their logos put in ``generated`` for the renderer.

    Logos are read from the storage (they were checked and re-encoded at upload); one that
    cannot be read is left out and the name is printed alone.
    """
    rows = []
    for organisation in queryset:
        logo = ""
        if organisation.logo:
            try:
                with default_storage.open(organisation.logo.name, "rb") as handle:
                    content = handle.read(LOGO_MAX_BYTES + 1)
            except OSError:
                logger.warning("logo of organisation %s cannot be read", organisation.pk)
            else:
                if len(content) <= LOGO_MAX_BYTES:
                    logo = f"{prefix}-{organisation.pk}.png"
                    generated[logo] = (content, "image/png")
        rows.append({"name": str(organisation), "logo": logo})
    return rows


def _running_title(*, content: dict, title: str) -> str:
    """The short title; else the title when it fits the header; else the kind of document."""
    short = content["texts"]["short_title"].value
    if short:
        return short
    if len(title) <= SHORT_TITLE_MAX_LENGTH:
        return title
    return _("Summary report")


def _charts(statistics: selectors.Statistics, language: str) -> dict[str, BarChart]:
    """The participation charts, titled from their data."""
    shown = statistics.by_country[:COUNTRY_BARS]
    if len(shown) < len(statistics.by_country):
        country_title = ngettext(
            "The country with most participants",
            "The %(count)d countries with most participants",
            len(shown),
        ) % {"count": len(shown)}
    else:
        country_title = _("Participants by country")
    return {
        "category": bar_chart(
            title=_("Participants by category"),
            rows=statistics.by_category,
            language=language,
            show_share=True,
        ),
        "country": bar_chart(
            title=country_title,
            rows=[(name, n) for _code, name, n in shown],
            language=language,
            show_share=True,
            total=statistics.approved,
        ),
        "sex": bar_chart(
            title=_("Participants by sex"),
            rows=statistics.by_sex,
            language=language,
            show_share=True,
        ),
        "language": bar_chart(
            title=_("Participants by language of registration"),
            rows=statistics.by_language,
            language=language,
            show_share=True,
        ),
    }


def _annex_lines(people: list[tuple[str, str, str]]) -> str:
    """One line per person ("Last, First — Organisation"), for one text block per country.

    The annex is most of the report's pages: as lines of one block (``white-space: pre-line``)
    its 2,000 people cost WeasyPrint a third of what 2,000 list items do (each element gets a
    computed style, its own boxes and its own tags). A line break typed inside a name would
    start a new line: every run of white space becomes one space.
    """
    return "\n".join(
        breakable(" ".join(f"{last}, {first} — {organisation}".split()))
        for first, last, organisation in people
    )


def report_render_context(
    *,
    report: Report,
    language: str,
    allow_fallback: bool,
    generated: dict[str, tuple[bytes, str]] | None = None,
) -> dict:
    """The template context (call inside ``translation.override(language)``).

    ``generated`` receives the images the page refers to (the organisations' logos).
    """
    generated = {} if generated is None else generated
    event = report.event
    series = event.series
    content = selectors.report_content(
        report=report, language=language, allow_fallback=allow_fallback
    )
    statistics = selectors.report_statistics(
        event=event, region_countries=[str(c) for c in report.region_countries], language=language
    )
    annex: dict[str, list] = {}
    names = {}
    for first, last, organisation, code in selectors.report_annex_participants(event=event):
        if code not in names:
            names[code] = str(countries.name(code)) or code or _("Country not given")
        annex.setdefault(names[code], []).append((first, last, organisation))
    sort_key = collation_key(language)
    annex_rows = [
        (country, _annex_lines(sorted(people, key=lambda p: (sort_key(p[1]), sort_key(p[0])))))
        for country, people in sorted(annex.items(), key=lambda item: sort_key(item[0]))
    ]
    title = content["texts"]["title"]
    if not title:
        title = selectors.Text(event.title, language, False)
    kind_label = _("Summary report")
    has_summaries = any(row["key_points"] for row in content["sessions"])
    toc = [
        ("key-figures", _("Key figures")),
        ("summary", _("Executive summary")) if content["texts"]["executive_summary"] else None,
        ("background", _("Background")),
        ("objectives", _("Objectives")) if content["texts"]["objectives"] else None,
        ("agenda", _("Agenda")),
        ("sessions", _("Session summaries")) if has_summaries else None,
        ("findings", _("Findings")),
        ("recommendations", _("Recommendations")),
        ("index", _("Index of recommendations by addressee"))
        if content["recommendations"]
        else None,
        ("stages", _("Recommendations by stage of the national development process"))
        if content["recommendations"]
        else None,
        ("conclusions", _("Conclusions")) if content["texts"]["conclusions"] else None,
        ("next-steps", _("Next steps")) if content["texts"]["next_steps"] else None,
        ("participation", _("Participation")),
        ("annex", _("Annex: list of participants")),
    ]
    return {
        **content,
        "event": event,
        "series": series,
        "organisers": _organisations(series.organisers.all(), "organiser", generated),
        "partners": _organisations(series.partners.all(), "partner", generated),
        "event_date": format_date(event.starts_at, language=language, zone=event.time_zone),
        "meeting_kind": _("Webinar"),
        "title": title,
        # The title alone when it already says what the document is.
        "kind_label": "" if kind_label.lower() in title.value.lower() else kind_label,
        "running_title": _running_title(content=content, title=title.value),
        "draft": report.status != Report.Status.FINAL,
        "page_word": _("Page"),
        "of_word": _("of"),
        "draft_word": _("DRAFT"),
        "statistics": statistics,
        "charts": _charts(statistics, language),
        "sessions_count": len(content["sessions"]),
        "countries_table": len(statistics.by_country) > COUNTRY_BARS,
        "annex": annex_rows,
        "has_summaries": has_summaries,
        "toc": [entry for entry in toc if entry],
        "language": language,
        "rtl": translation.get_language_bidi(),
        "chart_base": GENERATED_BASE_URL,
        "generated_at": timezone.now(),
    }


def report_render(
    *,
    report: Report,
    language: str,
    allow_fallback: bool = True,
    progress: Callable[[int], None] | None = None,
) -> tuple[RenderedPDF, list[str]]:
    """(rendered PDF, texts that fell back to another language)."""
    progress = progress or (lambda _value: None)
    generated: dict[str, tuple[bytes, str]] = {}
    with translation.override(language):
        context = report_render_context(
            report=report, language=language, allow_fallback=allow_fallback, generated=generated
        )
        html = render_to_string("reports/report.html", context)
    progress(30)
    rendered = render_pdf(
        html=html,
        language=language,
        generated=generated,
        pdf_variant=settings.REPORT_PDF_VARIANT or None,
    )
    return rendered, context["fallbacks"]


THUMBNAIL_DPI = 40


def report_first_page_png(*, pdf: bytes) -> bytes | None:
    """The first page as a small PNG (poppler's ``pdftoppm``), or None when it cannot be made.

    A missing tool or a failed conversion must not fail the build: the PDF is what matters.
    """
    executable = shutil.which("pdftoppm")
    if not executable:
        logger.warning("pdftoppm is not installed: no first-page image")
        return None
    with tempfile.TemporaryDirectory(prefix="report-thumb-") as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(pdf)
        target = Path(folder) / "page"
        try:
            subprocess.run(
                [
                    executable,
                    "-png",
                    "-r",
                    str(THUMBNAIL_DPI),
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(source),
                    str(target),
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
            return (Path(folder) / "page.png").read_bytes()
        except (OSError, subprocess.SubprocessError):
            logger.warning("the first-page image could not be made", exc_info=True)
            return None


def report_build_run(*, build_id: int) -> ReportBuild | None:
    """Render and store a claimed build. Returns None if the build was not ours to run.

    Raises TransientBuildError (the build is queued again) when the database or the storage
    failed in a way worth retrying; any other error fails the build with its reason.
    """
    attempt = report_build_claim(build_id=build_id)
    if attempt is None:
        logger.info("report build %s was not queued; nothing to do", build_id)
        return None
    build = ReportBuild.objects.select_related("event__series", "report").get(pk=build_id)
    report = build.report or report_get_or_create(event=build.event)

    def progress(value: int) -> None:
        _owned(build_id, attempt).update(progress=value, heartbeat_at=timezone.now())

    name = build.storage_name(attempt=attempt)
    stored = ""
    thumbnail = ""
    try:
        with _heartbeat(build_id, attempt):
            rendered, fallbacks = report_render(
                report=report,
                language=build.language,
                allow_fallback=build.allow_fallback,
                progress=progress,
            )
        progress(90)
        # The name is this attempt's: a leftover of the same attempt is replaced, never kept.
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(rendered.content))
        png = report_first_page_png(pdf=rendered.content)
        if png:
            thumbnail_name = build.thumbnail_storage_name(attempt=attempt)
            if default_storage.exists(thumbnail_name):
                default_storage.delete(thumbnail_name)
            thumbnail = default_storage.save(thumbnail_name, ContentFile(png))
        owned = _owned(build_id, attempt).update(
            status=ReportBuild.Status.SUCCEEDED,
            progress=100,
            finished_at=timezone.now(),
            file=stored,
            thumbnail=thumbnail,
            final=report.status == Report.Status.FINAL,
            size=len(rendered.content),
            pages=rendered.pages,
            sha256=hashlib.sha256(rendered.content).hexdigest(),
            fallback_fields="\n".join(fallbacks),
        )
    except SoftTimeLimitExceeded:
        _discard(stored)
        _discard(thumbnail)
        _fail_owned(build_id, attempt, BUILD_TOO_LONG)
        raise
    except (DatabaseError, OSError) as exc:
        _discard(stored)
        _discard(thumbnail)
        reason = f"{type(exc).__name__}: {exc}"
        if attempt < MAX_ATTEMPTS and _owned(build_id, attempt).update(
            status=ReportBuild.Status.QUEUED, error=reason[:2000], progress=0
        ):
            raise TransientBuildError(reason) from exc
        _fail_owned(build_id, attempt, reason)
        raise
    except Exception as exc:
        _discard(stored)
        _discard(thumbnail)
        _fail_owned(build_id, attempt, f"{type(exc).__name__}: {exc}")
        raise
    if not owned:
        # Superseded: the sweeper gave the build to a later attempt (or failed it) while this
        # one rendered. Only the owning attempt's file may stay.
        logger.warning("report build %s: attempt %s was superseded", build_id, attempt)
        _discard(stored)
        _discard(thumbnail)
        return None
    build.refresh_from_db()
    return build


def _discard(name: str) -> None:
    """Delete a file this attempt wrote and will not own."""
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete %s", name, exc_info=True)


def _fail_owned(build_id: int, attempt: int, reason: str) -> int:
    """Fail the build only while this attempt still owns it."""
    return _owned(build_id, attempt).update(
        status=ReportBuild.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def report_build_fail(*, build_id: int, reason: str) -> int:
    return ReportBuild.objects.filter(
        pk=build_id, status__in=[ReportBuild.Status.QUEUED, ReportBuild.Status.RUNNING]
    ).update(status=ReportBuild.Status.FAILED, error=reason[:2000], finished_at=timezone.now())


def report_builds_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Recover builds whose worker died; re-queue queued builds nobody picked up.

    A running build is stale when its heartbeat stopped (the worker was killed or lost) or it
    outlived the hard time limit. It is queued again while attempts remain, else failed with
    the reason. Each change is a conditional update, safe beside a live worker.
    """
    now = now or timezone.now()
    silent = now - dt.timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS)
    too_old = now - dt.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 60)
    stale = ReportBuild.objects.filter(status=ReportBuild.Status.RUNNING).filter(
        _stale(silent, too_old)
    )
    lost = _("The build stopped without finishing (worker lost or time limit exceeded).")
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportBuild.Status.FAILED,
        error=lost + " " + _("Gave up after %(count)d attempts.") % {"count": MAX_ATTEMPTS},
        finished_at=now,
    )
    retry_ids = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:100])
    retried = 0
    for pk in retry_ids:
        retried += ReportBuild.objects.filter(
            pk=pk, status=ReportBuild.Status.RUNNING, attempts__lt=MAX_ATTEMPTS
        ).update(status=ReportBuild.Status.QUEUED, error=lost, progress=0)
    stale_queued = now - dt.timedelta(seconds=settings.REPORT_BUILD_REQUEUE_SECONDS)
    requeue = list(
        ReportBuild.objects.filter(
            status=ReportBuild.Status.QUEUED, created_at__lt=stale_queued
        ).values_list("pk", flat=True)[:100]
    )
    requeue_set = set(requeue) | set(retry_ids)
    for pk in sorted(requeue_set):
        transaction.on_commit(_queue_build_later(pk), robust=True)
    return {"failed": failed, "retried": retried, "requeued": len(requeue)}


def _stale(silent: dt.datetime, too_old: dt.datetime) -> Q:
    return (
        Q(heartbeat_at__lt=silent)
        | Q(heartbeat_at__isnull=True, started_at__lt=silent)
        | Q(started_at__lt=too_old)
    )
