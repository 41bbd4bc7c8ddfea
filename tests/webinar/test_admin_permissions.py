"""Every admin page of our models, for every kind of user: who gets in, who does not."""

import pytest

from tests.factories import EventFactory, RegistrationFactory, ReportBuildFactory, SessionFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def objects():
    event = EventFactory()
    return {
        "event": event,
        "session": SessionFactory(event=event),
        "registration": RegistrationFactory(event=event),
        "build": ReportBuildFactory(event=event),
    }


def _urls(objects):
    return {
        "admin index": "/admin/",
        "event list": "/admin/webinar/event/",
        "event change": f"/admin/webinar/event/{objects['event'].pk}/change/",
        "series list": "/admin/webinar/series/",
        "organisation list": "/admin/webinar/organisation/",
        "user list": "/admin/webinar/user/",
        "session list": "/admin/agenda/session/",
        "session change": f"/admin/agenda/session/{objects['session'].pk}/change/",
        "registration list": "/admin/registration/registration/",
        "registration change": (
            f"/admin/registration/registration/{objects['registration'].pk}/change/"
        ),
        "report build list": "/admin/reports/reportbuild/",
        "report build add": "/admin/reports/reportbuild/add/",
    }


# 200 = allowed, 403 = a staff member without the permission, "login" = sent to log in.
EXPECTED = {
    "anonymous": dict.fromkeys(
        [
            "admin index",
            "event list",
            "event change",
            "series list",
            "organisation list",
            "user list",
            "session list",
            "session change",
            "registration list",
            "registration change",
            "report build list",
            "report build add",
        ],
        "login",
    ),
    "participant": dict.fromkeys(
        [
            "admin index",
            "event list",
            "event change",
            "series list",
            "organisation list",
            "user list",
            "session list",
            "session change",
            "registration list",
            "registration change",
            "report build list",
            "report build add",
        ],
        "login",
    ),
    "rapporteur": {
        "admin index": 200,
        "event list": 200,
        "event change": 200,
        "series list": 200,
        "organisation list": 200,
        "user list": 403,
        "session list": 200,
        "session change": 200,
        "registration list": 403,
        "registration change": 403,
        "report build list": 200,
        "report build add": 200,
    },
    "organiser": {
        "admin index": 200,
        "event list": 200,
        "event change": 200,
        "series list": 200,
        "organisation list": 200,
        "user list": 403,
        "session list": 200,
        "session change": 200,
        "registration list": 200,
        "registration change": 200,
        "report build list": 200,
        "report build add": 200,
    },
    "superuser": dict.fromkeys(
        [
            "admin index",
            "event list",
            "event change",
            "series list",
            "organisation list",
            "user list",
            "session list",
            "session change",
            "registration list",
            "registration change",
            "report build list",
            "report build add",
        ],
        200,
    ),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_admin_access_matrix(client, request, objects, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    answers = {}
    for name, url in _urls(objects).items():
        response = client.get(url)
        if response.status_code == 302 and response["Location"].startswith(LOGIN):
            answers[name] = "login"
        else:
            answers[name] = response.status_code
    assert answers == EXPECTED[role]
