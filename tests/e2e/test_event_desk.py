"""The organiser's desk in a real browser, on the demo: the demo organiser logs in, lands on
the events with their desks, opens the desk of ``demo-upcoming``, approves a pending
registration in one click and sees the counts change; the desk and the registration list fit
a laptop and a phone in three languages, and axe-core finds nothing to fix on the desk."""

from __future__ import annotations

import os

import pytest

from registration.models import Registration
from tests.e2e.conftest import ARTIFACTS, axe_violations
from webinar.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"1366x900": LAPTOP, "390x844": PHONE}


@pytest.fixture
def demo(settings):
    """The demo as ``seed_demo`` loads it; ``demo-upcoming`` takes registrations by manual
    approval and has pending ones. Returns the event and the demo organiser's login."""
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command

    from webinar import roles

    # A transactional test flushes the groups the data migration made.
    roles.sync_role_groups(group_model=Group, permission_model=Permission)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    login = (settings.VAR_DIR / "demo-login.txt").read_text().split()
    return Event.objects.get(slug="demo-upcoming"), (login[-3], login[-1])


@pytest.fixture
def upcoming(demo):
    return demo[0]


@pytest.fixture
def demo_organiser(demo):
    from webinar.models import User

    email, password = demo[1]
    user = User.objects.get(email=email)
    user.demo_password = password
    return user


def _login(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/admin/login/")
    login = page.locator("#id_username, input[name=login]").first
    login.fill(user.email)
    page.fill("input[name=password]", getattr(user, "demo_password", PASSWORD))
    page.locator("form [type=submit]").first.click()
    page.wait_for_url(f"{base_url}/admin/")


def _figure(page, label: str) -> str:
    return page.locator(f".desk-figures div:has(> dt:text-is('{label}')) dd").first.inner_text()


def _no_sideways_scroll(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_demo_organiser_approves_from_the_desk_in_one_click(
    live_server, new_page, demo_organiser, upcoming
):
    counts = {
        status: upcoming.registrations.filter(status=status).count()
        for status in ("pending", "approved")
    }
    assert counts["pending"] >= 1
    page = new_page(locale="en", viewport=LAPTOP)
    _login(page, live_server.url, demo_organiser)
    # The admin opens on the team's events, each with its desk.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-admin-index-en-1366x900.png"), full_page=True)
    page.click(f"a[href='/admin/webinar/event/{upcoming.pk}/desk/']")
    page.wait_for_url(f"{live_server.url}/admin/webinar/event/{upcoming.pk}/desk/")
    before = (_figure(page, "Pending approval"), _figure(page, "Approved"))
    assert before == (str(counts["pending"]), str(counts["approved"]))
    left = upcoming.capacity - counts["pending"] - counts["approved"]
    assert _figure(page, "Seats left") == str(left)  # pending registrations hold a seat
    first = upcoming.registrations.filter(status="pending").order_by("created_at", "pk").first()
    page.locator(".desk-decide").first.locator("button[value=approve]").click()
    page.wait_for_selector(".messagelist")
    assert "Approved 1 registration." in page.inner_text(".messagelist")
    after = (_figure(page, "Pending approval"), _figure(page, "Approved"))
    assert after == (str(counts["pending"] - 1), str(counts["approved"] + 1))
    assert _figure(page, "Seats left") == str(left)  # the seat was already held
    first.refresh_from_db()
    assert first.status == Registration.Status.APPROVED
    assert first.mails.filter(kind="approved").count() == 1


def test_desk_has_no_accessibility_violations(live_server, new_page, demo_organiser, upcoming):
    found = {}
    for locale in ("en", "fr", "ar"):
        page = new_page(locale=locale, viewport=LAPTOP)
        _login(page, live_server.url, demo_organiser)
        page.goto(f"{live_server.url}/admin/webinar/event/{upcoming.pk}/desk/")
        found[locale] = axe_violations(page)
    assert found == {"en": [], "fr": [], "ar": []}


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_desk_and_registration_list_fit_the_screen(
    live_server, new_page, demo_organiser, upcoming, locale
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "desk": f"/admin/webinar/event/{upcoming.pk}/desk/",
        "registrations": f"/admin/registration/registration/?event__id__exact={upcoming.pk}",
    }
    widths = {}
    for size, viewport in SIZES.items():
        page = new_page(locale=locale, viewport=viewport)
        _login(page, live_server.url, demo_organiser)
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
    from tests.factories import QuestionFactory, ReportBuildFactory

    QuestionFactory(event=upcoming, label="Which municipality do you work for?")
    ReportBuildFactory(event=upcoming)
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
        shot = ARTIFACTS / f"desk-list-{name.replace('/', '-')}-fr-1366x900.png"
        page.screenshot(path=str(shot), full_page=True)
        fits[name] = page.evaluate(
            "(() => { const r = document.querySelector('.results');"
            " return !r || r.scrollWidth <= r.clientWidth"
            " || [r.scrollWidth, r.clientWidth]; })()"
        )
    assert fits == dict.fromkeys(lists, True)


def test_event_page_fits_a_laptop(live_server, new_page, demo_organiser, upcoming):
    page = new_page(locale="ar", viewport=LAPTOP)
    _login(page, live_server.url, demo_organiser)
    page.goto(f"{live_server.url}/admin/webinar/event/{upcoming.pk}/change/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-event-change-ar-1366x900.png"), full_page=True)
    scroll, inner = _no_sideways_scroll(page)
    assert scroll <= inner, (scroll, inner)
