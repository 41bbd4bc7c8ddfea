"""The admin as organisers see it: its name, times in the event's zone said once, Arabic typed
right to left, languages and countries chosen from lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Policy webinars: organisers&#x27; desk"),
        ("fr", "Webinaires politiques : espace des organisateurs"),
        ("ar", "الندوات السياساتية: مكتب المنظمين"),
    ],
)
def test_admin_is_named_after_the_project_in_each_language(client, organiser, language, name):
    client.force_login(organiser)
    page = client.get("/admin/", headers={"accept-language": language}).content.decode()
    assert f'<div id="site-name"><a href="/admin/">{name}</a></div>' in page
    assert "Django" not in page.split("<body")[1].split("</header>")[0]
    assert "جانغو" not in page


def test_admin_name_comes_from_the_setting(client, organiser, settings):
    settings.SITE_NAME = "Sahel webinars"
    client.force_login(organiser)
    page = client.get("/admin/").content.decode()
    assert '<div id="site-name"><a href="/admin/">Sahel webinars</a></div>' in page
    assert "<title>Your events | Sahel webinars</title>" in page


def test_event_form_says_its_time_zone_once_and_shows_local_times(client, organiser):
    event = EventFactory(
        time_zone="Africa/Cairo",
        starts_at=dt.datetime(2030, 8, 12, 8, 0, tzinfo=dt.UTC),  # 10:00 or 11:00 in Cairo
        ends_at=dt.datetime(2030, 8, 12, 11, 0, tzinfo=dt.UTC),
    )
    client.force_login(organiser)
    page = client.get(f"/admin/webinar/event/{event.pk}/change/").content.decode()
    assert page.count("Times on this page are in the event&#x27;s time zone") == 1
    assert "Egypt Time (Africa/Cairo)" in page
    assert 'name="starts_at_1" value="11:00:00"' in page  # Cairo is UTC+3 in summer 2030
    assert "/static/js/admin-one-zone-note.js" in page


def test_event_list_shows_the_start_in_the_event_zone(client, organiser):
    EventFactory(
        title="Cairo workshop",
        time_zone="Africa/Cairo",
        starts_at=dt.datetime(2030, 1, 15, 8, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 1, 15, 11, 0, tzinfo=dt.UTC),
    )
    client.force_login(organiser)
    page = client.get("/admin/webinar/event/").content.decode()
    assert "15 January 2030, 10:00 (Egypt Time)" in page


def test_registration_list_of_one_event_is_in_its_zone(client, organiser):
    event = EventFactory(time_zone="Africa/Cairo")
    registration = RegistrationFactory(event=event)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2030, 1, 15, 22, 30, tzinfo=dt.UTC)
    )
    client.force_login(organiser)
    page = client.get(
        f"/admin/registration/registration/?event__id__exact={event.pk}"
    ).content.decode()
    assert "Jan. 16, 2030, 12:30 a.m." in page  # 00:30 the next day in Cairo
    assert page.count("Times on this page are in the event&#x27;s time zone") == 1


def test_arabic_fields_are_typed_right_to_left_and_free_text_in_its_own_direction(
    client, organiser, event
):
    client.force_login(organiser)
    page = client.get(f"/admin/webinar/event/{event.pk}/change/").content.decode()

    def tag(name):
        return re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)

    assert 'dir="rtl"' in tag("title_ar")
    assert 'dir="rtl"' in tag("description_ar")
    assert 'dir="auto"' in tag("title_en")
    assert 'dir="auto"' in tag("join_passcode")
    assert "dir=" not in tag("slug")
    assert "dir=" not in tag("join_url")


def test_region_countries_picker_is_searchable(client, organiser, event):
    report = ReportFactory(event=event)
    client.force_login(organiser)
    page = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    select = re.search(r'<select[^>]*name="region_countries"[^>]*>', page).group(0)
    assert 'class="selectfilter"' in select
    assert "/static/admin/js/SelectFilter2.js" in page
