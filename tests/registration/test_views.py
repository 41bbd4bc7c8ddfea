import datetime as dt
import re

import pytest
from django.core import mail
from django.db import models
from django.utils import timezone

from registration import links
from registration.models import OutgoingMail, Question, Registration
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

VALID = {
    "honorific": "mr",
    "first_name": "Moussa",
    "last_name": "Sample",
    "email": "moussa@example.org",
    "phone": "+223 20 00 00 00",
    "sex": "male",
    "country": "ML",
    "organization": "Ministry of Malians Abroad (fictional)",
    "category": "national_government",
    "position": "Director",
    "language": "fr",
    "interpretation_language": "en",
    "accessibility_needs": "",
    "consent_processing": "on",
}


def test_form_renders_every_field_without_javascript(client):
    event = EventFactory(slug="open")
    QuestionFactory(event=event, label="Which panel interests you?")
    response = client.get("/events/open/register/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in (
        "honorific",
        "first_name",
        "last_name",
        "email",
        "phone",
        "sex",
        "country",
        "organization",
        "category",
        "position",
        "language",
        "interpretation_language",
        "accessibility_needs",
        "consent_processing",
        "consent_listing",
        "website",
    ):
        assert f'name="{name}"' in html, name
    assert "Which panel interests you?" in html
    assert "Privacy notice" in html
    # The form needs no script; the only one adds the reader's own time beside the event's.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/sessions/local-time.js" defer>'
    ]


def test_valid_sign_up_saves_mails_and_redirects(client, django_capture_on_commit_callbacks):
    event = EventFactory(slug="open")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/events/open/register/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/events/open/register/done/"
    registration = event.registrations.get()
    assert (
        registration.email,
        registration.country.code,
        registration.status,
        registration.honorific,
        registration.interpretation_language,
        registration.consent_processing,
        registration.consent_listing,
    ) == ("moussa@example.org", "ML", Registration.Status.APPROVED, "mr", "en", True, False)
    assert [m.to for m in mail.outbox] == [["moussa@example.org"]]
    done = client.get(response["Location"]).content.decode()
    assert "We have sent a message to moussa@example.org." in done


def test_sign_up_with_required_questions(client):
    event = EventFactory(slug="open")
    choice = QuestionFactory(
        event=event, kind=Question.Kind.CHOICE, choices="Yes, in person\nOnline", required=True
    )
    yes_no = QuestionFactory(event=event, kind=Question.Kind.YES_NO, required=True)
    response = client.post("/events/open/register/", VALID)
    assert response.status_code == 200
    # Each error twice: in the summary at the top and beside its field.
    assert response.content.decode().count("This field is required.") == 4
    assert Registration.objects.count() == 0
    response = client.post(
        "/events/open/register/",
        {**VALID, f"q_{choice.pk}": "Online", f"q_{yes_no.pk}": "no"},
    )
    assert response.status_code == 302
    answers = {a.question_id: a.value for a in event.registrations.get().answers.all()}
    assert answers == {choice.pk: "Online", yes_no.pk: "no"}


def test_invalid_choice_answer_is_refused(client):
    event = EventFactory(slug="open")
    question = QuestionFactory(event=event, kind=Question.Kind.CHOICE, choices="A\nB")
    response = client.post("/events/open/register/", {**VALID, f"q_{question.pk}": "C"})
    assert "Select a valid choice. C is not one of the available choices." in (
        response.content.decode()
    )
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address, such as name@example.org."),
        ("email", "", "This field is required."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("category", "ministry", "Select a valid choice."),
        ("first_name", "x" * 151, "Ensure this value has at most 150 characters (it has 151)."),
        ("phone", "1" * 41, "Ensure this value has at most 40 characters (it has 41)."),
        (
            "accessibility_needs",
            "x" * 1001,
            "Ensure this value has at most 1000 characters (it has 1001).",
        ),
        ("sex", "other", "Select a valid choice. other is not one of the available choices."),
        (
            "consent_processing",
            "",
            "Registration needs your consent to the processing of your data.",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, field, value, message):
    EventFactory(slug="open")
    response = client.post("/events/open/register/", {**VALID, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    assert Registration.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_duplicate_email_answers_like_a_new_registration_and_mails_the_owner(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(slug="open")
    owner = RegistrationFactory(event=event, email="Moussa@Example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/events/open/register/", {**VALID, "first_name": "Stranger"})
    assert response.status_code == 302
    assert response["Location"] == "/events/open/register/done/"
    assert event.registrations.count() == 1
    assert [m.to for m in mail.outbox] == [["Moussa@Example.org"]]
    assert owner.first_name in mail.outbox[0].body
    assert "Stranger" not in mail.outbox[0].body


def test_honeypot_saves_nothing_but_looks_like_success(client):
    EventFactory(slug="open")
    response = client.post("/events/open/register/", {**VALID, "website": "http://spam"})
    assert response.status_code == 302
    assert Registration.objects.count() == 0


def test_rate_limit_per_client_address(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    EventFactory(slug="open")
    codes = [
        client.post("/events/open/register/", {**VALID, "email": f"p{i}@example.org"}).status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert Registration.objects.count() == 3
    other = client.post(
        "/events/open/register/", {**VALID, "email": "x@example.org"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_hostile_text_is_stored_as_text_and_escaped(client):
    event = EventFactory(slug="open")
    hostile = '<script>alert("x")</script>'
    client.post("/events/open/register/", {**VALID, "first_name": hostile})
    registration = event.registrations.get()
    assert registration.first_name == hostile
    response = client.post("/events/open/register/", {**VALID, "last_name": "x" * 200})
    assert "<script>alert" not in response.content.decode()
    page = client.get(links.manage_path(registration=registration)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_closed_registration_answers_410(client):
    EventFactory(slug="closed", registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/events/closed/register/").status_code == 410
    assert client.post("/events/closed/register/", VALID).status_code == 410
    assert Registration.objects.count() == 0


# --- self-service ---


def _link_in(body: str) -> str:
    return re.search(r"http://testserver(/registrations/[^\s]+/)", body).group(1)


def test_link_in_every_mail_opens_the_self_service_page(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    event = EventFactory(slug="open", join_url="https://zoom.example/j/123", join_passcode="4242")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/events/open/register/", VALID)
    body = mail.outbox[0].body
    assert "https://zoom.example/j/123" in body
    assert "4242" in body
    page = client.get(_link_in(body))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert "https://zoom.example/j/123" in html
    # In the registrant's language (French), worded as the mail's subject words it.
    assert "Inscription confirmée" in html
    assert mail.outbox[0].subject.startswith("Inscription confirmée")
    assert event.registrations.get().email in html


def test_join_link_never_on_public_pages_nor_for_waitlisted(client):
    event = EventFactory(slug="open", join_url="https://zoom.example/j/123", join_passcode="4242")
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    for url in ("/", "/events/open/", "/events/open/register/"):
        html = client.get(url).content.decode()
        assert "zoom.example" not in html, url
        assert "4242" not in html, url
    html = client.get(links.manage_path(registration=waiting)).content.decode()
    assert "zoom.example" not in html


def test_tampered_link_is_refused(client):
    registration = RegistrationFactory()
    path = links.manage_path(registration=registration)
    assert client.get(path[:-3] + "xx/").status_code == 404
    other = RegistrationFactory()
    token = links.registration_token(registration=registration)
    assert client.get(f"/registrations/{token}/").status_code == 200
    assert client.get(f"/registrations/{token}x/").status_code == 404
    assert other.pk != registration.pk


def test_expired_link_answers_410(client, settings):
    registration = RegistrationFactory()
    path = links.manage_path(registration=registration)
    settings.REGISTRATION_LINK_MAX_AGE_DAYS = -1
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_self_service_corrects_details_but_not_email(client):
    event = EventFactory()
    question = QuestionFactory(event=event, kind=Question.Kind.MULTIPLE, choices="A\nB\nC")
    registration = RegistrationFactory(event=event, first_name="Amina")
    path = links.manage_path(registration=registration)
    fields = {**VALID, "first_name": "Aminata", "email": "evil@example.org"}
    fields[f"q_{question.pk}"] = ["A", "C"]
    response = client.post(path + "edit/", fields)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.first_name, registration.email) == (
        "Aminata",
        registration.email,
    )
    assert registration.email != "evil@example.org"
    assert registration.answers.get().value == "A\nC"


def test_self_service_edit_rejects_bad_input(client):
    registration = RegistrationFactory(first_name="Amina")
    path = links.manage_path(registration=registration)
    response = client.post(path + "edit/", {**VALID, "country": "XX"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.first_name == "Amina"


def test_self_service_cancel_frees_the_seat(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    path = links.manage_path(registration=seated)
    assert client.get(path + "cancel/").status_code == 200
    seated.refresh_from_db()
    assert seated.status == Registration.Status.APPROVED  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path + "cancel/")
    assert response.status_code == 302
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (
        Registration.Status.CANCELLED,
        Registration.Status.APPROVED,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([seated.email, waiting.email])


def test_self_service_calendar_download(client):
    event = EventFactory(title="Sahel webinar", join_url="https://zoom.example/j/1")
    approved = RegistrationFactory(event=event)
    response = client.get(links.manage_path(registration=approved) + "calendar.ics")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Sahel webinar" in body
    assert "zoom.example" in body
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    body = client.get(links.manage_path(registration=waiting) + "calendar.ics").content.decode()
    assert "zoom.example" not in body


def test_self_service_calendar_escapes_the_title_and_drops_control_characters(client):
    import icalendar

    event = EventFactory(title="Sahel,\x01 Sahara;\nwebinar\x1b")
    registration = RegistrationFactory(event=event)
    response = client.get(links.manage_path(registration=registration) + "calendar.ics")
    assert response.status_code == 200
    assert b"SUMMARY:Sahel\\, Sahara\\;\\nwebinar\r\n" in response.content
    (entry,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Sahel, Sahara;\nwebinar"


def test_self_service_erase(client):
    registration = RegistrationFactory(first_name="Amina")
    path = links.manage_path(registration=registration)
    response = client.post(path + "erase/")
    assert response.status_code == 200
    registration.refresh_from_db()
    assert (registration.first_name, registration.status) == ("", Registration.Status.CANCELLED)
    assert client.get(path).status_code == 404  # the link no longer opens anything


def test_my_registrations_lists_only_mine(client, participant):
    mine = RegistrationFactory(email=participant.email.upper())
    RegistrationFactory()
    assert client.get("/registrations/").status_code == 302
    client.force_login(participant)
    html = client.get("/registrations/").content.decode()
    assert html.count('class="card"') == 1
    assert mine.event.title in html
    assert links.manage_path(registration=mine) in html


def test_full_event_says_so_before_the_form(client):
    event = EventFactory(slug="open", capacity=1)
    RegistrationFactory(event=event)
    html = client.get("/events/open/register/").content.decode()
    assert "The event is full: if you register now, you will join the waiting list" in html
    assert 'name="email"' in html
    event.has_waitlist = False
    event.save()
    html = client.get("/events/open/register/").content.decode()
    assert "Sorry, this event is full and has no waiting list." in html
    assert 'name="email"' not in html


def test_waitlisted_registrant_sees_their_place(client):
    event = EventFactory(capacity=0)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    second = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    html = client.get(links.manage_path(registration=second)).content.decode()
    assert "You are number 2 on the waiting list." in html


def test_logged_in_participant_finds_the_form_prefilled(client, participant):
    EventFactory(slug="open")
    client.force_login(participant)
    form = client.get("/events/open/register/").context["form"]
    assert form.initial["email"] == participant.email


def test_sign_up_by_a_logged_in_participant_is_linked_to_the_account(client, participant):
    event = EventFactory(slug="open")
    client.force_login(participant)
    client.post("/events/open/register/", {**VALID, "email": participant.email})
    assert event.registrations.get().user == participant


def test_rate_limit_behind_a_trusted_proxy_counts_each_client(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    EventFactory(slug="open")

    def post(client_address, email):
        return client.post(
            "/events/open/register/",
            {**VALID, "email": email},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"198.51.100.7, {client_address}",
        ).status_code

    codes = [
        post("203.0.113.1", "a@example.org"),
        post("203.0.113.2", "b@example.org"),
        post("203.0.113.1", "c@example.org"),
    ]
    assert codes == [302, 302, 429]


def test_details_cannot_be_changed_after_the_event(client):
    now = timezone.now()
    event = EventFactory(starts_at=now - dt.timedelta(days=2))
    registration = RegistrationFactory(event=event, first_name="Amina")
    path = links.manage_path(registration=registration)
    response = client.post(path + "edit/", {**VALID, "first_name": "Changed"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.first_name == "Amina"


SELF_SERVICE = ["", "edit/", "cancel/", "erase/", "calendar.ics"]


@pytest.mark.parametrize(
    "who", ["anonymous", "participant", "rapporteur", "organiser", "superuser"]
)
def test_self_service_pages_open_with_the_link_only(client, request, who):
    """The personal link is the key: who is logged in neither adds nor removes access."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    registration = RegistrationFactory()
    good = links.manage_path(registration=registration)
    other = RegistrationFactory()
    forged = f"/registrations/{other.pk}/"
    answers = {suffix: client.get(good + suffix).status_code for suffix in SELF_SERVICE}
    assert answers == dict.fromkeys(SELF_SERVICE, 200)
    answers = {suffix: client.get(forged + suffix).status_code for suffix in SELF_SERVICE}
    assert answers == dict.fromkeys(SELF_SERVICE, 404)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED  # GETs change nothing


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 200),
        ("rapporteur", 200),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_my_registrations_needs_a_login(client, request, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    RegistrationFactory()  # someone else's
    response = client.get("/registrations/")
    assert response.status_code == expected
    if expected == 200:
        assert response.content.decode().count('class="card"') == 0


def test_header_links_account_holders_to_their_registrations(client, participant):
    EventFactory(slug="open")
    assert "/registrations/" not in client.get("/").content.decode()
    client.force_login(participant)
    assert 'href="/registrations/">My registrations</a>' in client.get("/").content.decode()


def test_organiser_revokes_a_personal_link(client, organiser):
    from registration.links import registration_token

    registration = RegistrationFactory()
    old = registration_token(registration=registration)
    assert client.get(f"/registrations/{old}/").status_code == 200
    client.force_login(organiser)
    response = client.post(
        "/admin/registration/registration/",
        {"action": "revoke_links", "_selected_action": [registration.pk]},
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(f"/registrations/{old}/").status_code == 404
    registration.refresh_from_db()
    fresh = registration_token(registration=registration)
    assert client.get(f"/registrations/{fresh}/").status_code == 200


def _address(length: int) -> str:
    """A well-formed address of ``length`` characters: a 64-letter name at labels of at most
    63 letters, ending in ".org"."""
    room = length - len("a" * 64 + "@" + ".org")  # for the labels and the dots between them
    labels: list[str] = []
    while room > 0:
        size = min(63, room)
        labels.append("b" * size)
        room -= size + 1
    address = "a" * 64 + "@" + ".".join(labels) + ".org"
    assert len(address) == length
    return address


def _at_and_past_the_limits():
    """(a change to a valid sign-up, whether the form takes it): each participant field at its
    model's length limit and one past it, each choice field with a value it lacks, each
    required field empty."""
    from registration.forms import RegistrationForm

    for name in RegistrationForm.Meta.fields:
        field = Registration._meta.get_field(name)
        if name == "email":
            yield {name: _address(field.max_length)}, True
            yield {name: _address(field.max_length + 1)}, False
        elif field.max_length and not field.choices:
            yield {name: "é" * field.max_length}, True
            yield {name: "é" * (field.max_length + 1)}, False
        if field.choices:
            yield {name: "not-a-choice"}, False
        if isinstance(field, models.BooleanField):
            yield {name: ""}, True  # a box left unticked
        elif not field.blank:
            yield {name: ""}, False
    yield {"email": "no-at-sign.example.org"}, False
    yield {}, True


def _short(change: dict) -> str:
    return ",".join(f"{k}:{len(v)}" for k, v in change.items()) or "valid"


@pytest.mark.parametrize(
    ("change", "accepted"),
    list(_at_and_past_the_limits()),
    ids=[_short(change) for change, _accepted in _at_and_past_the_limits()],
)
def test_what_the_form_accepts_passes_every_check_of_the_model(change, accepted):
    """The sign-up form skips Django's model validation (the service builds the row from the
    cleaned data): what it takes must pass that validation all the same, and what the model
    would refuse it refuses itself."""
    from django import forms

    from registration.forms import RegistrationForm

    form = RegistrationForm({**VALID, **change})
    assert form.is_valid() is accepted, (change, form.errors)
    if accepted:
        forms.ModelForm._post_clean(form)  # what Django would have checked on top
        assert form.errors == {}, change
