import pytest
from django.core import mail

from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Moussa",
    "last_name": "Sample",
    "email": "moussa@example.org",
    "country": "ML",
    "organization": "Ministry of Malians Abroad (fictional)",
    "category": "national_government",
    "language": "fr",
}


def test_form_renders_without_javascript(client):
    EventFactory(slug="open")
    response = client.get("/events/open/register/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("email", "first_name", "last_name", "country", "organization", "category"):
        assert f'name="{name}"' in html
    assert "<script" not in html


def test_valid_sign_up_saves_and_redirects(client, django_capture_on_commit_callbacks):
    event = EventFactory(slug="open")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/events/open/register/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/events/open/register/done/"
    registration = event.registrations.get()
    assert (registration.email, registration.country.code, registration.status) == (
        "moussa@example.org",
        "ML",
        Registration.Status.APPROVED,
    )
    assert [m.to for m in mail.outbox] == [["moussa@example.org"]]
    done = client.get(response["Location"]).content.decode()
    assert "Your registration is confirmed." in done


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address, such as name@example.org."),
        ("email", "", "This field is required."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("category", "ministry", "Select a valid choice."),
        ("first_name", "x" * 151, "Ensure this value has at most 150 characters (it has 151)."),
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


def test_duplicate_email_gets_a_helpful_message(client):
    event = EventFactory(slug="open")
    RegistrationFactory(event=event, email="Moussa@Example.org")
    response = client.post("/events/open/register/", VALID)
    assert response.status_code == 200
    assert "This email address is already registered for this event." in response.content.decode()
    assert event.registrations.count() == 1


def test_hostile_text_is_stored_as_text_and_escaped(client):
    event = EventFactory(slug="open")
    hostile = '<script>alert("x")</script>'
    client.post("/events/open/register/", {**VALID, "first_name": hostile})
    assert event.registrations.get().first_name == hostile
    response = client.post("/events/open/register/", {**VALID, "last_name": "x" * 200})
    assert "<script>alert" not in response.content.decode()


def test_closed_registration_answers_410(client):
    import datetime as dt

    from django.utils import timezone

    EventFactory(slug="closed", registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/events/closed/register/").status_code == 410
    assert client.post("/events/closed/register/", VALID).status_code == 410
    assert Registration.objects.count() == 0
