"""Publishing a build: its share link, who published it and when, revoking, and the mailing of
the link; each rule beside a build it must leave alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from reports import services
from reports.models import ReportBuild, ShareMail
from tests.factories import EventFactory, ReportBuildFactory, ReportFactory, UserFactory
from tests.reports.refusing_backend import RefusingOneAddressBackend

pytestmark = pytest.mark.django_db

Status = ReportBuild.Status
BAD = RefusingOneAddressBackend.REFUSED


def _succeeded(**kwargs) -> ReportBuild:
    return ReportBuildFactory(status=Status.SUCCEEDED, **kwargs)


def _publication(build: ReportBuild) -> tuple:
    build.refresh_from_db()
    return (
        build.share_token,
        build.published_at,
        build.published_by_id,
        build.share_email_due,
        build.share_emailed_at,
    )


def _published(build: ReportBuild, *, addresses: str = "") -> ReportBuild:
    if addresses:
        build.report.distribution_list = addresses
        build.report.save()
    return services.report_build_publish(build=build)


def test_publish_gives_its_build_a_link_and_records_who_and_when():
    user = UserFactory()
    build = _succeeded()
    bystander = _succeeded()
    before = timezone.now()
    published = services.report_build_publish(build=build, user=user)
    assert len(published.share_token) == 43
    assert published.published_by == user
    assert before <= published.published_at <= timezone.now()
    assert (published.share_email_due, published.share_emailed_at) == (False, None)
    assert _publication(bystander) == (None, None, None, False, None)


def test_publishing_again_keeps_the_link_its_date_and_its_publisher():
    first_user, second_user = UserFactory(), UserFactory()
    build = services.report_build_publish(build=_succeeded(), user=first_user)
    first = _publication(build)
    again = services.report_build_publish(build=build, user=second_user)
    assert _publication(again) == first
    assert again.published_by_id == first_user.pk


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING, Status.FAILED])
def test_only_a_succeeded_build_is_published(status):
    build = ReportBuildFactory(status=status)
    with pytest.raises(services.BuildNotPublishable):
        services.report_build_publish(build=build, email=True)
    assert _publication(build) == (None, None, None, False, None)


def test_publish_with_email_marks_its_build_only_and_mails_the_list(
    django_capture_on_commit_callbacks,
):
    build = _succeeded()
    build.report.distribution_list = "ministry@example.org\nunion@example.org"
    build.report.save()
    bystander = _published(_succeeded(), addresses="partner@example.org")
    assert _publication(bystander)[3] is False
    with django_capture_on_commit_callbacks(execute=False):
        services.report_build_publish(build=build, email=True)
    assert ReportBuild.objects.get(pk=build.pk).share_email_due is True
    assert ReportBuild.objects.get(pk=bystander.pk).share_email_due is False
    assert mail.outbox == []
    # Once committed, the list is mailed (tasks are eager in unit tests).
    with django_capture_on_commit_callbacks(execute=True):
        services.report_build_publish(build=build, email=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["ministry@example.org", "union@example.org"]
    assert ShareMail.objects.filter(build=bystander).count() == 0


def test_revoke_clears_its_build_only():
    user = UserFactory()
    build = services.report_build_publish(build=_succeeded(), user=user)
    ReportBuild.objects.filter(pk=build.pk).update(share_email_due=True)
    bystander = services.report_build_publish(build=_succeeded(), user=user)
    ReportBuild.objects.filter(pk=bystander.pk).update(share_email_due=True)
    kept = _publication(bystander)
    revoked = services.report_build_revoke(build=build)
    assert (revoked.share_token, revoked.published_at, revoked.published_by_id) == (
        None,
        None,
        None,
    )
    assert revoked.share_email_due is False
    assert _publication(bystander) == kept


def test_share_url_is_the_site_address_of_the_token(settings):
    settings.SITE_URL = "https://webinars.example.org"
    build = _published(_succeeded())
    assert services.report_share_url(build=build) == (
        f"https://webinars.example.org/reports/shared/{build.share_token}/"
    )


# --- mailing the link ----------------------------------------------------------------------


def _due(build: ReportBuild, addresses: str) -> ReportBuild:
    build = _published(build, addresses=addresses)
    ReportBuild.objects.filter(pk=build.pk).update(share_email_due=True)
    return build


def test_mailing_claims_its_build_only_and_counts_the_messages_sent():
    build = _due(_succeeded(), "a@example.org\nb@example.org")
    bystander = _due(_succeeded(), "c@example.org")
    before = timezone.now()
    assert services.report_build_send_share_email(build_id=build.pk) == 2
    build.refresh_from_db()
    assert build.share_email_due is False
    assert before <= build.share_emailed_at <= timezone.now()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert _publication(bystander)[3:] == (True, None)
    assert ShareMail.objects.filter(build=bystander).count() == 0


def test_mailing_counts_only_the_addresses_that_were_sent(settings):
    settings.EMAIL_BACKEND = "tests.reports.refusing_backend.RefusingOneAddressBackend"
    build = _due(_succeeded(), f"a@example.org\n{BAD}\nb@example.org")
    assert services.report_build_send_share_email(build_id=build.pk) == 2
    rows = dict(ShareMail.objects.filter(build=build).values_list("address", "sent_at"))
    assert sorted(address for address, sent in rows.items() if sent) == [
        "a@example.org",
        "b@example.org",
    ]
    assert rows[BAD] is None


def test_mailing_a_build_not_due_or_revoked_sends_nothing():
    not_due = _published(_succeeded(), addresses="a@example.org")
    revoked = _due(_succeeded(), "b@example.org")
    ReportBuild.objects.filter(pk=revoked.pk).update(share_token=None)
    assert services.report_build_send_share_email(build_id=not_due.pk) == 0
    assert services.report_build_send_share_email(build_id=revoked.pk) == 0
    assert ShareMail.objects.count() == 0
    assert mail.outbox == []
    revoked.refresh_from_db()
    assert (revoked.share_email_due, revoked.share_emailed_at) == (True, None)


def test_mailing_a_build_without_its_report_uses_the_events_report():
    event = EventFactory(title="Water webinar")
    ReportFactory(event=event, distribution_list="ministry@example.org", title_en="Water report")
    build = _due(ReportBuildFactory(event=event, report=None, status=Status.SUCCEEDED), "")
    assert services.report_build_send_share_email(build_id=build.pk) == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ministry@example.org"], "Report: Water report")
    ]
    assert "The report \u201cWater report\u201d is available:" in mail.outbox[0].body


def _share_mail(build: ReportBuild, address: str, **fields) -> ShareMail:
    return ShareMail.objects.create(build=build, address=address, **fields)


def test_share_mail_is_sent_in_the_builds_language_with_its_link(settings):
    settings.SITE_URL = "https://webinars.example.org"
    event = EventFactory(title="Water webinar")
    report = ReportFactory(event=event, title_en="Water report", title_fr="Rapport sur l'eau")
    build = _published(_succeeded(event=event, report=report, language="fr"))
    row = _share_mail(build, "ministere@example.org")
    bystander = _share_mail(build, "autre@example.org")
    before = timezone.now()
    assert services.share_mail_send(mail_id=row.pk) is True
    [message] = mail.outbox
    assert message.to == ["ministere@example.org"]
    assert message.subject == "Rapport\u00a0: Rapport sur l'eau"  # French: no-break space
    assert f"https://webinars.example.org/reports/shared/{build.share_token}/" in message.body
    row.refresh_from_db()
    assert (row.attempts, row.claimed_until, row.last_error, row.failed_at) == (1, None, "", None)
    assert before <= row.sent_at <= timezone.now()
    bystander.refresh_from_db()
    assert (bystander.attempts, bystander.sent_at, bystander.claimed_until) == (0, None, None)


def test_share_mail_without_a_report_title_names_the_event():
    event = EventFactory(title="Water webinar")
    build = _published(_succeeded(event=event, report=ReportFactory(event=event, title_en="")))
    services.share_mail_send(mail_id=_share_mail(build, "a@example.org").pk)
    assert [m.subject for m in mail.outbox] == ["Report: Water webinar"]


def test_failing_share_mail_is_given_up_at_the_last_attempt_only(settings):
    settings.EMAIL_BACKEND = "tests.reports.refusing_backend.RefusingOneAddressBackend"
    build = _published(_succeeded())
    row = _share_mail(build, BAD)
    bystander = _share_mail(build, "a@example.org", attempts=1, last_error="earlier")
    for attempt in range(1, services.SHARE_MAIL_MAX_ATTEMPTS):
        with pytest.raises(ConnectionRefusedError):
            services.share_mail_send(mail_id=row.pk)
        row.refresh_from_db()
        assert (row.attempts, row.claimed_until, row.sent_at, row.failed_at) == (
            attempt,
            None,
            None,
            None,
        )
        assert row.last_error == f"ConnectionRefusedError: 550 mailbox full: {BAD}"
    before = timezone.now()
    with pytest.raises(ConnectionRefusedError):
        services.share_mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.attempts == services.SHARE_MAIL_MAX_ATTEMPTS == 3
    assert before <= row.failed_at <= timezone.now()
    assert services.share_mail_send(mail_id=row.pk) is False
    bystander.refresh_from_db()
    assert (bystander.attempts, bystander.last_error, bystander.failed_at, bystander.sent_at) == (
        1,
        "earlier",
        None,
        None,
    )


def test_share_mail_error_is_cut_to_its_column(settings):
    settings.EMAIL_BACKEND = "tests.reports.refusing_backend.LongRefusalBackend"
    row = _share_mail(_published(_succeeded()), "a@example.org")
    with pytest.raises(ConnectionRefusedError):
        services.share_mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.last_error == ("ConnectionRefusedError: 550 " + "e" * 600)[:500]
    assert len(row.last_error) == 500


def test_share_mail_is_not_sent_twice_nor_under_a_live_lease_nor_once_revoked():
    now = timezone.now()
    build = _published(_succeeded())
    sent = _share_mail(build, "sent@example.org", attempts=1, sent_at=now)
    leased = _share_mail(
        build, "leased@example.org", attempts=1, claimed_until=now + dt.timedelta(minutes=4)
    )
    given_up = _share_mail(build, "failed@example.org", attempts=1, failed_at=now)
    spent = _share_mail(build, "spent@example.org", attempts=services.SHARE_MAIL_MAX_ATTEMPTS)
    revoked = _share_mail(_succeeded(), "revoked@example.org")
    for row in (sent, leased, given_up, spent, revoked):
        assert services.share_mail_send(mail_id=row.pk) is False
    assert mail.outbox == []
    assert list(ShareMail.objects.order_by("pk").values_list("attempts", flat=True)) == [
        1,
        1,
        1,
        services.SHARE_MAIL_MAX_ATTEMPTS,
        0,
    ]


def test_share_mail_under_an_expired_lease_is_sent():
    build = _published(_succeeded())
    row = _share_mail(
        build, "a@example.org", attempts=1, claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.share_mail_send(mail_id=row.pk) is True
    row.refresh_from_db()
    assert (row.attempts, row.claimed_until, row.sent_at is not None) == (2, None, True)


def test_share_mail_is_claimed_for_its_lease_while_it_is_sent(settings):
    settings.EMAIL_BACKEND = "tests.reports.test_publishing.WatchingBackend"
    WatchingBackend.seen.clear()
    row = _share_mail(_published(_succeeded()), "a@example.org")
    before = timezone.now()
    services.share_mail_send(mail_id=row.pk)
    [(attempts, claimed_until)] = WatchingBackend.seen
    assert attempts == 1
    lease = dt.timedelta(seconds=300)
    assert before + lease <= claimed_until <= timezone.now() + lease


class WatchingBackend(LocmemBackend):
    """Notes the row's claim while the message is being sent."""

    seen: list = []

    def send_messages(self, messages):
        row = ShareMail.objects.get(address=messages[0].to[0])
        self.seen.append((row.attempts, row.claimed_until))
        return super().send_messages(messages)


# --- the sweeper ---------------------------------------------------------------------------


def test_sweeper_mails_what_is_still_due_and_nothing_else(settings):
    settings.EMAIL_BACKEND = "tests.reports.refusing_backend.RefusingOneAddressBackend"
    _due(_succeeded(), "due@example.org")
    revoked = _due(_succeeded(), "revoked@example.org")
    ReportBuild.objects.filter(pk=revoked.pk).update(share_token=None)
    published = _published(_succeeded())
    retry = _share_mail(published, "retry@example.org", attempts=2, last_error="earlier")
    spent = _share_mail(published, "spent@example.org", attempts=services.SHARE_MAIL_MAX_ATTEMPTS)
    _share_mail(_succeeded(), "unpublished@example.org")
    assert services.report_builds_sweep_share_emails() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["due@example.org", "retry@example.org"]
    retry.refresh_from_db()
    spent.refresh_from_db()
    assert (retry.attempts, retry.sent_at is not None) == (3, True)
    assert (spent.attempts, spent.sent_at) == (services.SHARE_MAIL_MAX_ATTEMPTS, None)
    assert services.report_builds_sweep_share_emails() == 0


def test_publishing_with_email_while_the_broker_is_down_leaves_the_mailing_due(
    broker_down, django_capture_on_commit_callbacks
):
    build = _succeeded()
    build.report.distribution_list = "ministry@example.org"
    build.report.save()
    with django_capture_on_commit_callbacks(execute=True):  # queueing fails, and is logged
        published = services.report_build_publish(build=build, email=True)
    assert published.share_token
    assert _publication(build)[3:] == (True, None)  # due: the sweeper mails it later
    assert mail.outbox == []


def test_mailing_again_sends_only_to_the_addresses_added_since():
    build = _due(_succeeded(), "a@example.org\nb@example.org")
    assert services.report_build_send_share_email(build_id=build.pk) == 2
    build.report.distribution_list = "a@example.org\nb@example.org\nc@example.org"
    build.report.save()
    ReportBuild.objects.filter(pk=build.pk).update(share_email_due=True)
    assert services.report_build_send_share_email(build_id=build.pk) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert ShareMail.objects.filter(build=build).count() == 3
    assert ReportBuild.objects.get(pk=build.pk).share_email_due is False


def test_two_organisers_publishing_at_once_keep_the_first_link():
    first_user, second_user = UserFactory(), UserFactory()
    build = _succeeded()
    stale = ReportBuild.objects.get(pk=build.pk)  # the other organiser's page, still unpublished
    published = services.report_build_publish(build=build, user=first_user)
    again = services.report_build_publish(build=stale, user=second_user)
    assert (again.share_token, again.published_by_id) == (published.share_token, first_user.pk)
    assert again.published_at == published.published_at


class TakenOverBackend(LocmemBackend):
    """A send so slow that the lease runs out: another worker claims the row meanwhile, then
    this attempt fails (or, with ``SENT``, the other worker has already sent it)."""

    SENT = False

    def send_messages(self, messages):
        row = ShareMail.objects.get(address=messages[0].to[0])
        later = timezone.now() + dt.timedelta(minutes=10)
        if TakenOverBackend.SENT:
            ShareMail.objects.filter(pk=row.pk).update(
                sent_at=timezone.now() - dt.timedelta(minutes=1), claimed_until=None
            )
            return super().send_messages(messages)
        ShareMail.objects.filter(pk=row.pk).update(claimed_until=later, attempts=row.attempts + 1)
        raise ConnectionResetError("connection reset by peer")


def test_an_attempt_that_lost_its_lease_leaves_the_next_attempts_claim(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.reports.test_publishing.TakenOverBackend"
    monkeypatch.setattr(TakenOverBackend, "SENT", False)
    row = _share_mail(_published(_succeeded()), "a@example.org")
    with pytest.raises(ConnectionResetError):
        services.share_mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert (row.attempts, row.last_error, row.sent_at) == (2, "", None)
    assert row.claimed_until > timezone.now() + dt.timedelta(minutes=9)


def test_an_attempt_that_lost_its_lease_keeps_the_time_the_other_one_sent_it(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.reports.test_publishing.TakenOverBackend"
    monkeypatch.setattr(TakenOverBackend, "SENT", True)
    row = _share_mail(_published(_succeeded()), "a@example.org")
    before = timezone.now()
    services.share_mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at < before - dt.timedelta(seconds=30)
