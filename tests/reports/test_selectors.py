import pytest
from django.urls import reverse
from django.utils import translation

from reports import services
from tests.factories import (
    FindingFactory,
    RecommendationFactory,
    RegistrationFactory,
    ReportBuildFactory,
    ReportFactory,
    SessionFactory,
    SessionSummaryFactory,
)

pytestmark = pytest.mark.django_db


def _fill(report, count: int) -> None:
    for _n in range(count):
        session = SessionFactory(event=report.event)
        SessionSummaryFactory(report=report, session=session)
        FindingFactory(report=report, session=session)
        RecommendationFactory(report=report)
        RegistrationFactory(event=report.event, consent_listing=True)


def test_report_render_context_queries_do_not_grow_with_content(django_assert_num_queries):
    one, three = ReportFactory(), ReportFactory()
    _fill(one, 1)
    _fill(three, 3)
    with translation.override("en"), django_assert_num_queries(16) as first:
        services.report_render_context(report=one, language="en", allow_fallback=True)
    with translation.override("en"), django_assert_num_queries(len(first.captured_queries)):
        services.report_render_context(report=three, language="en", allow_fallback=True)


def test_report_missing_translations_queries_do_not_grow(django_assert_num_queries):
    one, three = ReportFactory(), ReportFactory()
    _fill(one, 1)
    _fill(three, 3)
    from reports.selectors import report_missing_translations

    with django_assert_num_queries(3):
        assert len(report_missing_translations(report=one, language="fr")) == 1 + 3
    with django_assert_num_queries(3):
        assert len(report_missing_translations(report=three, language="fr")) == 1 + 9


def test_report_builds_are_kept_as_versions_on_the_report_page(client, organiser):
    report = ReportFactory()
    first = services.report_build_run(
        build_id=ReportBuildFactory(report=report, event=report.event).pk
    )
    second = ReportBuildFactory(report=report, event=report.event, language="fr")
    client.force_login(organiser)
    page = client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    assert f'<a href="/reports/builds/{first.pk}/">#{first.pk} English — Succeeded' in page
    assert f'<a href="/reports/builds/{second.pk}/">#{second.pk} Français — Queued' in page


def test_share_email_sweeper_requeues_emails_still_due(mailoutbox):
    build = services.report_build_run(build_id=ReportBuildFactory().pk)
    build.report.distribution_list = "partners@example.org"
    build.report.save()
    # Published with the broker down: the email is due but was never sent.
    services.report_build_publish(build=build)
    type(build).objects.filter(pk=build.pk).update(share_email_due=True)
    assert services.report_builds_sweep_share_emails() == 1
    assert [m.to for m in mailoutbox] == [["partners@example.org"]]
    assert services.report_builds_sweep_share_emails() == 0
