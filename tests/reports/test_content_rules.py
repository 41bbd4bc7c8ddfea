"""The report row of an event: made once with the event's concept, marked final and back."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reports import services
from reports.models import Report
from tests.factories import EventFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_a_new_report_starts_from_the_events_concept_without_a_title():
    event = EventFactory(title="Water", description="Rivers and borders.")
    report = services.report_get_or_create(event=event)
    report.refresh_from_db()
    assert (report.event_id, report.background_en, report.title_en) == (
        event.pk,
        "Rivers and borders.",
        None,  # not copied: an empty title prints the event's own
    )
    assert report.status == Report.Status.DRAFT


def test_an_existing_report_is_returned_as_it_is():
    event = EventFactory(description="Rivers and borders.")
    existing = ReportFactory(event=event, background_en="Edited.")
    assert services.report_get_or_create(event=event).pk == existing.pk
    assert Report.objects.get(pk=existing.pk).background_en == "Edited."
    assert Report.objects.count() == 1


def _status(report: Report) -> tuple:
    report.refresh_from_db()
    return report.status, report.finalised_at


def test_mark_final_changes_its_report_only_and_once():
    report, other = ReportFactory(), ReportFactory()
    before = timezone.now()
    assert services.report_mark_final(report=report) is True
    assert report.status == Report.Status.FINAL  # the caller's object is refreshed
    assert before <= report.finalised_at <= timezone.now()
    assert _status(other) == (Report.Status.DRAFT, None)
    first = _status(report)
    assert services.report_mark_final(report=report) is False
    assert _status(report) == first


def test_mark_draft_changes_its_report_only_and_once():
    report, other = ReportFactory(), ReportFactory()
    services.report_mark_final(report=report)
    services.report_mark_final(report=other)
    kept = _status(other)
    assert services.report_mark_draft(report=report) is True
    assert (report.status, report.finalised_at) == (Report.Status.DRAFT, None)
    assert _status(other) == kept
    assert services.report_mark_draft(report=report) is False
    assert _status(report) == (Report.Status.DRAFT, None)


def test_marking_refreshes_the_status_only_and_keeps_the_callers_other_edits():
    report = ReportFactory(title_en="Water")
    report.title_en = "Water and migration (being edited)"
    services.report_mark_final(report=report)
    assert (report.status, report.title_en) == (
        Report.Status.FINAL,
        "Water and migration (being edited)",
    )
    services.report_mark_draft(report=report)
    assert (report.status, report.title_en) == (
        Report.Status.DRAFT,
        "Water and migration (being edited)",
    )
