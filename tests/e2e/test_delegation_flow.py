"""Delegations in a real browser: the organiser invites two delegations in the admin, a focal
point nominates within the quota and replaces one nominee, each nominee completes their
registration from their own mail, and the admin's counts match."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings

from delegations.models import Delegation
from registration.models import Registration
from tests.factories import EventFactory, QuestionFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def _admin_login(page, base_url: str, user) -> None:
    from allauth.account.models import EmailAddress

    # The admin's login is the site's login, which wants a verified address.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def _invite(page, base_url, event, *, country, name, email, language, quota):
    page.goto(f"{base_url}/admin/delegations/delegation/add/")
    page.select_option("#id_event", str(event.pk))
    page.select_option("#id_country", country)
    page.fill("#id_focal_point_name", name)
    page.fill("#id_focal_point_email", email)
    page.select_option("#id_focal_point_language", language)
    page.fill("#id_quota", str(quota))
    page.fill("#id_nomination_deadline_0", event.starts_at.strftime("%Y-%m-%d"))
    page.fill("#id_nomination_deadline_1", "08:00:00")
    page.click("input[name=_save]")
    page.wait_for_url(f"{base_url}/admin/delegations/delegation/")


def _link(to: str, pattern: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [to]]
    return re.search(pattern, message.body).group(0)


def _nominate(page, *, first_name, last_name, email):
    page.fill("#id_first_name", first_name)
    page.fill("#id_last_name", last_name)
    page.fill("#id_email", email)
    page.fill("#id_position", "Director")
    page.fill("#id_organization", "Ministry of Planning (fictional)")
    page.click("main form button[type=submit]")


def test_delegations_invite_nominate_replace_and_complete(live_server, new_page, organiser):
    event = EventFactory(
        slug="delegations-e2e",
        title="Sahel workshop",
        admission=Event.Admission.MIXED,
        capacity=30,
        join_url="https://meet.example.org/j/77",
    )
    question = QuestionFactory(event=event, label="Which programme do you lead?", required=True)
    base = live_server.url
    with override_settings(SITE_URL=base):
        desk = new_page(locale="en", viewport={"width": 1280, "height": 900})
        _admin_login(desk, base, organiser)
        _invite(
            desk,
            base,
            event,
            country="NE",
            name="Ibrahim",
            email="focal.ne@example.org",
            language="en",
            quota=2,
        )
        _invite(
            desk,
            base,
            event,
            country="ML",
            name="Aminata",
            email="focal.ml@example.org",
            language="fr",
            quota=3,
        )
        assert Delegation.objects.filter(event=event).count() == 2
        niger = Delegation.objects.get(country="NE")

        # The focal point of Niger opens their page from their mail.
        link = _link("focal.ne@example.org", r"https?://\S+/delegations/\S+/")
        assert link.startswith(base)
        focal = new_page(locale="en")
        focal.goto(link)
        assert focal.inner_text("#seats-left") == "2"
        _nominate(focal, first_name="Moussa", last_name="One", email="moussa@example.org")
        _nominate(focal, first_name="Hadiza", last_name="Two", email="hadiza@example.org")
        assert focal.inner_text("#seats-left") == "0"
        _nominate(focal, first_name="Third", last_name="Refused", email="third@example.org")
        summary = focal.inner_text(".error-summary")
        assert "Your delegation's 2 seats are all nominated." in summary
        assert not Registration.objects.filter(email="third@example.org").exists()

        # Replace Moussa by Salif.
        focal.click("text=Replace Moussa One")
        _nominate(focal, first_name="Salif", last_name="Three", email="salif@example.org")
        focal.wait_for_url(link)
        assert "Cancelled" in focal.inner_text("ul.nominees")
        assert focal.inner_text("#seats-used") == "2"

        # Each current nominee completes their registration from their own mail.
        for email in ("hadiza@example.org", "salif@example.org"):
            own = _link(email, r"https?://\S+/registrations/\S+/")
            person = new_page(locale="en")
            person.goto(own + "edit/")
            person.check("#id_sex_0")
            person.fill(f"#id_q_{question.pk}", "Diaspora engagement")
            person.check("#id_consent_processing")
            person.click("main form button[type=submit]")
            person.wait_for_url(own)
            assert "Your details have been saved." in person.inner_text("main")
            registration = Registration.objects.get(email=email)
            assert registration.status == Registration.Status.APPROVED
            assert registration.consent_processing is True
            assert registration.answers.get().value == "Diaspora engagement"
            assert registration.delegation == niger
        moussa = Registration.objects.get(email="moussa@example.org")
        assert moussa.status == Registration.Status.CANCELLED

        # Mali's focal point reads their page in Arabic, right to left, nobody nominated yet.
        mali = new_page(locale="ar")
        mali.goto(_link("focal.ml@example.org", r"https?://\S+/delegations/\S+/"))
        assert mali.locator("html").get_attribute("dir") == "rtl"
        assert mali.inner_text("h1") == "وفد مالي"
        assert mali.inner_text("#seats-left") == "3"

        # The organiser's list: the counts match, and Mali has no one registered yet.
        desk.goto(f"{base}/admin/delegations/delegation/?event__id__exact={event.pk}")

        def counts(name):
            row = desk.locator("#result_list tr", has=desk.locator(f"th:has-text('{name}')"))
            columns = ("quota", "nominated", "confirmed", "attended")
            return [row.locator(f"td.field-{column}").inner_text() for column in columns]

        rows = {name: counts(name) for name in ("Niger", "Mali")}
        assert rows == {"Niger": ["2", "2", "2", "0"], "Mali": ["3", "0", "0", "0"]}
        assert "Mali" in desk.inner_text("#without-registrations")
        assert "Niger" not in desk.inner_text("#without-registrations")
