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


def test_password_reset_for_an_unknown_address_sends_no_mail_and_looks_the_same():
    import re

    from django.test import Client

    _verified_user("known@example.org")
    pages = {}
    for address in ("known@example.org", "stranger@example.org"):
        response = Client().post("/accounts/password/reset/", {"email": address}, follow=True)
        # Each client gets its own CSRF token; everything else must be byte for byte the same.
        page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        pages[address] = (response.redirect_chain, response.status_code, page)
    # Only the account holder gets a mail; the stranger's address receives nothing at all.
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert pages["stranger@example.org"] == pages["known@example.org"]


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


def _staff_user(email="desk@example.org"):
    user = _verified_user(email)
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return user


def test_admin_login_page_sends_visitors_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/registration/registration/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fregistration%2Fregistration%2F"


def test_admin_login_form_does_not_log_in_even_with_the_right_password(client):
    _staff_user()
    # The admin's own form once accepted any number of guesses; it now logs nobody in.
    for password in ["wrong"] * 6 + [PASSWORD]:
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "desk@example.org", "password": password}
        )
        assert (response.status_code, response["Location"]) == (
            302,
            "/accounts/login/?next=%2Fadmin%2F",
        )
    assert "_auth_user_id" not in client.session


def test_staff_reach_the_admin_through_the_site_login(client):
    user = _staff_user()
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("first_door", ["/accounts/login/", "/admin/login/"])
def test_failed_logins_lock_both_doors_to_the_admin(client, first_door):
    """Five failures for an address (ACCOUNT_RATE_LIMITS login_failed "5/5m/key") block the
    right password for the rest of the window, whether the guesses came through the site's
    login or the admin's (which forwards to it), and whichever door is tried next."""
    _staff_user("target@example.org")
    wrong = {"login": "target@example.org", "password": "wrong"}
    if first_door == "/admin/login/":
        # The admin door forwards to the site login; a guesser follows it there.
        location = client.get("/admin/login/?next=/admin/")["Location"]
        guesses = [client.post(location, wrong).status_code for _ in range(5)]
    else:
        guesses = [client.post("/accounts/login/", wrong).status_code for _ in range(5)]
    assert guesses == [200] * 5
    right = {"login": "target@example.org", "password": PASSWORD}
    for door in ("/accounts/login/", "/accounts/login/?next=/admin/"):
        response = client.post(door, right)
        assert response.status_code == 200
        assert "Too many failed login attempts" in response.content.decode()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "target@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
