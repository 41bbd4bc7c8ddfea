"""Who may open what: every URL of the project, for every kind of user, each answer checked.

The expected answers are written out by hand from the roles' intent (public pages for all;
personal links for whoever holds them; report builds for rapporteurs and organisers; the admin
per model for the staff roles), not derived from the code under test. A URL added to the
project without a line here fails ``test_every_url_is_in_the_matrix``.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver

from delegations import services as delegation_services
from delegations.links import delegation_token
from registration.links import registration_token
from reports import services as report_services
from reports.models import ReportBuild
from tests.factories import (
    DelegationFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    ReportFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "participant", "rapporteur", "organiser", "superuser")
LOGIN = "login"  # redirected to a login page
HOME = "home"  # redirected away from a page meant for visitors who are not logged in


def every(code):
    return dict.fromkeys(ROLES, code)


def per_role(anonymous, participant, rapporteur, organiser, superuser):
    return dict(zip(ROLES, (anonymous, participant, rapporteur, organiser, superuser), strict=True))


STAFF_ONLY_VIEW = per_role(LOGIN, LOGIN, 200, 200, 200)
ORGANISER_ONLY = per_role(LOGIN, LOGIN, 403, 200, 200)
SUPERUSER_ONLY = per_role(LOGIN, LOGIN, 403, 403, 200)
REPORT_STAFF = per_role(LOGIN, 403, 200, 200, 200)


@pytest.fixture
def world(settings):
    event = EventFactory(slug="open", join_url="https://meet.example.org/j/1")
    EventFactory(slug="draft", is_published=False)
    session = SessionFactory(event=event)
    registration = RegistrationFactory(event=event, email="holder@example.org")
    question = QuestionFactory(event=event)
    report = ReportFactory(event=event)
    build = ReportBuild.objects.create(
        event=event, report=report, language="en", status=ReportBuild.Status.SUCCEEDED
    )
    build.file = default_storage.save(f"reports/open/matrix-{build.pk}.pdf", ContentFile(b"%PDF"))
    build.save()
    report_services.report_build_publish(build=build)
    build.refresh_from_db()
    revoked = ReportBuild.objects.create(
        event=event, report=report, language="fr", status=ReportBuild.Status.SUCCEEDED
    )
    report_services.report_build_publish(build=revoked)
    revoked.refresh_from_db()
    revoked_token = revoked.share_token
    report_services.report_build_revoke(build=revoked)
    photo = default_storage.save("agenda/people/matrix.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    token = registration_token(registration=registration)
    delegation = DelegationFactory(event=event, country="NE")
    nominee = delegation_services.delegation_nominate(
        delegation=delegation, email="nominee@example.org", first_name="N", last_name="Ominee"
    )
    other = DelegationFactory(event=event, country="ML")
    other_nominee = delegation_services.delegation_nominate(
        delegation=other, email="other@example.org", first_name="O", last_name="Ther"
    )
    revoked_delegation = DelegationFactory(event=event, country="TD")
    revoked_delegation_token = delegation_token(delegation=revoked_delegation)
    delegation_services.delegations_revoke(delegation_ids=[revoked_delegation.pk])
    return {
        "delegation": delegation, "delegation_token": delegation_token(delegation=delegation),
        "nominee": nominee, "other_nominee": other_nominee,
        "revoked_delegation_token": revoked_delegation_token,
        "photo": photo,
        "event": event, "session": session, "registration": registration, "token": token,
        "question": question, "report": report, "build": build,
        "share": build.share_token, "revoked_share": revoked_token,
    }  # fmt: skip


def matrix(w) -> dict[str, tuple[str, dict]]:
    """{label: (url, expected answer per role)}."""
    t, e, s = w["token"], w["event"].slug, w["session"].pk
    b, r = w["build"].pk, w["registration"].pk
    return {
        # Public pages and exports.
        "home": ("/", every(200)),
        "event": (f"/events/{e}/", every(200)),
        "unpublished event": ("/events/draft/", every(404)),
        "register": (f"/events/{e}/register/", every(200)),
        "register unpublished": ("/events/draft/register/", every(404)),
        "register done": (f"/events/{e}/register/done/", every(200)),
        "agenda ics": (f"/events/{e}/agenda.ics", every(200)),
        "agenda json": (f"/events/{e}/agenda.json", every(200)),
        "agenda schema": ("/agenda/schema/v1.json", every(200)),
        "speakers": (f"/events/{e}/speakers/", every(200)),
        "session": (f"/events/{e}/sessions/{s}/", every(200)),
        "session ics": (f"/events/{e}/sessions/{s}.ics", every(200)),
        "session of unpublished event": (f"/events/draft/sessions/{s}/", every(404)),
        "health": ("/health/", every(200)),
        "speaker photo": (f"/media/{w['photo']}", every(200)),
        "report PDF under /media/ (never public)": (f"/media/{w['build'].file.name}", every(404)),
        "set language (a GET changes nothing)": ("/i18n/setlang/", every(HOME)),
        "login": ("/accounts/login/", per_role(200, HOME, HOME, HOME, HOME)),
        "signup": ("/accounts/signup/", per_role(200, HOME, HOME, HOME, HOME)),
        "password reset": ("/accounts/password/reset/", every(200)),
        "email settings": ("/accounts/email/", per_role(LOGIN, 200, 200, 200, 200)),
        "password change": ("/accounts/password/change/", per_role(LOGIN, 200, 200, 200, 200)),
        # Self-service: the personal link is the key; an account shows one's own list.
        "my registrations": ("/registrations/", per_role(LOGIN, 200, 200, 200, 200)),
        "manage": (f"/registrations/{t}/", every(200)),
        "manage, forged link": ("/registrations/1:forged/", every(404)),
        "edit": (f"/registrations/{t}/edit/", every(200)),
        "cancel": (f"/registrations/{t}/cancel/", every(200)),
        "erase": (f"/registrations/{t}/erase/", every(200)),
        "calendar": (f"/registrations/{t}/calendar.ics", every(200)),
        # A focal point's page: the link is the key, and it opens only its own delegation.
        "delegation page": (f"/delegations/{w['delegation_token']}/", every(200)),
        "delegation page, forged link": ("/delegations/1:forged/", every(404)),
        "delegation page, revoked": (f"/delegations/{w['revoked_delegation_token']}/", every(404)),
        "delegation replace": (
            f"/delegations/{w['delegation_token']}/replace/{w['nominee'].pk}/",
            every(200),
        ),
        "delegation replace, another delegation's nominee": (
            f"/delegations/{w['delegation_token']}/replace/{w['other_nominee'].pk}/",
            every(404),
        ),
        # Report builds: staff with the permission; share links for whoever holds them.
        "build status": (f"/reports/builds/{b}/", REPORT_STAFF),
        "build status json": (f"/reports/builds/{b}/?format=json", REPORT_STAFF),
        "build download": (f"/reports/builds/{b}/download/", REPORT_STAFF),
        "shared report": (f"/reports/shared/{w['share']}/", every(200)),
        "revoked share link": (f"/reports/shared/{w['revoked_share']}/", every(404)),
        "unknown share link": ("/reports/shared/not-a-token/", every(404)),
        # The admin.
        "admin index": ("/admin/", STAFF_ONLY_VIEW),
        "events": ("/admin/webinar/event/", STAFF_ONLY_VIEW),
        "event change": (f"/admin/webinar/event/{w['event'].pk}/change/", STAFF_ONLY_VIEW),
        "event add": ("/admin/webinar/event/add/", ORGANISER_ONLY),
        "event delete": (f"/admin/webinar/event/{w['event'].pk}/delete/", ORGANISER_ONLY),
        "series": ("/admin/webinar/series/", STAFF_ONLY_VIEW),
        "organisations": ("/admin/webinar/organisation/", STAFF_ONLY_VIEW),
        "users": ("/admin/webinar/user/", SUPERUSER_ONLY),
        "groups": ("/admin/auth/group/", SUPERUSER_ONLY),
        "email addresses": ("/admin/account/emailaddress/", SUPERUSER_ONLY),
        "sessions": ("/admin/agenda/session/", STAFF_ONLY_VIEW),
        "session change": (f"/admin/agenda/session/{s}/change/", STAFF_ONLY_VIEW),
        "session add": ("/admin/agenda/session/add/", ORGANISER_ONLY),
        "people": ("/admin/agenda/person/", STAFF_ONLY_VIEW),
        "registrations": ("/admin/registration/registration/", ORGANISER_ONLY),
        "registration change": (f"/admin/registration/registration/{r}/change/", ORGANISER_ONLY),
        "registration export": (
            f"/admin/registration/registration/export/{w['event'].pk}/csv/",
            ORGANISER_ONLY,
        ),
        "attendance import": (
            "/admin/registration/registration/import-attendance/",
            ORGANISER_ONLY,
        ),
        "interpretation": ("/admin/registration/registration/interpretation/", ORGANISER_ONLY),
        "questions": ("/admin/registration/question/", ORGANISER_ONLY),
        "question change": (
            f"/admin/registration/question/{w['question'].pk}/change/",
            ORGANISER_ONLY,
        ),
        "outgoing mail": ("/admin/registration/outgoingmail/", ORGANISER_ONLY),
        "delegations": ("/admin/delegations/delegation/", ORGANISER_ONLY),
        "delegation add": ("/admin/delegations/delegation/add/", ORGANISER_ONLY),
        "delegation change": (
            f"/admin/delegations/delegation/{w['delegation'].pk}/change/",
            ORGANISER_ONLY,
        ),
        "reports": ("/admin/reports/report/", STAFF_ONLY_VIEW),
        "report change": (f"/admin/reports/report/{w['report'].pk}/change/", STAFF_ONLY_VIEW),
        "report build page": (f"/admin/reports/report/{w['report'].pk}/build/", STAFF_ONLY_VIEW),
        "report builds": ("/admin/reports/reportbuild/", STAFF_ONLY_VIEW),
        "report build add": ("/admin/reports/reportbuild/add/", STAFF_ONLY_VIEW),
    }


def _answer(response) -> str | int:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        if location == "/":
            return HOME
        return f"302 {location}"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, request, world, role):
    if role != "anonymous":
        user = request.getfixturevalue(role)
        if role == "participant":
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        client.force_login(user)
    expected, actual = {}, {}
    for label, (url, answers) in matrix(world).items():
        expected[label] = answers[role]
        actual[label] = _answer(client.get(url))
    assert actual == expected


def _project_urls() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if ns in ("admin:",) or str(pattern.pattern).startswith("accounts/"):
                    continue  # Django's and allauth's own; sampled in the matrix
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


COVERED = {
    "home", "event_detail", "health", "set_language", "public_media",
    "registration:register", "registration:done", "registration:mine", "registration:manage",
    "registration:edit", "registration:cancel", "registration:erase", "registration:calendar",
    "agenda:agenda_ics", "agenda:agenda_json", "agenda:speakers", "agenda:session_detail",
    "agenda:session_ics", "agenda:agenda_schema",
    "reports:build_status", "reports:download", "reports:shared",
    "delegations:focal_point", "delegations:replace",
}  # fmt: skip


def test_every_url_is_in_the_matrix():
    assert _project_urls() == COVERED


def test_every_admin_model_is_in_the_matrix(world):
    labels = {f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}
    urls = {url for url, _answers in matrix(world).values()}
    assert sorted(labels - urls) == []
