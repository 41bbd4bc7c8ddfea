import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from reports import services
from reports.models import ReportBuild
from tests.factories import EventFactory, ReportBuildFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_build_run_stores_pdf_with_its_facts():
    event = EventFactory(title="Leaving No One Behind", description="Migration and development.")
    SessionFactory(event=event, title="Closing and next steps")
    build = ReportBuildFactory(event=event)
    result = services.report_build_run(build_id=build.pk)
    assert result.status == ReportBuild.Status.SUCCEEDED
    assert (result.progress, result.attempts) == (100, 1)
    assert result.file.name == f"reports/{event.slug}/report-{build.pk}-en.pdf"
    content = default_storage.open(result.file.name).read()
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == result.pages
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Leaving No One Behind" in text
    assert "Closing and next steps" in text
    assert reader.metadata.title == "Leaving No One Behind"


def test_build_runs_once_even_if_the_task_is_delivered_twice():
    build = ReportBuildFactory()
    assert services.report_build_run(build_id=build.pk) is not None
    assert services.report_build_run(build_id=build.pk) is None
    build.refresh_from_db()
    assert build.attempts == 1
    folder = f"reports/{build.event.slug}"
    assert default_storage.listdir(folder)[1] == [f"report-{build.pk}-en.pdf"]


def test_build_failure_is_recorded_with_reason(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}]
    build = ReportBuildFactory()
    with pytest.raises(Exception):  # noqa: B017 (any error must be recorded, then re-raised)
        services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED
    assert build.error == "TemplateDoesNotExist: reports/report.html"
    assert build.finished_at is not None


def test_sweeper_fails_builds_stuck_running_past_the_time_limit(settings):
    now = timezone.now()
    stuck = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING,
        started_at=now - dt.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 120),
    )
    recent = ReportBuildFactory(status=ReportBuild.Status.RUNNING, started_at=now)
    assert services.report_builds_sweep(now=now) == {"failed": 1, "requeued": 0}
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ReportBuild.Status.FAILED
    assert "worker lost or time limit exceeded" in stuck.error
    assert recent.status == ReportBuild.Status.RUNNING


def test_sweeper_requeues_builds_nobody_picked_up():
    build = ReportBuildFactory()
    ReportBuild.objects.filter(pk=build.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    # Tasks run eagerly in unit tests, so the re-queued build is built right away.
    assert services.report_builds_sweep() == {"failed": 0, "requeued": 1}
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_build_report_command_waits_and_prints_the_path(capsys):
    event = EventFactory(slug="cmd")
    call_command("build_report", "cmd", "--language", "ar", "--wait", "--timeout", "60")
    build = ReportBuild.objects.get(event=event)
    assert build.language == "ar"
    assert capsys.readouterr().out.strip() == default_storage.path(build.file.name)
