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

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateBatch, CertificateSettings
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
CERTIFICATE_STAFF = per_role(LOGIN, 403, 403, 200, 200, 404)


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
    build.thumbnail = default_storage.save(
        f"reports/open/matrix-{build.pk}.png", ContentFile(b"\x89PNG\r\n\x1a\n")
    )
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
    registration.attended = True
    registration.save()
    RegistrationFactory(event=event, email="revoked@example.org", attended=True)
    certificate_services.certificates_issue(event=event)
    certificate = Certificate.objects.get(registration=registration)
    certificate.file = default_storage.save(certificate.storage_name(), ContentFile(b"%PDF"))
    certificate.save()
    revoked_certificate = Certificate.objects.exclude(pk=certificate.pk).get()
    certificate_services.certificate_revoke(certificate=revoked_certificate, reason="matrix")
    CertificateSettings.objects.create(event=event, signatory_name="Signatory")
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
        "certificate": certificate, "revoked_certificate": revoked_certificate,
        "certificate_batch": CertificateBatch.objects.get(),
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
        "register again (a form's POST only)": (f"/registrations/{t}/register-again/", every(405)),
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
        "build first page": (f"/reports/builds/{b}/first-page.png", REPORT_STAFF),
        "shared report": (f"/reports/shared/{w['share']}/", every(200)),
        "revoked share link": (f"/reports/shared/{w['revoked_share']}/", every(404)),
        "unknown share link": ("/reports/shared/not-a-token/", every(404)),
        # Certificates: verification is public; the batch page and the ZIP are organisers'.
        "certificate verification": (f"/certificates/{w['certificate'].number}/", every(200)),
        "revoked certificate": (f"/certificates/{w['revoked_certificate'].number}/", every(200)),
        "unknown certificate": ("/certificates/ZZZZZZZZZZ/", every(404)),
        "certificate download, personal link": (
            f"/registrations/{t}/certificates/{w['certificate'].number}.pdf",
            every(200),
        ),
        "certificate download, forged link": (
            f"/registrations/1:forged/certificates/{w['certificate'].number}.pdf",
            every(404),
        ),
        "certificate batch": (
            f"/certificates/batches/{w['certificate_batch'].pk}/",
            CERTIFICATE_STAFF,
        ),
        "certificate batch json": (
            f"/certificates/batches/{w['certificate_batch'].pk}/?format=json",
            CERTIFICATE_STAFF,
        ),
        "certificates zip": (f"/certificates/events/{e}/certificates.zip", CERTIFICATE_STAFF),
        # The admin.
        "admin index": ("/admin/", STAFF_LIST),
        # The admin's login is the site's login (one set of rate limits for both).
        "admin login": (
            "/admin/login/?next=/admin/",
            per_role(LOGIN, 403, "302 /admin/", "302 /admin/", "302 /admin/", "302 /admin/"),
        ),
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
        "delegations": ("/admin/delegations/delegation/", ORGANISER_LIST),
        "delegation add": ("/admin/delegations/delegation/add/", ORGANISER_LIST),
        "delegation change": (
            f"/admin/delegations/delegation/{w['delegation'].pk}/change/",
            ORGANISER_ROW,
        ),
        "reports": ("/admin/reports/report/", STAFF_LIST),
        "report change": (f"/admin/reports/report/{w['report'].pk}/change/", STAFF_ROW),
        "report build page": (f"/admin/reports/report/{w['report'].pk}/build/", STAFF_ROW),
        "report builds": ("/admin/reports/reportbuild/", STAFF_LIST),
        "report build add": ("/admin/reports/reportbuild/add/", STAFF_LIST),
        "certificates": ("/admin/certificates/certificate/", ORGANISER_LIST),
        "certificate change": (
            f"/admin/certificates/certificate/{w['certificate'].pk}/change/",
            ORGANISER_ROW,
        ),
        "certificate add (issued, never typed in)": (
            "/admin/certificates/certificate/add/",
            per_role(LOGIN, LOGIN, 403, 403, 403, 403),
        ),
        "certificate batches": ("/admin/certificates/certificatebatch/", ORGANISER_LIST),
        "certificate settings": ("/admin/certificates/certificatesettings/", ORGANISER_LIST),
        "certificate settings add": (
            "/admin/certificates/certificatesettings/add/",
            ORGANISER_LIST,
        ),
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
    "registration:reactivate",
    "agenda:agenda_ics", "agenda:agenda_json", "agenda:speakers", "agenda:session_detail",
    "agenda:session_ics", "agenda:agenda_schema",
    "reports:build_status", "reports:download", "reports:first_page", "reports:shared",
    "certificates:verify", "certificates:batch_status", "certificates:event_zip",
    "certificates:personal_download",
    "delegations:focal_point", "delegations:replace",
}  # fmt: skip


def test_every_url_is_in_the_matrix():
    assert _project_urls() == COVERED


def test_every_admin_model_is_in_the_matrix(world):
    labels = {f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}
    urls = {url for url, _answers in matrix(world).values()}
    assert sorted(labels - urls) == []


def _series_rows(w) -> dict:
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
    before = _series_rows(world)
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
    assert _series_rows(world) == before
    assert len(answers) >= 2 * 15  # the registrations' eleven, the builds' four, and the rest


# --- Admin actions ------------------------------------------------------------------------
#
# Every action of every registered ModelAdmin, POSTed by each role on a real row. An action a
# role may run must run and leave one admin-log entry per object it changed; one it may not
# run must change nothing at all (every row of the project's tables, the mails, the log).
# An action added to any ModelAdmin without a line here fails
# ``test_every_admin_action_is_in_the_matrix``.

RAN, REFUSED = "ran", "refused"


def allowed(*roles):
    return {role: RAN if role in roles else REFUSED for role in ROLES}


BY_ORGANISERS = allowed("organiser", "superuser")
BY_SUPERUSER = allowed("superuser")
BY_REPORT_STAFF = allowed("rapporteur", "organiser", "superuser")
# The speakers' directory and the organisations are shared by every series' team.
BY_ANY_ORGANISER = allowed("organiser", "superuser", "other_organiser")


def _registration(**fields):
    from registration.models import Registration

    return RegistrationFactory(status=fields.pop("status", Registration.Status.PENDING), **fields)


def _status(name):
    from registration.models import Registration

    return lambda: _registration(status=getattr(Registration.Status, name))


def _event_with_agenda():
    event = EventFactory()
    SessionFactory(event=event)
    SessionFactory(event=event, is_published=False)
    return event


def _build(**fields):
    from tests.factories import ReportBuildFactory

    return ReportBuildFactory(status=ReportBuild.Status.SUCCEEDED, allow_fallback=True, **fields)


def _shared_build():
    build = _build()
    return report_services.report_build_publish(build=build)


def _unverified_address():
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory()
    return EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)


def _organisation():
    from webinar.models import Organisation

    return Organisation.objects.create(name="Centre (fictional)")


def _group():
    from django.contrib.auth.models import Group

    return Group.objects.create(name="Temporary")


def _user():
    from tests.factories import UserFactory

    return UserFactory()


def _series():
    from tests.factories import SeriesFactory, default_series

    # A series the test series' team works on too (the other series' organiser does not).
    series = SeriesFactory()
    series.team.set(default_series().team.all())
    return series


def _person():
    from tests.factories import PersonFactory

    return PersonFactory()


def _outgoing_mail():
    from registration.services import mail_queue

    return mail_queue(registration=_registration(), kind="received")


def _event_with_attendee():
    event = EventFactory()
    RegistrationFactory(event=event, attended=True)
    return event


def _certificate():
    event = _event_with_attendee()
    certificate_services.certificates_issue(event=event)
    return Certificate.objects.get(event=event)


def _certificate_settings():
    return CertificateSettings.objects.create(event=EventFactory(), signatory_name="Signatory")


def _delegation_with_nominee():
    from tests.factories import DelegationFactory

    delegation = DelegationFactory()
    delegation_services.delegation_nominate(
        delegation=delegation, email="nominee@example.org", first_name="N", last_name="Ominee"
    )
    return delegation


DELETE = {"post": "yes"}

# {(model label, action name): (make the row, extra POST data, answer per role, log entries)}
ACTIONS = {
    ("auth.Group", "delete_selected"): (_group, DELETE, BY_SUPERUSER, 1),
    ("account.EmailAddress", "make_verified"): (_unverified_address, {}, BY_SUPERUSER, 1),
    ("account.EmailAddress", "delete_selected"): (_unverified_address, DELETE, BY_SUPERUSER, 1),
    ("webinar.User", "delete_selected"): (_user, DELETE, BY_SUPERUSER, 1),
    ("webinar.Organisation", "delete_selected"): (_organisation, DELETE, BY_ANY_ORGANISER, 1),
    ("webinar.Series", "delete_selected"): (_series, DELETE, BY_ORGANISERS, 1),
    ("webinar.Event", "delete_selected"): (EventFactory, DELETE, BY_ORGANISERS, 1),
    ("webinar.Event", "issue_certificates"): (_event_with_attendee, {}, BY_ORGANISERS, 1),
    ("certificates.Certificate", "revoke"): (_certificate, {}, BY_ORGANISERS, 1),
    ("certificates.Certificate", "reissue"): (_certificate, {}, BY_ORGANISERS, 1),
    ("certificates.CertificateSettings", "delete_selected"): (
        _certificate_settings,
        DELETE,
        BY_ORGANISERS,
        1,
    ),
    ("webinar.Event", "clone_event"): (
        _event_with_agenda,
        {
            "apply": "1",
            "title": "Next workshop",
            "slug": "next-workshop",
            "starts_on": "2031-03-02",
        },
        BY_ORGANISERS,
        3,  # the new event and its two sessions
    ),
    ("agenda.Session", "publish"): (
        lambda: SessionFactory(is_published=False),
        {},
        BY_ORGANISERS,
        1,
    ),
    ("agenda.Session", "unpublish"): (SessionFactory, {}, BY_ORGANISERS, 1),
    ("agenda.Session", "delete_selected"): (SessionFactory, DELETE, BY_ORGANISERS, 1),
    ("agenda.Person", "delete_selected"): (_person, DELETE, BY_ANY_ORGANISER, 1),
    ("registration.Registration", "bulk_approve"): (_status("PENDING"), {}, BY_ORGANISERS, 1),
    ("registration.Registration", "bulk_reject"): (_status("PENDING"), {}, BY_ORGANISERS, 1),
    ("registration.Registration", "bulk_waitlist"): (_status("PENDING"), {}, BY_ORGANISERS, 1),
    ("registration.Registration", "bulk_promote"): (_status("WAITLISTED"), {}, BY_ORGANISERS, 1),
    ("registration.Registration", "bulk_cancel"): (_status("APPROVED"), {}, BY_ORGANISERS, 1),
    ("registration.Registration", "resend_confirmation"): (
        _status("APPROVED"),
        {},
        BY_ORGANISERS,
        1,
    ),
    ("registration.Registration", "revoke_links"): (_registration, {}, BY_ORGANISERS, 1),
    ("registration.Registration", "send_message"): (
        _registration,
        {"subject": "Programme", "body": "Dear {first_name}, see the agenda.", "send": "1"},
        BY_ORGANISERS,
        1,
    ),
    ("registration.Registration", "export_csv"): (_registration, {}, BY_ORGANISERS, 1),
    ("registration.Registration", "export_xlsx"): (_registration, {}, BY_ORGANISERS, 1),
    ("registration.Registration", "anonymise"): (_registration, {"confirm": "1"}, BY_ORGANISERS, 1),
    ("registration.Registration", "delete_selected"): (_registration, DELETE, BY_ORGANISERS, 1),
    ("registration.Question", "delete_selected"): (QuestionFactory, DELETE, BY_ORGANISERS, 1),
    ("registration.OutgoingMail", "delete_selected"): (_outgoing_mail, DELETE, BY_ORGANISERS, 1),
    ("reports.Report", "delete_selected"): (ReportFactory, DELETE, BY_ORGANISERS, 1),
    ("reports.Report", "mark_final"): (ReportFactory, {}, BY_ORGANISERS, 1),
    ("reports.Report", "mark_draft"): (lambda: ReportFactory(status="final"), {}, BY_ORGANISERS, 1),
    ("reports.ReportBuild", "rebuild"): (_build, {}, BY_REPORT_STAFF, 1),
    ("reports.ReportBuild", "publish"): (_build, {}, BY_ORGANISERS, 1),
    ("reports.ReportBuild", "publish_and_email"): (_build, {}, BY_ORGANISERS, 1),
    ("reports.ReportBuild", "revoke"): (_shared_build, {}, BY_ORGANISERS, 1),
    ("reports.ReportBuild", "delete_selected"): (_build, DELETE, BY_SUPERUSER, 1),
    ("delegations.Delegation", "resend_invitation"): (DelegationFactory, {}, BY_ORGANISERS, 1),
    ("delegations.Delegation", "revoke"): (DelegationFactory, {}, BY_ORGANISERS, 1),
    ("delegations.Delegation", "export_csv"): (_delegation_with_nominee, {}, BY_ORGANISERS, 1),
    ("delegations.Delegation", "delete_selected"): (DelegationFactory, DELETE, BY_ORGANISERS, 1),
}

SNAPSHOT_APPS = (
    "webinar", "registration", "agenda", "reports", "certificates", "delegations", "account",
    "auth", "admin",
)  # fmt: skip


def _snapshot() -> dict:
    """Every row of the project's tables (and allauth's, auth's, the admin log), and the mails."""
    from django.apps import apps
    from django.core import mail

    state = {}
    for model in apps.get_models():
        if model._meta.app_label in SNAPSHOT_APPS:
            rows = model._base_manager.order_by("pk").values()
            state[model._meta.label] = [sorted(row.items()) for row in rows]
    state["mails sent"] = len(mail.outbox)
    return state


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model_label", "action"), sorted(ACTIONS))
def test_admin_action_matrix(client, request, role, model_label, action):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.contrib.admin.models import DELETION, LogEntry

    make, extra, answers, log_entries = ACTIONS[model_label, action]
    user = _login(client, request, role)
    row = make()
    app_label, model_name = model_label.lower().split(".")
    before = _snapshot()
    response = client.post(
        f"/admin/{app_label}/{model_name}/",
        {"action": action, ACTION_CHECKBOX_NAME: [str(row.pk)], **extra},
    )
    after = _snapshot()
    assert response.status_code in (200, 302, 403), response.status_code
    if answers[role] == REFUSED:
        assert after == before, f"{role} ran {model_label}.{action}"
        return
    entries = list(LogEntry.objects.filter(user=user).order_by("pk"))
    assert len(entries) == log_entries, [e.change_message for e in entries]
    # Each entry says what the action did (a deletion says it by its flag, as Django's own).
    assert all(e.get_change_message() or e.action_flag == DELETION for e in entries)
    assert {k: v for k, v in after.items() if k != "admin.LogEntry"} != {
        k: v for k, v in before.items() if k != "admin.LogEntry"
    } or action.startswith("export_")
    if action.startswith("export_"):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")


def _registered_actions(superuser) -> set[tuple[str, str]]:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = superuser
    return {
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }


def test_every_admin_action_is_in_the_matrix(superuser):
    assert _registered_actions(superuser) == set(ACTIONS)


def test_every_admin_action_declares_who_may_run_it(superuser):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = superuser
    undeclared = sorted(
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        for name, (func, _name, _label) in model_admin.get_actions(request).items()
        if not getattr(func, "allowed_permissions", ())
    )
    assert undeclared == []


def test_admin_actions_log_what_they_did(client, organiser):
    from django.contrib.admin.models import LogEntry

    from registration.models import Registration

    event = EventFactory(capacity=1)
    seated = _registration(event=event, status=Registration.Status.APPROVED)
    waiting = _registration(event=event, status=Registration.Status.WAITLISTED)
    untouched = _registration(event=EventFactory(), status=Registration.Status.APPROVED)
    client.force_login(organiser)
    client.post(
        "/admin/registration/registration/",
        {"action": "bulk_cancel", "_selected_action": [str(seated.pk)]},
    )
    entries = {
        (int(e.object_id), e.get_change_message()) for e in LogEntry.objects.filter(user=organiser)
    }
    assert entries == {
        (seated.pk, "Admin action “Cancel”: the status is now “Cancelled”."),
        (waiting.pk, "Given a seat from the waiting list, freed by the admin action “Cancel”."),
    }
    assert LogEntry.objects.filter(object_id=str(untouched.pk)).count() == 0


def test_anonymising_leaves_no_name_in_the_admin_history(client, organiser):
    from django.contrib.admin.models import LogEntry

    registration = _registration(first_name="Amina", email="amina@ministry.example")
    client.force_login(organiser)
    for action, extra in (("bulk_approve", {}), ("anonymise", {"confirm": "1"})):
        client.post(
            "/admin/registration/registration/",
            {"action": action, "_selected_action": [str(registration.pk)], **extra},
        )
    reprs = list(LogEntry.objects.order_by("pk").values_list("object_repr", flat=True))
    assert reprs == [f"  <anonymised-{registration.pk}@invalid>"] * 2


# --- Join details in the admin ------------------------------------------------------------

JOIN_URL = "https://meet.example.org/j/987654321"
PASSCODE = "SAHEL-2020-7341"
SESSION_JOIN_URL = "https://meet.example.org/j/breakout-55"


@pytest.mark.parametrize(
    ("role", "sees"),
    [("rapporteur", False), ("organiser", True), ("superuser", True)],
)
def test_join_details_on_event_and_session_pages(client, request, role, sees):
    event = EventFactory(join_url=JOIN_URL, join_passcode=PASSCODE)
    session = SessionFactory(event=event, join_url=SESSION_JOIN_URL)
    client.force_login(request.getfixturevalue(role))
    pages = {
        "event": client.get(f"/admin/webinar/event/{event.pk}/change/"),
        "session": client.get(f"/admin/agenda/session/{session.pk}/change/"),
    }
    assert {name: page.status_code for name, page in pages.items()} == {
        "event": 200,
        "session": 200,
    }
    event_html = pages["event"].content.decode()
    session_html = pages["session"].content.decode()
    shown = {
        "event join link": JOIN_URL in event_html,
        "event passcode": PASSCODE in event_html,
        "event join field": "field-join_url" in event_html,
        "event passcode field": "field-join_passcode" in event_html,
        "session join link": SESSION_JOIN_URL in session_html,
        "session join field": "field-join_url" in session_html,
    }
    assert shown == dict.fromkeys(shown, sees)


def test_a_rapporteur_cannot_post_join_details(client, rapporteur):
    event = EventFactory(join_url=JOIN_URL)
    client.force_login(rapporteur)
    response = client.post(
        f"/admin/webinar/event/{event.pk}/change/", {"join_url": "https://evil.example/j/1"}
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.join_url == JOIN_URL
