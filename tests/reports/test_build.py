import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from reports import services
from reports.models import ReportBuild
from reports.services import builds
from tests.factories import (
    EventFactory,
    FindingFactory,
    ReportBuildFactory,
    ReportFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_build_run_stores_pdf_with_its_facts():
    event = EventFactory(title="Leaving No One Behind", description="Migration and development.")
    SessionFactory(event=event, title="Closing and next steps")
    build = ReportBuildFactory(event=event)
    result = services.report_build_run(build_id=build.pk)
    assert result.status == ReportBuild.Status.SUCCEEDED
    assert (result.progress, result.attempts) == (100, 1)
    assert result.file.name == f"reports/{event.slug}/report-{build.pk}-en-a1.pdf"
    content = default_storage.open(result.file.name).read()
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == result.pages
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Leaving No One Behind" in text
    assert "Closing and next steps" in text
    assert reader.metadata.title == "Leaving No One Behind"


def test_build_pdf_is_archival_with_language_metadata():
    build = ReportBuildFactory(event=EventFactory(title="Archival"), language="fr")
    result = services.report_build_run(build_id=build.pk)
    reader = PdfReader(default_storage.open(result.file.name))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/OutputIntents" in root  # PDF/A
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3" pdfaid:conformance="A"' in xmp  # archival and tagged
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])


def test_build_runs_once_even_if_the_task_is_delivered_twice():
    build = ReportBuildFactory()
    assert services.report_build_run(build_id=build.pk) is not None
    assert services.report_build_run(build_id=build.pk) is None
    build.refresh_from_db()
    assert build.attempts == 1
    folder = f"reports/{build.event.slug}"
    assert sorted(default_storage.listdir(folder)[1]) == [
        f"report-{build.pk}-en-a1-page1.png",
        f"report-{build.pk}-en-a1.pdf",
    ]


def test_build_claim_only_once():
    build = ReportBuildFactory()
    assert services.report_build_claim(build_id=build.pk) == 1
    assert services.report_build_claim(build_id=build.pk) is None
    build.refresh_from_db()
    assert (build.status, build.attempts, build.progress) == ("running", 1, 5)


def test_build_of_a_presumed_dead_attempt_cannot_overwrite_the_next_one():
    build = ReportBuildFactory()
    first = services.report_build_claim(build_id=build.pk)
    # The sweeper hands the build to another worker, which claims it as attempt 2.
    ReportBuild.objects.filter(pk=build.pk).update(status=ReportBuild.Status.QUEUED)
    assert services.report_build_claim(build_id=build.pk) == 2
    assert builds._owned(build.pk, first).update(status=ReportBuild.Status.SUCCEEDED) == 0
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.RUNNING


def test_build_failure_is_recorded_with_reason(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}]
    build = ReportBuildFactory()
    with pytest.raises(Exception):  # noqa: B017 (any error must be recorded, then re-raised)
        services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED
    assert build.error == "TemplateDoesNotExist: reports/report.html"
    assert build.finished_at is not None


def test_build_transient_storage_error_is_retried_then_succeeds(monkeypatch):
    build = ReportBuildFactory()
    real_save = default_storage.save
    calls = []

    def flaky_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 1:
            raise OSError("disk briefly unavailable")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", flaky_save)
    with pytest.raises(services.TransientBuildError):
        services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert (build.status, build.attempts) == ("queued", 1)
    assert build.error == "OSError: disk briefly unavailable"
    result = services.report_build_run(build_id=build.pk)
    assert (result.status, result.attempts, result.error) == ("succeeded", 2, "")


def test_build_transient_errors_stop_after_the_last_attempt(monkeypatch):
    build = ReportBuildFactory()

    def broken(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(builds, "report_render", broken)
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(services.TransientBuildError):
            services.report_build_run(build_id=build.pk)
    with pytest.raises(OperationalError):
        services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert (build.status, build.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert build.error == "OperationalError: database is locked"


def test_build_task_retries_transient_errors_through_celery(monkeypatch):
    from reports.tasks import build_report

    build = ReportBuildFactory()
    failures = []
    real_render = services.report_render

    def flaky(**kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection")
        return real_render(**kwargs)

    monkeypatch.setattr(builds, "report_render", flaky)
    # Eagerly applied, Celery runs the retry inline: the second attempt builds the PDF.
    result = build_report.apply(kwargs={"build_id": build.pk}, throw=False)
    assert (result.state, failures) == ("SUCCESS", [1])
    build.refresh_from_db()
    assert (build.status, build.attempts) == ("succeeded", 2)


def test_build_request_refuses_missing_translations():
    report = ReportFactory(title_en="Report", title_fr="Rapport", title_ar="")
    FindingFactory(report=report, text_en="Gap", text_fr="Lacune", text_ar="")
    with pytest.raises(services.MissingTranslations) as refused:
        services.report_build_request(report=report, language="ar")
    assert refused.value.missing == ["Report: title (ar)", "Finding F1: text (ar)"]
    assert ReportBuild.objects.count() == 0
    assert services.report_build_request(report=report, language="fr").language == "fr"


def test_build_with_fallback_marks_untranslated_texts(django_capture_on_commit_callbacks):
    report = ReportFactory(title_en="Report", title_fr="Rapport")
    FindingFactory(report=report, text_en="Weak coordination", text_fr="")
    with django_capture_on_commit_callbacks(execute=True):
        build = services.report_build_request(report=report, language="fr", allow_fallback=True)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED  # eager in unit tests
    assert build.fallback_fields == "finding F1"
    text = "".join(p.extract_text() for p in PdfReader(default_storage.open(build.file.name)).pages)
    assert "Weak coordination" in text
    with translation.override("fr"):
        note = gettext("Not yet translated: shown in %(name)s.") % {"name": "English"}
    assert note in text


def test_sweeper_retries_a_build_whose_worker_went_silent(
    settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    silent = now - dt.timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS + 5)
    lost = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING, attempts=1, started_at=silent, heartbeat_at=silent
    )
    alive = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING, attempts=1, started_at=silent, heartbeat_at=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_builds_sweep(now=now) == {"failed": 0, "retried": 1, "requeued": 0}
    lost.refresh_from_db()
    alive.refresh_from_db()
    # Re-queued and, tasks being eager in unit tests, built by its second attempt.
    assert (lost.status, lost.attempts) == ("succeeded", 2)
    assert alive.status == ReportBuild.Status.RUNNING


def test_sweeper_fails_builds_stuck_after_the_last_attempt(settings):
    now = timezone.now()
    stuck = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING,
        attempts=services.MAX_ATTEMPTS,
        started_at=now - dt.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 120),
        heartbeat_at=now,
    )
    assert services.report_builds_sweep(now=now) == {"failed": 1, "retried": 0, "requeued": 0}
    stuck.refresh_from_db()
    assert stuck.status == ReportBuild.Status.FAILED
    assert stuck.error == (
        "The build stopped without finishing (worker lost or time limit exceeded). "
        "Gave up after 3 attempts."
    )
    assert stuck.finished_at == now


def test_sweeper_requeues_builds_nobody_picked_up(django_capture_on_commit_callbacks):
    build = ReportBuildFactory()
    ReportBuild.objects.filter(pk=build.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_builds_sweep() == {"failed": 0, "retried": 0, "requeued": 1}
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_build_report_command_waits_and_prints_the_path(capsys):
    event = EventFactory(slug="cmd")
    call_command("build_report", "cmd", "--language", "ar", "--wait", "--timeout", "60")
    build = ReportBuild.objects.get(event=event)
    assert build.language == "ar"
    assert capsys.readouterr().out.strip() == default_storage.path(build.file.name)


@pytest.mark.django_db(transaction=True)
def test_build_report_command_refuses_untranslated_report_with_the_list():
    report = ReportFactory(event=EventFactory(slug="untranslated"), title_en="Only English")
    with pytest.raises(CommandError) as refused:
        call_command("build_report", "untranslated", "--language", "fr")
    assert "Missing:\n  - Report: title (fr)\n" in str(refused.value)
    assert ReportBuild.objects.filter(report=report).count() == 0
    call_command("build_report", "untranslated", "--language", "fr", "--allow-fallback")
    assert ReportBuild.objects.get(report=report).status == ReportBuild.Status.SUCCEEDED


def test_build_stores_the_first_page_as_a_small_png():
    from PIL import Image

    build = ReportBuildFactory(event=EventFactory(title="Thumbnail"))
    result = services.report_build_run(build_id=build.pk)
    assert result.thumbnail.name == f"reports/{build.event.slug}/report-{build.pk}-en-a1-page1.png"
    with default_storage.open(result.thumbnail.name) as handle:
        image = Image.open(handle)
        # A4 at 40 dpi: 331 x 468 pixels.
        assert (image.format, image.size) == ("PNG", (331, 468))


def test_build_without_pdftoppm_succeeds_without_a_first_page(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    build = ReportBuildFactory()
    result = services.report_build_run(build_id=build.pk)
    assert result.status == ReportBuild.Status.SUCCEEDED
    assert result.thumbnail.name == ""


# --- requesting a build --------------------------------------------------------------------


def test_request_by_event_makes_its_report_and_records_who_asked(
    organiser, monkeypatch, django_capture_on_commit_callbacks
):
    from reports.pdf import RenderedPDF

    monkeypatch.setattr(
        builds,
        "report_render",
        lambda **kwargs: (RenderedPDF(content=b"%PDF-1.7 requested", pages=1), []),
    )
    event = EventFactory(description="Rivers.")
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        build = services.report_build_request(event=event, language="en", requested_by=organiser)
    build.refresh_from_db()
    assert (build.event_id, build.report.event_id, build.report.background_en) == (
        event.pk,
        event.pk,
        "Rivers.",
    )
    assert (build.language, build.requested_by, build.allow_fallback, build.status) == (
        "en",
        organiser,
        False,
        ReportBuild.Status.QUEUED,
    )
    for callback in after_commit:  # the commit: the worker builds it (tasks are eager here)
        callback()
    build.refresh_from_db()
    assert (build.status, build.attempts) == (ReportBuild.Status.SUCCEEDED, 1)


def test_request_needs_an_event_or_a_report():
    with pytest.raises(ValueError, match=r"^report_build_request needs an event or a report$"):
        services.report_build_request(language="en")
    assert ReportBuild.objects.count() == 0


def test_request_with_fallback_is_recorded_so_and_skips_the_check():
    report = ReportFactory(title_en="Report", title_fr="")
    build = services.report_build_request(report=report, language="fr", allow_fallback=True)
    build.refresh_from_db()
    assert (build.report_id, build.event_id, build.allow_fallback) == (
        report.pk,
        report.event_id,
        True,
    )
    services.report_build_check(report=report, language="fr", allow_fallback=True)
    with pytest.raises(services.MissingTranslations) as refused:
        services.report_build_check(report=report, language="fr", allow_fallback=False)
    assert refused.value.missing == ["Report: title (fr)"]
    assert str(refused.value) == "1 texts are not translated: Report: title (fr)"


def test_missing_translations_are_named_ten_at_most_in_the_message():
    missing = [f"Finding F{n}: text (ar)" for n in range(1, 13)]
    error = services.MissingTranslations(missing)
    assert error.missing == missing
    assert str(error) == "12 texts are not translated: " + "; ".join(missing[:10])
    assert "Finding F11" not in str(error)


# --- the first page as a picture, on its own -----------------------------------------------


def _pdf(*sizes: tuple[int, int]) -> bytes:
    """A PDF of blank pages of these sizes (in points: 72 to the inch)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fake_pdftoppm(folder, script: str) -> None:
    """A ``pdftoppm`` on PATH that runs ``script`` (its last argument is the output prefix)."""
    tool = folder / "pdftoppm"
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(0o755)


def test_first_page_png_is_the_first_page_alone_at_40_dpi():
    from PIL import Image

    # 2 x 1 inches, then 1 x 3 inches: at 40 dots to the inch, 80 x 40 pixels for page one.
    png = builds.report_first_page_png(pdf=_pdf((144, 72), (72, 216)))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (80, 40))


def test_first_page_png_of_a_file_that_is_not_a_pdf_is_none():
    assert builds.report_first_page_png(pdf=b"not a PDF at all") is None


def test_first_page_png_without_pdftoppm_is_none(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert builds.report_first_page_png(pdf=_pdf((72, 72))) is None


def test_first_page_png_of_a_failed_conversion_is_none_even_if_a_page_was_written(
    tmp_path, monkeypatch, capfd
):
    # The tool writes its picture, complains and exits with an error: the picture is not used.
    _fake_pdftoppm(
        tmp_path,
        'for last; do :; done\nprintf "half a picture" > "$last.png"\n'
        'echo "Syntax Error: broken" >&2\nexit 1\n',
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    assert builds.report_first_page_png(pdf=_pdf((72, 72))) is None
    out, err = capfd.readouterr()  # the tool's own output is kept off the console
    assert "broken" not in out + err


def test_first_page_png_gives_up_on_a_tool_that_hangs_after_a_minute(monkeypatch):
    import subprocess

    timeouts = []

    def hangs(command, **kwargs):
        timeouts.append(kwargs.get("timeout"))
        raise subprocess.TimeoutExpired(command, kwargs.get("timeout") or 0)

    monkeypatch.setattr(subprocess, "run", hangs)
    assert builds.report_first_page_png(pdf=_pdf((72, 72))) is None
    assert timeouts == [60]
