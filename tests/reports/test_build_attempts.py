"""A build attempt owns its file; the heartbeat outlives transient errors; a time limit is
recorded as a plain reason, shown in the reader's language."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.db import DatabaseError, OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import BUILD_TOO_LONG, ReportBuild
from reports.pdf import RenderedPDF
from reports.services import builds
from tests.factories import EventFactory, ReportBuildFactory, ReportFactory


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


# --- claiming, finishing and failing: each build on its own -------------------------------


def _state(build: ReportBuild) -> tuple:
    build.refresh_from_db()
    return (
        build.status,
        build.attempts,
        build.progress,
        build.error,
        build.started_at,
        build.heartbeat_at,
        build.finished_at,
        build.file.name,
    )


def _fake_render(pages: int = 3, fallbacks: tuple[str, ...] = ()):
    content = b"%PDF-1.7 not a real document"

    def render(*, report, language, allow_fallback, progress):
        progress(30)
        return RenderedPDF(content=content, pages=pages), list(fallbacks)

    return render, content


@pytest.mark.django_db
def test_claim_takes_its_build_only_and_clears_the_last_error():
    build = ReportBuildFactory(error="OSError: disk briefly unavailable", attempts=1)
    bystander = ReportBuildFactory()
    before = timezone.now()
    assert services.report_build_claim(build_id=build.pk) == 2
    build.refresh_from_db()
    assert (build.status, build.attempts, build.progress, build.error) == ("running", 2, 5, "")
    assert build.started_at == build.heartbeat_at
    assert before <= build.started_at <= timezone.now()
    assert _state(bystander) == ("queued", 0, 0, "", None, None, None, "")


@pytest.mark.django_db
def test_claim_of_the_last_attempt_and_none_beyond():
    last = ReportBuildFactory(attempts=services.MAX_ATTEMPTS - 1)
    spent = ReportBuildFactory(attempts=services.MAX_ATTEMPTS)
    assert services.report_build_claim(build_id=last.pk) == services.MAX_ATTEMPTS
    assert services.report_build_claim(build_id=spent.pk) is None
    spent.refresh_from_db()
    assert (spent.status, spent.attempts, spent.started_at) == (
        "queued",
        services.MAX_ATTEMPTS,
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["running", "succeeded", "failed"])
def test_claim_takes_only_a_queued_build(status):
    build = ReportBuildFactory(status=status, attempts=1, progress=40)
    assert services.report_build_claim(build_id=build.pk) is None
    build.refresh_from_db()
    assert (build.status, build.attempts, build.progress) == (status, 1, 40)


@pytest.mark.django_db
def test_run_records_the_files_facts_on_its_build_only(monkeypatch):
    now = timezone.now()
    # Another worker's build, at the same attempt number: nothing of this run may reach it.
    bystander = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING, attempts=1, progress=40, started_at=now, heartbeat_at=now
    )
    build = ReportBuildFactory(event=EventFactory(slug="facts"))
    render, content = _fake_render(pages=3, fallbacks=("finding F1", "recommendation R2"))
    monkeypatch.setattr(builds, "report_render", render)
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: None)
    result = services.report_build_run(build_id=build.pk)
    assert (result.status, result.progress, result.attempts, result.error) == (
        "succeeded",
        100,
        1,
        "",
    )
    assert (result.pages, result.size, result.final) == (3, len(content), False)
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert result.fallback_fields == "finding F1\nrecommendation R2"
    assert result.file.name == f"reports/facts/report-{build.pk}-en-a1.pdf"
    assert result.thumbnail.name == ""
    assert result.started_at <= result.finished_at <= timezone.now()
    assert default_storage.open(result.file.name).read() == content
    assert _state(bystander) == ("running", 1, 40, "", now, now, None, "")


@pytest.mark.django_db
def test_run_of_a_final_report_is_marked_final(monkeypatch):
    build = ReportBuildFactory()
    services.report_mark_final(report=build.report)
    monkeypatch.setattr(builds, "report_render", _fake_render()[0])
    assert services.report_build_run(build_id=build.pk).final is True


@pytest.mark.django_db
def test_transient_error_queues_its_build_again_and_no_other(monkeypatch):
    now = timezone.now()
    bystander = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING, attempts=1, progress=40, started_at=now, heartbeat_at=now
    )
    build = ReportBuildFactory()

    def broken(**kwargs):
        raise OperationalError("x" * 2500)

    monkeypatch.setattr(builds, "report_render", broken)
    with pytest.raises(services.TransientBuildError):
        services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert (build.status, build.attempts, build.progress, build.finished_at) == (
        "queued",
        1,
        0,
        None,
    )
    assert build.error == ("OperationalError: " + "x" * 2500)[:2000]
    assert len(build.error) == 2000
    assert _state(bystander) == ("running", 1, 40, "", now, now, None, "")


@pytest.mark.django_db
def test_error_fails_its_build_only_with_the_reason_cut_to_the_column(monkeypatch):
    now = timezone.now()
    bystander = ReportBuildFactory(
        status=ReportBuild.Status.RUNNING, attempts=1, progress=40, started_at=now, heartbeat_at=now
    )
    build = ReportBuildFactory()

    def broken(**kwargs):
        raise ValueError("y" * 2500)

    monkeypatch.setattr(builds, "report_render", broken)
    with pytest.raises(ValueError):
        services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    assert (build.status, build.error) == ("failed", ("ValueError: " + "y" * 2500)[:2000])
    assert build.started_at <= build.finished_at <= timezone.now()
    assert _state(bystander) == ("running", 1, 40, "", now, now, None, "")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "running"])
def test_fail_records_the_reason_on_its_build_only(status):
    build = ReportBuildFactory(status=status)
    bystander = ReportBuildFactory(status=status)
    before = timezone.now()
    assert services.report_build_fail(build_id=build.pk, reason="z" * 2100) == 1
    build.refresh_from_db()
    assert (build.status, build.error) == ("failed", "z" * 2000)
    assert before <= build.finished_at <= timezone.now()
    bystander.refresh_from_db()
    assert (bystander.status, bystander.error, bystander.finished_at) == (status, "", None)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["succeeded", "failed"])
def test_fail_leaves_a_finished_build_as_it_was(status):
    build = ReportBuildFactory(status=status, error="")
    assert services.report_build_fail(build_id=build.pk, reason=BUILD_TOO_LONG) == 0
    build.refresh_from_db()
    assert (build.status, build.error, build.finished_at) == (status, "", None)


# --- the sweeper: its time limits exactly, and the builds it must leave alone -------------

LOST = "The build stopped without finishing (worker lost or time limit exceeded)."
TICK = dt.timedelta(microseconds=1)


def _running(*, attempts: int = 1, started_at, heartbeat_at) -> ReportBuild:
    return ReportBuildFactory(
        status=ReportBuild.Status.RUNNING,
        attempts=attempts,
        progress=40,
        started_at=started_at,
        heartbeat_at=heartbeat_at,
    )


@pytest.mark.django_db
def test_sweeper_retries_exactly_the_builds_past_their_limits(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(builds, "report_render", _fake_render()[0])
    now = timezone.now()
    silent = now - dt.timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS)
    too_old = now - dt.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 60)
    stale = [
        _running(started_at=silent - TICK, heartbeat_at=silent - TICK),  # heartbeat stopped
        _running(started_at=silent - TICK, heartbeat_at=None),  # never beat
        _running(started_at=too_old - TICK, heartbeat_at=now),  # beats, but outlived the limit
    ]
    alive = [
        _running(started_at=silent, heartbeat_at=silent),
        _running(started_at=silent, heartbeat_at=None),
        _running(started_at=too_old, heartbeat_at=now),
    ]
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        assert services.report_builds_sweep(now=now) == {"failed": 0, "retried": 3, "requeued": 0}
    for build in stale:
        build.refresh_from_db()
        assert (build.status, build.attempts, build.progress, build.error) == ("queued", 1, 0, LOST)
    for build in alive:
        build.refresh_from_db()
        assert (build.status, build.progress, build.error) == ("running", 40, "")
    # Once committed, each retried build runs its next attempt (tasks are eager here).
    for callback in after_commit:
        callback()
    for build in stale:
        build.refresh_from_db()
        assert (build.status, build.attempts) == ("succeeded", 2)


@pytest.mark.django_db
def test_sweeper_fails_a_stale_build_at_the_last_attempt_and_retries_the_one_before(settings):
    now = timezone.now()
    long_ago = now - dt.timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS + 5)
    last = _running(attempts=services.MAX_ATTEMPTS, started_at=long_ago, heartbeat_at=long_ago)
    before_last = _running(
        attempts=services.MAX_ATTEMPTS - 1, started_at=long_ago, heartbeat_at=long_ago
    )
    finished = ReportBuildFactory(
        status=ReportBuild.Status.SUCCEEDED,
        attempts=services.MAX_ATTEMPTS,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    queued = ReportBuildFactory(attempts=services.MAX_ATTEMPTS, started_at=long_ago)
    assert services.report_builds_sweep(now=now) == {"failed": 1, "retried": 1, "requeued": 0}
    last.refresh_from_db()
    assert (last.status, last.finished_at) == ("failed", now)
    assert last.error == f"{LOST} Gave up after 3 attempts."
    before_last.refresh_from_db()
    assert (before_last.status, before_last.attempts, before_last.finished_at) == (
        "queued",
        services.MAX_ATTEMPTS - 1,
        None,
    )
    finished.refresh_from_db()
    queued.refresh_from_db()
    assert (finished.status, finished.error, finished.finished_at) == ("succeeded", "", None)
    assert (queued.status, queued.error) == ("queued", "")


@pytest.mark.django_db
def test_sweeper_requeues_queued_builds_older_than_the_limit_only(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(builds, "report_render", _fake_render()[0])
    now = timezone.now()
    limit = now - dt.timedelta(seconds=settings.REPORT_BUILD_REQUEUE_SECONDS)
    forgotten = ReportBuildFactory()
    recent = ReportBuildFactory()
    finished = ReportBuildFactory(status=ReportBuild.Status.SUCCEEDED, attempts=1)
    ReportBuild.objects.filter(pk=forgotten.pk).update(created_at=limit - TICK)
    ReportBuild.objects.filter(pk=recent.pk).update(created_at=limit)
    ReportBuild.objects.filter(pk=finished.pk).update(created_at=limit - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_builds_sweep(now=now) == {"failed": 0, "retried": 0, "requeued": 1}
    forgotten.refresh_from_db()
    recent.refresh_from_db()
    assert (forgotten.status, forgotten.attempts) == ("succeeded", 1)
    assert (recent.status, recent.attempts) == ("queued", 0)


@pytest.mark.django_db
def test_a_leftover_of_the_same_attempt_is_replaced_not_kept_beside(monkeypatch):
    from django.core.files.base import ContentFile

    build = ReportBuildFactory(event=EventFactory(slug="leftover"))
    render, content = _fake_render()
    monkeypatch.setattr(builds, "report_render", render)
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: b"\x89PNG page one")
    # What a worker killed after writing its files left behind, under this attempt's names.
    pdf_name = build.storage_name(attempt=1)
    png_name = build.thumbnail_storage_name(attempt=1)
    default_storage.save(pdf_name, ContentFile(b"%PDF-1.7 half written"))
    default_storage.save(png_name, ContentFile(b"half a picture"))
    result = services.report_build_run(build_id=build.pk)
    assert (result.file.name, result.thumbnail.name) == (pdf_name, png_name)
    assert default_storage.open(pdf_name).read() == content
    assert default_storage.open(png_name).read() == b"\x89PNG page one"
    mine = sorted(
        name
        for name in default_storage.listdir("reports/leftover")[1]
        if name.startswith(f"report-{build.pk}-")
    )
    assert mine == [f"report-{build.pk}-en-a1-page1.png", f"report-{build.pk}-en-a1.pdf"]


@pytest.mark.django_db
def test_sweeping_while_the_broker_is_down_leaves_the_builds_for_the_next_round(
    broker_down, django_capture_on_commit_callbacks
):
    now = timezone.now()
    forgotten = ReportBuildFactory()
    ReportBuild.objects.filter(pk=forgotten.pk).update(created_at=now - dt.timedelta(hours=1))
    long_ago = now - dt.timedelta(hours=1)
    lost = _running(started_at=long_ago, heartbeat_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):  # queueing fails, and is logged
        assert services.report_builds_sweep(now=now) == {"failed": 0, "retried": 1, "requeued": 1}
    assert _state(forgotten)[:2] == ("queued", 0)
    assert _state(lost)[:2] == ("queued", 1)


@pytest.mark.django_db
def test_requesting_a_build_while_the_broker_is_down_keeps_it_queued(
    broker_down, django_capture_on_commit_callbacks
):
    report = ReportFactory(title_en="Water")
    with django_capture_on_commit_callbacks(execute=True):  # queueing fails, and is logged
        build = services.report_build_request(report=report, language="en")
    assert _state(build)[:2] == ("queued", 0)


def _stale_builds(count: int, *, status: str, long_ago: dt.datetime) -> list[int]:
    event = EventFactory()
    report = ReportFactory(event=event)
    rows = ReportBuild.objects.bulk_create(
        ReportBuild(
            event=event,
            report=report,
            language="en",
            status=status,
            attempts=1 if status == ReportBuild.Status.RUNNING else 0,
            started_at=long_ago if status == ReportBuild.Status.RUNNING else None,
            heartbeat_at=long_ago if status == ReportBuild.Status.RUNNING else None,
        )
        for _n in range(count)
    )
    return [row.pk for row in rows]


@pytest.mark.django_db
def test_sweeper_retries_a_hundred_stale_builds_a_round(django_capture_on_commit_callbacks):
    now = timezone.now()
    pks = _stale_builds(
        101, status=ReportBuild.Status.RUNNING, long_ago=now - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        assert services.report_builds_sweep(now=now) == {"failed": 0, "retried": 100, "requeued": 0}
    assert len(after_commit) == 100
    statuses = ReportBuild.objects.filter(pk__in=pks).values_list("status", flat=True)
    assert sorted(statuses) == ["queued"] * 100 + ["running"]


@pytest.mark.django_db
def test_sweeper_requeues_a_hundred_forgotten_builds_a_round(django_capture_on_commit_callbacks):
    now = timezone.now()
    pks = _stale_builds(101, status=ReportBuild.Status.QUEUED, long_ago=now)
    ReportBuild.objects.filter(pk__in=pks).update(created_at=now - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        assert services.report_builds_sweep(now=now) == {"failed": 0, "retried": 0, "requeued": 100}
    assert len(after_commit) == 100


@contextlib.contextmanager
def _just_before_the_sweepers_retry(change):
    """Run ``change`` (another worker's write) right before the sweeper re-queues a build."""
    done = []

    def wrapper(execute, sql, params, many, context):
        if not done and sql.startswith("UPDATE") and "queued" in (params or ()):
            done.append(sql)
            change()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert done, "the sweeper re-queued nothing"


@pytest.mark.django_db
def test_sweeper_leaves_a_build_that_finished_while_it_looked(django_capture_on_commit_callbacks):
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=1)
    build = _running(started_at=long_ago, heartbeat_at=long_ago)

    def finishes():
        ReportBuild.objects.filter(pk=build.pk).update(
            status=ReportBuild.Status.SUCCEEDED, progress=100, finished_at=now
        )

    with (
        _just_before_the_sweepers_retry(finishes),
        django_capture_on_commit_callbacks(execute=False),
    ):
        assert services.report_builds_sweep(now=now)["retried"] == 0
    build.refresh_from_db()
    assert (build.status, build.progress, build.error) == ("succeeded", 100, "")


@pytest.mark.django_db
def test_sweeper_leaves_a_build_that_reached_its_last_attempt_while_it_looked(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=1)
    build = _running(attempts=services.MAX_ATTEMPTS - 1, started_at=long_ago, heartbeat_at=long_ago)

    def last_attempt_starts():  # another sweeper re-queued it and a worker claimed it
        ReportBuild.objects.filter(pk=build.pk).update(
            attempts=services.MAX_ATTEMPTS, started_at=now, heartbeat_at=now
        )

    with (
        _just_before_the_sweepers_retry(last_attempt_starts),
        django_capture_on_commit_callbacks(execute=False),
    ):
        assert services.report_builds_sweep(now=now)["retried"] == 0
    build.refresh_from_db()
    assert (build.status, build.attempts, build.progress, build.error) == (
        "running",
        services.MAX_ATTEMPTS,
        40,
        "",
    )


@pytest.mark.django_db
def test_run_of_a_build_without_its_report_uses_the_events_report(monkeypatch):
    build = ReportBuildFactory(report=None)
    monkeypatch.setattr(builds, "report_render", _fake_render()[0])
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: None)
    result = services.report_build_run(build_id=build.pk)
    assert (result.status, result.error) == ("succeeded", "")
    assert result.event.report.status == "draft"


@pytest.mark.django_db
def test_run_shows_ninety_percent_and_a_fresh_heartbeat_while_it_stores_the_file(monkeypatch):
    build = ReportBuildFactory()
    seen = []

    def first_page(*, pdf):
        seen.append(ReportBuild.objects.values_list("progress", "heartbeat_at").get(pk=build.pk))
        return None

    monkeypatch.setattr(builds, "report_render", _fake_render()[0])
    monkeypatch.setattr(builds, "report_first_page_png", first_page)
    before = timezone.now()
    result = services.report_build_run(build_id=build.pk)
    [(progress, heartbeat_at)] = seen
    assert progress == 90
    assert before <= result.started_at < heartbeat_at <= result.finished_at


def _files_of(build: ReportBuild) -> list[str]:
    folder = f"reports/{build.event.slug}"
    if not default_storage.exists(folder):
        return []
    return sorted(
        name
        for name in default_storage.listdir(folder)[1]
        if name.startswith(f"report-{build.pk}-")
    )


@pytest.mark.django_db
def test_run_failed_by_the_sweeper_while_it_rendered_keeps_nothing(monkeypatch):
    build = ReportBuildFactory(attempts=services.MAX_ATTEMPTS - 1)

    def render(*, report, language, allow_fallback, progress):
        # The last attempt's heartbeat is presumed lost: the sweeper gives up on the build.
        ReportBuild.objects.filter(pk=build.pk).update(
            status=ReportBuild.Status.FAILED, error="given up"
        )
        return RenderedPDF(content=b"%PDF-1.7 too late", pages=1), []

    monkeypatch.setattr(builds, "report_render", render)
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: b"\x89PNG too late")
    assert services.report_build_run(build_id=build.pk) is None
    build.refresh_from_db()
    assert (build.status, build.error, build.progress, build.file.name) == (
        "failed",
        "given up",
        5,
        "",
    )
    assert (build.thumbnail.name, build.pages, build.sha256) == ("", None, "")
    assert _files_of(build) == []


@contextlib.contextmanager
def _failing_at_the_finishing_write(error: BaseException):
    """``error`` raised where the build is marked succeeded (its files are stored by then)."""
    raised = []

    def wrapper(execute, sql, params, many, context):
        if not raised and sql.startswith("UPDATE") and "succeeded" in (params or ()):
            raised.append(sql)
            raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert raised, "the build was never marked succeeded"


# Transactional: an error inside an update marks the test's transaction for rollback.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("error", "raised", "status", "reason"),
    [
        (SoftTimeLimitExceeded(), SoftTimeLimitExceeded, "failed", BUILD_TOO_LONG),
        (
            OperationalError("disk I/O"),
            services.TransientBuildError,
            "queued",
            "OperationalError: disk I/O",
        ),
        (OSError("disk full"), services.TransientBuildError, "queued", "OSError: disk full"),
        (ValueError("odd"), ValueError, "failed", "ValueError: odd"),
    ],
)
def test_an_attempt_interrupted_after_storing_its_files_deletes_them(
    monkeypatch, error, raised, status, reason
):
    build = ReportBuildFactory(event=EventFactory(slug=f"interrupted-{type(error).__name__}"))
    bystander = ReportBuildFactory(event=build.event)
    monkeypatch.setattr(builds, "report_render", _fake_render()[0])
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: b"\x89PNG page one")
    with _failing_at_the_finishing_write(error), pytest.raises(raised) as caught:
        services.report_build_run(build_id=build.pk)
    if raised is services.TransientBuildError:
        assert str(caught.value) == reason
    build.refresh_from_db()
    assert (build.status, build.error, build.file.name, build.thumbnail.name) == (
        status,
        reason,
        "",
        "",
    )
    assert _files_of(build) == []
    assert _state(bystander) == ("queued", 0, 0, "", None, None, None, "")


@pytest.mark.django_db
def test_superseded_attempt_deletes_its_first_page_too(monkeypatch):
    build = ReportBuildFactory(event=EventFactory(slug="superseded-page"))

    def render(*, report, language, allow_fallback, progress):
        ReportBuild.objects.filter(pk=build.pk).update(attempts=2)  # a later attempt owns it
        return RenderedPDF(content=b"%PDF-1.7 attempt 1", pages=1), []

    monkeypatch.setattr(builds, "report_render", render)
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: b"\x89PNG attempt 1")
    assert services.report_build_run(build_id=build.pk) is None
    assert _files_of(build) == []


@pytest.mark.django_db(transaction=True)
def test_run_beats_while_the_render_takes_its_time(monkeypatch, settings):
    settings.REPORT_BUILD_HEARTBEAT_SECONDS = 0.05
    build = ReportBuildFactory()
    beats = []

    def slow_render(*, report, language, allow_fallback, progress):
        claimed = ReportBuild.objects.get(pk=build.pk).heartbeat_at
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not beats:
            beat = ReportBuild.objects.get(pk=build.pk).heartbeat_at
            if beat != claimed:
                beats.append(beat)
            time.sleep(0.02)
        return RenderedPDF(content=b"%PDF-1.7 slow", pages=1), []

    monkeypatch.setattr(builds, "report_render", slow_render)
    monkeypatch.setattr(builds, "report_first_page_png", lambda *, pdf: None)
    result = services.report_build_run(build_id=build.pk)
    assert result.status == "succeeded"
    [beat] = beats
    assert result.started_at < beat <= result.heartbeat_at
