"""The organiser's desk in a real browser: log in, land on the events with their desks, open the
desk of an upcoming event, approve a pending registration in one click and see the counts
change; the desk and the registration list fit a laptop and a phone in three languages, and
axe-core finds nothing to fix on the desk."""

from __future__ import annotations

import pytest

from registration.models import Registration
from tests.e2e.conftest import ARTIFACTS, axe_violations
from tests.factories import EventFactory, RegistrationFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"1366x900": LAPTOP, "390x844": PHONE}


@pytest.fixture
def upcoming():
    # Until the demo data has its manual-approval event, the same shape from factories.
    event = EventFactory(
        slug="demo-upcoming",
        title_en="Migration and local development: planning with municipalities",
        title_fr="Migration et développement local : planifier avec les communes",
        title_ar="الهجرة والتنمية المحلية: التخطيط مع البلديات",
        approval_mode=Event.ApprovalMode.MANUAL,
        capacity=40,
    )
    names = [("Aïcha", "Diallo", "ML"), ("Moussa", "Issoufou", "NE"), ("Fatima", "Zahra", "MA")]
    for first, last, country in names:
        RegistrationFactory(
            event=event,
            first_name=first,
            last_name=last,
            country=country,
            organization="Ministère de l’Intérieur et de la Décentralisation (fictif)",
            status=Registration.Status.PENDING,
        )
    RegistrationFactory.create_batch(2, event=event, country="TD")
    RegistrationFactory(event=event, country="SD", status=Registration.Status.WAITLISTED)
    return event


def _login(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/admin/login/")
    login = page.locator("#id_username, input[name=login]").first
    login.fill(user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_url(f"{base_url}/admin/")


def _figure(page, label: str) -> str:
    return page.locator(f".desk-figures div:has(> dt:text-is('{label}')) dd").first.inner_text()


def _no_sideways_scroll(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_organiser_approves_from_the_desk_in_one_click(live_server, new_page, organiser, upcoming):
    page = new_page(locale="en", viewport=LAPTOP)
    _login(page, live_server.url, organiser)
    # The admin opens on the team's events, each with its desk.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-admin-index-en-1366x900.png"), full_page=True)
    page.click(f"a[href='/admin/webinar/event/{upcoming.pk}/desk/']")
    page.wait_for_url(f"{live_server.url}/admin/webinar/event/{upcoming.pk}/desk/")
    assert (_figure(page, "Pending approval"), _figure(page, "Approved")) == ("3", "2")
    assert _figure(page, "Seats left") == "35"  # 40 - 2 approved - 3 pending
    page.locator(".desk-decide").first.locator("button[value=approve]").click()
    page.wait_for_selector(".messagelist")
    assert "Approved 1 registration." in page.inner_text(".messagelist")
    assert (_figure(page, "Pending approval"), _figure(page, "Approved")) == ("2", "3")
    assert page.locator(".desk-decide").count() == 2 + 1  # two pending, one waiting
    first = Registration.objects.get(event=upcoming, first_name="Aïcha")
    assert first.status == Registration.Status.APPROVED
    assert list(first.mails.values_list("kind", flat=True)) == ["approved"]


def test_desk_has_no_accessibility_violations(live_server, new_page, organiser, upcoming):
    found = {}
    for locale in ("en", "fr", "ar"):
        page = new_page(locale=locale, viewport=LAPTOP)
        _login(page, live_server.url, organiser)
        page.goto(f"{live_server.url}/admin/webinar/event/{upcoming.pk}/desk/")
        found[locale] = axe_violations(page)
    assert found == {"en": [], "fr": [], "ar": []}


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_desk_and_registration_list_fit_the_screen(
    live_server, new_page, organiser, upcoming, locale
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "desk": f"/admin/webinar/event/{upcoming.pk}/desk/",
        "registrations": f"/admin/registration/registration/?event__id__exact={upcoming.pk}",
    }
    widths = {}
    for size, viewport in SIZES.items():
        page = new_page(locale=locale, viewport=viewport)
        _login(page, live_server.url, organiser)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.screenshot(
                path=str(ARTIFACTS / f"desk-{name}-{locale}-{size}.png"), full_page=True
            )
            scroll, inner = _no_sideways_scroll(page)
            widths[f"{name} {size}"] = scroll <= inner or (scroll, inner)
            if name == "registrations" and viewport is LAPTOP:
                # Every column in view: none hidden behind the table's own scroll bar.
                table = page.evaluate(
                    "(() => { const r = document.querySelector('.results');"
                    " return [r.scrollWidth, r.clientWidth]; })()"
                )
                widths[f"{name} {size} columns"] = table[0] <= table[1] or table
    assert widths == dict.fromkeys(widths, True)
    if locale == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"


def test_every_list_shows_all_its_columns_on_a_laptop(live_server, new_page, superuser, upcoming):
    from tests.factories import QuestionFactory, ReportBuildFactory, ReportFactory, SessionFactory

    SessionFactory(event=upcoming, title="Opening: the municipalities' development plans")
    QuestionFactory(event=upcoming, label="Which municipality do you work for?")
    ReportBuildFactory(event=upcoming, report=ReportFactory(event=upcoming))
    page = new_page(locale="fr", viewport=LAPTOP)
    _login(page, live_server.url, superuser)
    lists = [
        "webinar/event", "webinar/series", "webinar/organisation", "agenda/session",
        "agenda/person", "registration/registration", "registration/question",
        "registration/outgoingmail", "reports/report", "reports/reportbuild",
    ]  # fmt: skip
    fits = {}
    for name in lists:
        page.goto(f"{live_server.url}/admin/{name}/")
        fits[name] = page.evaluate(
            "(() => { const r = document.querySelector('.results');"
            " return !r || r.scrollWidth <= r.clientWidth"
            " || [r.scrollWidth, r.clientWidth]; })()"
        )
    assert fits == dict.fromkeys(lists, True)


def test_event_page_fits_a_laptop(live_server, new_page, organiser, upcoming):
    from tests.factories import SessionFactory

    SessionFactory(event=upcoming, title="Opening: the municipalities' development plans")
    page = new_page(locale="ar", viewport=LAPTOP)
    _login(page, live_server.url, organiser)
    page.goto(f"{live_server.url}/admin/webinar/event/{upcoming.pk}/change/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-event-change-ar-1366x900.png"), full_page=True)
    scroll, inner = _no_sideways_scroll(page)
    assert scroll <= inner, (scroll, inner)
