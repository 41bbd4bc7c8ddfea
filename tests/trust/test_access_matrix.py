"""Who may open what: every URL of the project, for every kind of user, each answer checked.

The expected answers are written out by hand from the roles' intent (public pages for all;
personal links for whoever holds them; report builds for rapporteurs and organisers; the admin
per model for the staff roles), not derived from the code under test. A URL added to the
project without a line here fails ``test_every_url_is_in_the_matrix``.

The sixth role is an organiser of another series: every page of this series' rows answers 404
(or 403 where nobody but superusers may go), and every list, add page and choice list they can
open shows none of this series' rows (``OWN``).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver

from registration.links import registration_token
from reports import services as report_services
from reports.models import ReportBuild
from tests.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    ReportFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "participant", "rapporteur", "organiser", "superuser", "other_organiser")
LOGIN = "login"  # redirected to a login page
HOME = "home"  # redirected away from a page meant for visitors who are not logged in
OWN = "200, none of this series"  # a page of their own work: nothing of this series shows


def every(code):
    return dict.fromkeys(ROLES, code)


def per_role(anonymous, participant, rapporteur, organiser, superuser, other_organiser):
    answers = (anonymous, participant, rapporteur, organiser, superuser, other_organiser)
    return dict(zip(ROLES, answers, strict=True))


# Lists and add pages: staff see them; the other series' organiser sees only their own rows.
STAFF_LIST = per_role(LOGIN, LOGIN, 200, 200, 200, OWN)
ORGANISER_LIST = per_role(LOGIN, LOGIN, 403, 200, 200, OWN)
# One row of this series (or a page about it): not there for the other series' organiser.
STAFF_ROW = per_role(LOGIN, LOGIN, 200, 200, 200, 404)
ORGANISER_ROW = per_role(LOGIN, LOGIN, 403, 200, 200, 404)
SUPERUSER_ONLY = per_role(LOGIN, LOGIN, 403, 403, 200, 403)
REPORT_STAFF = per_role(LOGIN, 403, 200, 200, 200, 404)


@pytest.fixture
def world(settings):
    event = EventFactory(
        slug="open", title="Zinder matrix workshop", join_url="https://meet.example.org/j/1"
    )
    EventFactory(slug="draft", title="Agadez draft workshop", is_published=False)
    session = SessionFactory(event=event, title="Tahoua matrix session")
    registration = RegistrationFactory(event=event, email="holder@example.org")
    question = QuestionFactory(event=event, label="Maradi matrix question")
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
    return {
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
        "login": ("/accounts/login/", per_role(200, HOME, HOME, HOME, HOME, HOME)),
        "signup": ("/accounts/signup/", per_role(200, HOME, HOME, HOME, HOME, HOME)),
        "password reset": ("/accounts/password/reset/", every(200)),
        "email settings": ("/accounts/email/", per_role(LOGIN, 200, 200, 200, 200, 200)),
        "password change": ("/accounts/password/change/", per_role(LOGIN, 200, 200, 200, 200, 200)),
        # Self-service: the personal link is the key; an account shows one's own list.
        "my registrations": ("/registrations/", per_role(LOGIN, 200, 200, 200, 200, 200)),
        "manage": (f"/registrations/{t}/", every(200)),
        "manage, forged link": ("/registrations/1:forged/", every(404)),
        "edit": (f"/registrations/{t}/edit/", every(200)),
        "cancel": (f"/registrations/{t}/cancel/", every(200)),
        "erase": (f"/registrations/{t}/erase/", every(200)),
        "calendar": (f"/registrations/{t}/calendar.ics", every(200)),
        # Report builds: staff with the permission; share links for whoever holds them.
        "build status": (f"/reports/builds/{b}/", REPORT_STAFF),
        "build status json": (f"/reports/builds/{b}/?format=json", REPORT_STAFF),
        "build download": (f"/reports/builds/{b}/download/", REPORT_STAFF),
        "shared report": (f"/reports/shared/{w['share']}/", every(200)),
        "revoked share link": (f"/reports/shared/{w['revoked_share']}/", every(404)),
        "unknown share link": ("/reports/shared/not-a-token/", every(404)),
        # The admin.
        "admin index": ("/admin/", STAFF_LIST),
        "events": ("/admin/webinar/event/", STAFF_LIST),
        "event change": (f"/admin/webinar/event/{w['event'].pk}/change/", STAFF_ROW),
        "event desk": (f"/admin/webinar/event/{w['event'].pk}/desk/", ORGANISER_ROW),
        "event add": ("/admin/webinar/event/add/", ORGANISER_LIST),
        "event delete": (f"/admin/webinar/event/{w['event'].pk}/delete/", ORGANISER_ROW),
        "series": ("/admin/webinar/series/", STAFF_LIST),
        "organisations": ("/admin/webinar/organisation/", STAFF_LIST),
        "users": ("/admin/webinar/user/", SUPERUSER_ONLY),
        "groups": ("/admin/auth/group/", SUPERUSER_ONLY),
        "email addresses": ("/admin/account/emailaddress/", SUPERUSER_ONLY),
        "sessions": ("/admin/agenda/session/", STAFF_LIST),
        "session change": (f"/admin/agenda/session/{s}/change/", STAFF_ROW),
        "session add": ("/admin/agenda/session/add/", ORGANISER_LIST),
        "people": ("/admin/agenda/person/", STAFF_LIST),
        "registrations": ("/admin/registration/registration/", ORGANISER_LIST),
        "registration change": (f"/admin/registration/registration/{r}/change/", ORGANISER_ROW),
        "registration export": (
            f"/admin/registration/registration/export/{w['event'].pk}/csv/",
            ORGANISER_ROW,
        ),
        "attendance import": (
            "/admin/registration/registration/import-attendance/",
            ORGANISER_LIST,
        ),
        "interpretation": ("/admin/registration/registration/interpretation/", ORGANISER_LIST),
        "questions": ("/admin/registration/question/", ORGANISER_LIST),
        "question change": (
            f"/admin/registration/question/{w['question'].pk}/change/",
            ORGANISER_ROW,
        ),
        "outgoing mail": ("/admin/registration/outgoingmail/", ORGANISER_LIST),
        "reports": ("/admin/reports/report/", STAFF_LIST),
        "report change": (f"/admin/reports/report/{w['report'].pk}/change/", STAFF_ROW),
        "report build page": (f"/admin/reports/report/{w['report'].pk}/build/", STAFF_ROW),
        "report builds": ("/admin/reports/reportbuild/", STAFF_LIST),
        "report build add": ("/admin/reports/reportbuild/add/", STAFF_LIST),
    }


# What of this series a page must not show to the other series' organiser.
def _this_series_rows(w) -> list[str]:
    return [
        w["event"].title, "Agadez draft workshop", "Test series", w["session"].title,
        w["question"].label, w["registration"].email,
    ]  # fmt: skip


def _answer(response, leaks: list[str] | None = None) -> str | int:
    if leaks is not None and response.status_code == 200:
        body = response.content.decode(errors="replace")
        shown = [text for text in leaks if text in body]
        return f"200 showing {shown}" if shown else OWN
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
        leaks = _this_series_rows(world) if answers[role] == OWN else None
        actual[label] = _answer(client.get(url), leaks)
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
}  # fmt: skip


def test_every_url_is_in_the_matrix():
    assert _project_urls() == COVERED


def test_every_admin_model_is_in_the_matrix(world):
    labels = {f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}
    urls = {url for url, _answers in matrix(world).values()}
    assert sorted(labels - urls) == []


def _snapshot(w) -> dict:
    """Every row of this series, as stored: what an action of another team must not change."""
    from django.forms.models import model_to_dict

    from registration.models import OutgoingMail, Question, Registration
    from reports.models import Report
    from sessions.models import Session
    from webinar.models import Event, Series

    models = (Series, Event, Session, Registration, Question, OutgoingMail, Report, ReportBuild)
    return {
        model.__name__: [model_to_dict(row) for row in model.objects.order_by("pk")]
        for model in models
    }


def test_other_series_organiser_acts_on_nothing_of_this_series(client, world, other_organiser):
    """Every admin action, posted by the other series' organiser with this series' rows ticked
    (and with "select all"), changes nothing and shows nothing of this series."""
    from registration.models import Registration

    RegistrationFactory(event=world["event"], status=Registration.Status.PENDING)
    client.force_login(other_organiser)
    before = _snapshot(world)
    answers = {}
    for model, model_admin in admin.site._registry.items():
        rows = list(model_admin.model._default_manager.values_list("pk", flat=True))
        request = type("R", (), {"user": other_organiser, "GET": {}, "POST": {}})()
        actions = model_admin.get_actions(request)
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for name in actions:
            for select_across in ("0", "1"):
                response = client.post(
                    url,
                    {
                        "action": name,
                        "_selected_action": rows,
                        "select_across": select_across,
                        "index": "0",
                    },
                )
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                shown = [t for t in _this_series_rows(world) if t.encode() in body]
                answers[f"{url} {name} {select_across}"] = (
                    response.status_code in (200, 302, 403) and not shown
                ) or (response.status_code, shown)
    assert answers == dict.fromkeys(answers, True)
    assert _snapshot(world) == before
    assert len(answers) >= 2 * 15  # the registrations' eleven, the builds' four, and the rest
