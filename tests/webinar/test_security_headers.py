import pytest

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in directives}


@pytest.mark.parametrize("url", ["/", "/events/sec/", "/events/sec/register/", "/accounts/login/"])
def test_pages_send_a_policy_without_inline_scripts(client, url):
    EventFactory(slug="sec")
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_public_pages_carry_no_inline_script(client):
    EventFactory(slug="sec")
    for url in ("/", "/events/sec/", "/events/sec/register/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert " onclick=" not in html
