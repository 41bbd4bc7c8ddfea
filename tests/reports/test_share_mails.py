"""Mailing a published report's link: one outbox row per recipient, retried on its own."""

from __future__ import annotations

import pytest
from django.core import mail

from reports import services, tasks
from reports.models import ShareMail
from tests.factories import EventFactory, ReportBuildFactory
from tests.reports.refusing_backend import RefusingOneAddressBackend

pytestmark = pytest.mark.django_db

BAD = RefusingOneAddressBackend.REFUSED


@pytest.fixture
def published_twice(django_capture_on_commit_callbacks, settings):
    """Two published builds; the first mails three addresses, one of which always fails."""
    settings.EMAIL_BACKEND = "tests.reports.refusing_backend.RefusingOneAddressBackend"
    first = services.report_build_run(build_id=ReportBuildFactory(event=EventFactory()).pk)
    first.report.distribution_list = f"ministry@example.org\n{BAD}\nunion@example.org"
    first.report.save()
    other = services.report_build_run(build_id=ReportBuildFactory(event=EventFactory()).pk)
    services.report_build_publish(build=other)  # published, not mailed: a bystander
    with django_capture_on_commit_callbacks(execute=True):
        services.report_build_publish(build=first, email=True)
    return first, other


def test_failing_recipient_is_retried_to_the_cap_and_nobody_else_is_mailed_again(
    published_twice,
):
    first, other = published_twice
    assert sorted(m.to[0] for m in mail.outbox) == ["ministry@example.org", "union@example.org"]
    for _round in range(3):
        tasks.sweep_builds()
    rows = {row.address: row for row in ShareMail.objects.filter(build=first)}
    assert sorted(m.to[0] for m in mail.outbox) == ["ministry@example.org", "union@example.org"]
    bad = rows[BAD]
    assert (bad.attempts, bad.sent_at, bad.failed_at is not None) == (
        services.SHARE_MAIL_MAX_ATTEMPTS,
        None,
        True,
    )
    assert bad.last_error == f"ConnectionRefusedError: 550 mailbox full: {BAD}"
    for good in ("ministry@example.org", "union@example.org"):
        assert (rows[good].attempts, rows[good].sent_at is not None) == (1, True)
    assert services.SHARE_MAIL_MAX_ATTEMPTS == 3
    # A fourth round finds nothing to do; the bystander build has no mailing at all.
    assert services.report_builds_sweep_share_emails() == 0
    assert ShareMail.objects.filter(build=other).count() == 0


def test_mailing_the_link_again_sends_no_second_copy(
    published_twice, django_capture_on_commit_callbacks
):
    first, _other = published_twice
    with django_capture_on_commit_callbacks(execute=True):
        services.report_build_publish(build=first, email=True)
    # The rows exist once per address: no second copy to the addresses already mailed.
    assert ShareMail.objects.filter(build=first).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["ministry@example.org", "union@example.org"]
