"""The organisers' side in a real browser: approve a registrant in the admin, the participant
opens their personal link and finds the joining instructions, staff builds and downloads the
report."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from pypdf import PdfReader

from registration.models import Registration
from reports.models import ReportBuild
from tests.factories import EventFactory, RegistrationFactory, ReportFactory, UserFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def _admin_login(page, base_url: str, user) -> None:
    # The admin's login is the site's login, which wants a verified address.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto(f"{base_url}/admin/login/")  # sends the visitor to the site's own login
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def test_organiser_approves_and_participant_finds_the_join_instructions(
    live_server, new_page, organiser
):
    event = EventFactory(
        slug="desk",
        approval_mode=Event.ApprovalMode.MANUAL,
        join_url="https://meet.example.org/j/123",
        join_passcode="SAHEL-2020",
    )
    registration = RegistrationFactory(
        event=event, email="moussa@example.org", status=Registration.Status.PENDING
    )
    with override_settings(SITE_URL=live_server.url):
        desk = new_page(locale="en", viewport={"width": 1280, "height": 900})
        _admin_login(desk, live_server.url, organiser)
        desk.goto(f"{live_server.url}/admin/registration/registration/?event__id__exact={event.pk}")
        desk.check(f"input[name=_selected_action][value='{registration.pk}']")
        desk.select_option("select[name=action]", "bulk_approve")
        desk.click("button[name=index]")
        desk.wait_for_selector(".messagelist")
        assert "Approved 1 registration." in desk.inner_text(".messagelist")

    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    approved = [m for m in mail.outbox if m.to == ["moussa@example.org"]]
    assert len(approved) == 1
    link = re.search(r"https?://\S+/registrations/\S+/", approved[0].body).group(0)
    assert link.startswith(live_server.url)

    phone = new_page(locale="fr-FR")
    phone.goto(link)
    text = phone.inner_text("main")
    assert "https://meet.example.org/j/123" in text
    assert "SAHEL-2020" in text
    # The public event page never shows them.
    phone.goto(f"{live_server.url}/events/desk/")
    assert "SAHEL-2020" not in phone.content()
    assert "meet.example.org" not in phone.content()


def test_staff_builds_the_report_and_downloads_it(live_server, new_page, organiser, tmp_path):
    event = EventFactory(slug="report-e2e", title="Leaving No One Behind")
    report = ReportFactory(event=event, title_en="Leaving No One Behind: summary report")
    page = new_page(locale="en", viewport={"width": 1280, "height": 900})
    _admin_login(page, live_server.url, organiser)
    page.goto(f"{live_server.url}/admin/reports/report/{report.pk}/build/")
    page.select_option("select[name=language]", "en")
    allow = page.locator("input[name=allow_fallback]")
    if allow.count():
        allow.check()  # the draft has no executive summary yet
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/reports/builds/\d+/$"))
    build = ReportBuild.objects.get(report=report)
    # Tasks run in-process in tests, so the page shows the finished build on reload.
    page.reload()
    with page.expect_download() as download_info:
        page.click(f"a[href='/reports/builds/{build.pk}/download/']")
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Leaving No One Behind" in text
    assert ReportBuild.objects.get(pk=build.pk).status == ReportBuild.Status.SUCCEEDED


def test_participant_cannot_reach_the_admin_or_report_downloads(live_server, new_page):
    user = UserFactory(email="participant@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    build = ReportBuild.objects.create(event=EventFactory(), language="en")
    page = new_page(locale="en")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "participant@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")  # logged in
    page.goto(f"{live_server.url}/admin/registration/registration/")
    assert page.url.startswith(f"{live_server.url}/admin/login/")
    response = page.goto(f"{live_server.url}/reports/builds/{build.pk}/download/")
    assert response.status == 403
