"""Accounts: login by email, mandatory verification, rate limits, and no address enumeration."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _verified_user(email="official@example.org"):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_login_by_email_in_any_case(client):
    user = _verified_user()
    response = client.post(
        "/accounts/login/", {"login": "Official@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unverified_address_cannot_log_in_until_confirmed(client):
    user = UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_signup_answers_the_same_for_a_taken_address(client):
    _verified_user("taken@example.org")
    data = {"password1": "a long new passphrase 42", "password2": "a long new passphrase 42"}
    taken = client.post("/accounts/signup/", {"email": "taken@example.org", **data})
    fresh = client.post("/accounts/signup/", {"email": "fresh@example.org", **data})
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    # The owner of the taken address is told; the stranger learns nothing.
    assert sorted(m.to[0] for m in mail.outbox) == ["fresh@example.org", "taken@example.org"]


def test_password_reset_answers_the_same_for_an_unknown_address(client):
    _verified_user("known@example.org")
    known = client.post("/accounts/password/reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "unknown@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_failed_logins_are_rate_limited(client):
    _verified_user("target@example.org")
    answers = [
        client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "wrong"}
        ).status_code
        for _ in range(7)
    ]
    assert answers[:5] == [200] * 5
    # After five failures for this address, even the right password is refused for a while.
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_signup_is_rate_limited_per_client(client):
    codes = []
    for n in range(22):
        response = client.post(
            "/accounts/signup/",
            {"email": f"bot{n}@example.org", "password1": "x", "password2": "x"},
        )
        codes.append(response.status_code)
    assert codes[:20] == [200] * 20
    assert codes[20:] == [429, 429]
