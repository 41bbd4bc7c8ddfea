"""A build attempt owns its file; the heartbeat outlives transient errors; a time limit is
recorded as a plain reason, shown in the reader's language."""

from __future__ import annotations

import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.urls import reverse

from reports import services, tasks
from reports.models import BUILD_TOO_LONG, ReportBuild
from reports.pdf import RenderedPDF
from reports.services import builds
from tests.factories import EventFactory, ReportBuildFactory


@pytest.mark.django_db
def test_superseded_attempt_deletes_its_file_and_the_build_keeps_the_owners(monkeypatch):
    build = ReportBuildFactory(event=EventFactory(slug="superseded"))
    bystander = ReportBuildFactory(event=EventFactory(slug="bystander-build"))
    calls = []

    def render(*, report, language, allow_fallback, progress):
        calls.append(language)
        if len(calls) == 1:
            # While attempt 1 renders, its heartbeat is presumed lost: the sweeper queues the
            # build again and another worker runs attempt 2 to the end.
            ReportBuild.objects.filter(pk=build.pk).update(status=ReportBuild.Status.QUEUED)
            assert services.report_build_run(build_id=build.pk).attempts == 2
            return RenderedPDF(content=b"%PDF-1.7 attempt 1", pages=1), []
        return RenderedPDF(content=b"%PDF-1.7 attempt 2", pages=2), []

    monkeypatch.setattr(builds, "report_render", render)
    assert services.report_build_run(build_id=build.pk) is None  # attempt 1: not the owner
    build.refresh_from_db()
    folder = "reports/superseded"
    assert (build.status, build.attempts, build.pages) == ("succeeded", 2, 2)
    assert build.file.name == f"{folder}/report-{build.pk}-en-a2.pdf"
    # This build's files only: the folder may hold other tests' builds.
    mine = [
        name
        for name in default_storage.listdir(folder)[1]
        if name.startswith(f"report-{build.pk}-")
    ]
    assert mine == [f"report-{build.pk}-en-a2.pdf"]
    assert default_storage.open(build.file.name).read() == b"%PDF-1.7 attempt 2"
    bystander.refresh_from_db()
    assert (bystander.status, bystander.attempts, bystander.file.name) == ("queued", 0, "")


@pytest.mark.django_db(transaction=True)
def test_heartbeat_survives_a_database_error(monkeypatch, settings):
    settings.REPORT_BUILD_HEARTBEAT_SECONDS = 0.05
    build = ReportBuildFactory()
    attempt = services.report_build_claim(build_id=build.pk)
    claimed_beat = ReportBuild.objects.get(pk=build.pk).heartbeat_at
    real_owned = builds._owned
    failures = []

    def owned_after_a_failure(build_id, attempt):
        if not failures:
            failures.append("injected")
            raise DatabaseError("server closed the connection unexpectedly")
        return real_owned(build_id, attempt)

    monkeypatch.setattr(builds, "_owned", owned_after_a_failure)
    with builds._heartbeat(build.pk, attempt):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            beat = ReportBuild.objects.get(pk=build.pk).heartbeat_at
            if beat != claimed_beat:
                break
            time.sleep(0.05)
    assert failures == ["injected"]
    assert ReportBuild.objects.get(pk=build.pk).heartbeat_at > claimed_beat


@pytest.mark.django_db
def test_time_limit_is_recorded_as_the_plain_reason_in_the_readers_language(
    monkeypatch, client, organiser
):
    build = ReportBuildFactory()
    bystander = ReportBuildFactory()

    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(builds, "report_render", too_slow)
    tasks.build_report(build_id=build.pk)
    build.refresh_from_db()
    assert (build.status, build.error) == ("failed", BUILD_TOO_LONG)
    assert build.error == "The build took too long."
    bystander.refresh_from_db()
    assert (bystander.status, bystander.error) == ("queued", "")
    client.force_login(organiser)
    url = reverse("reports:build_status", kwargs={"pk": build.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "La production du rapport a pris trop de temps." in page
    assert "SoftTimeLimitExceeded" not in page
    payload = client.get(url + "?format=json", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert payload["error"] == "استغرق إعداد التقرير وقتًا أطول من اللازم."
