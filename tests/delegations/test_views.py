"""The focal point's page and the nominee's own page, through HTTP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from delegations import services
from delegations.links import delegation_path, delegation_token
from registration.links import manage_path
from registration.models import Registration
from tests.factories import DelegationFactory, EventFactory, QuestionFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

Status = Registration.Status


def person(n: int, **extra) -> dict:
    return {
        "first_name": "Aïcha",
        "last_name": f"Official {n}",
        "email": f"official{n}@example.org",
        "position": "Director of planning",
        "organization": "Ministry of Planning",
        "language": "fr",
        **extra,
    }


def test_focal_point_nominates_until_the_quota_and_reads_a_clear_refusal(client):
    delegation = DelegationFactory(quota=3)
    url = delegation_path(delegation=delegation)
    for n in range(3):
        response = client.post(url, person(n))
        assert response.status_code == 302
        assert response["Location"] == url
    response = client.post(url, person(4))
    assert response.status_code == 409
    assert "Your delegation&#x27;s 3 seats are all nominated." in response.content.decode()
    assert delegation.nominees.count() == 3
    page = client.get(url).content.decode()
    assert '<dd id="seats-used">3</dd>' in page
    assert '<dd id="seats-left">0</dd>' in page
    assert page.count("official") == 3


def test_bad_input_is_refused_with_messages_and_nothing_saved(client):
    delegation = DelegationFactory()
    response = client.post(
        delegation_path(delegation=delegation), person(1, email="not-an-address", first_name="")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter a valid email address, such as name@example.org." in text
    assert "This field is required." in text
    assert Registration.objects.count() == 0


def test_the_page_shows_the_deadline_in_the_events_time_zone(client):
    event = EventFactory(time_zone="Africa/Cairo")
    deadline = dt.datetime(2030, 8, 5, 15, 0, tzinfo=dt.UTC)
    delegation = DelegationFactory(event=event, nomination_deadline=deadline)
    event.starts_at = deadline + dt.timedelta(days=7)
    event.ends_at = event.starts_at + dt.timedelta(hours=3)
    event.save()
    page = client.get(delegation_path(delegation=delegation)).content.decode()
    assert "5 August 2030, 18:00 (Egypt Time)" in page


def test_unknown_forged_and_revoked_links_answer_404(client):
    delegation = DelegationFactory()
    token = delegation_token(delegation=delegation)
    assert client.get(f"/delegations/{token}/").status_code == 200
    assert client.get("/delegations/not-a-token/").status_code == 404
    assert client.get(f"/delegations/{token[:-2]}xx/").status_code == 404
    services.delegations_revoke(delegation_ids=[delegation.pk])
    assert client.get(f"/delegations/{token}/").status_code == 404
    assert client.post(f"/delegations/{token}/", person(1)).status_code == 404
    assert Registration.objects.count() == 0


def test_a_registration_links_token_opens_no_delegation(client):
    delegation = DelegationFactory()
    nominee = services.delegation_nominate(
        delegation=delegation, email="x@example.org", first_name="X", last_name="Y"
    )
    registration_token = manage_path(registration=nominee).split("/")[2]
    assert client.get(f"/delegations/{registration_token}/").status_code == 404


def test_a_focal_points_link_opens_nothing_of_another_delegation(client):
    mine = DelegationFactory(country="NE")
    theirs = DelegationFactory(event=mine.event, country="ML")
    their_nominee = services.delegation_nominate(
        delegation=theirs, email="theirs@example.org", first_name="Their", last_name="Nominee"
    )
    token = delegation_token(delegation=mine)
    replace = f"/delegations/{token}/replace/{their_nominee.pk}/"
    assert client.get(replace).status_code == 404
    assert client.post(replace, person(1)).status_code == 404
    their_nominee.refresh_from_db()
    assert their_nominee.status == Status.APPROVED
    page = client.get(f"/delegations/{token}/").content.decode()
    assert "theirs@example.org" not in page
    assert "Mali" not in page


def test_replace_through_the_page(client):
    delegation = DelegationFactory(quota=1)
    old = services.delegation_nominate(
        delegation=delegation, email="old@example.org", first_name="Old", last_name="One"
    )
    token = delegation_token(delegation=delegation)
    form = client.get(f"/delegations/{token}/replace/{old.pk}/")
    assert form.status_code == 200
    assert "Old One" in form.content.decode()
    response = client.post(f"/delegations/{token}/replace/{old.pk}/", person(2))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
    assert list(
        delegation.nominees.filter(status=Status.APPROVED).values_list("email", flat=True)
    ) == ["official2@example.org"]


def test_after_the_deadline_the_page_shows_the_list_without_a_form(client):
    delegation = DelegationFactory()
    services.delegation_nominate(
        delegation=delegation, email="kept@example.org", first_name="Kept", last_name="On"
    )
    delegation.nomination_deadline = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    delegation.save()
    url = delegation_path(delegation=delegation)
    page = client.get(url).content.decode()
    assert "kept@example.org" in page
    assert "The nomination deadline has passed" in page
    assert 'name="email"' not in page
    response = client.post(url, person(1))
    assert response.status_code == 409
    assert delegation.nominees.count() == 1


def test_the_focal_point_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    delegation = DelegationFactory(quota=5)
    url = delegation_path(delegation=delegation)
    services.delegation_nominate(
        delegation=delegation, email="a@example.org", first_name="A", last_name="A"
    )
    with django_assert_num_queries(2) as one:
        client.get(url)
    for n in range(3):
        services.delegation_nominate(
            delegation=delegation, email=f"b{n}@example.org", first_name="B", last_name="B"
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_invitation_only_event_closes_the_public_form_and_says_so(client):
    event = EventFactory(admission=Event.Admission.INVITATION_ONLY)
    response = client.get(reverse("registration:register", kwargs={"slug": event.slug}))
    text = response.content.decode()
    assert "is by invitation only" in text
    assert 'name="email"' not in text
    response = client.post(
        reverse("registration:register", kwargs={"slug": event.slug}),
        {"email": "x@example.org"},
    )
    assert "is by invitation only" in response.content.decode()
    assert event.registrations.count() == 0


def test_a_nominee_completes_country_category_answers_and_consent(
    client, django_capture_on_commit_callbacks
):
    delegation = DelegationFactory(country="", organisation="ECOWAS Commission")
    question = QuestionFactory(event=delegation.event, label="Your main topic?", required=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(delegation_path(delegation=delegation), person(1, language="fr"))
    (message,) = mail.outbox
    assert message.to == ["official1@example.org"]
    assert message.subject.startswith("Vous êtes désigné(e) pour")
    link = re.search(r"https?://\S+/registrations/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    edit = path + "edit/"
    refused = client.post(edit, {"first_name": "Aïcha", "last_name": "Official 1"})
    assert refused.status_code == 200
    registration = Registration.objects.get()
    assert (registration.country, registration.category) == ("", "")
    response = client.post(
        edit,
        {
            "first_name": "Aïcha",
            "last_name": "Official 1",
            "sex": "female",
            "country": "NG",
            "organization": "ECOWAS Commission",
            "category": "rec",
            "language": "fr",
            f"q_{question.pk}": "Labour mobility",
            "consent_processing": "on",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.country, registration.category) == ("NG", "rec")
    assert registration.consent_processing is True
    assert registration.answers.get().value == "Labour mobility"
    assert registration.delegation == delegation


def test_the_page_is_private_and_keeps_its_token_from_other_sites(client):
    response = client.get(delegation_path(delegation=DelegationFactory()))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
