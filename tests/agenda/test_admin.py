import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from sessions.models import Material, Person, Session, SessionRole
from tests.agenda.conftest import cairo
from tests.agenda.test_timezones import _session_form
from tests.factories import (
    EventFactory,
    SessionFactory,
    SessionRoleFactory,
)
from webinar.models import Event

pytestmark = pytest.mark.django_db


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


# -- permissions -------------------------------------------------------------------------------

LIST_URLS = ["/admin/agenda/session/", "/admin/agenda/person/"]
ADD_URLS = ["/admin/agenda/session/add/", "/admin/agenda/person/add/"]


@pytest.mark.parametrize(
    ("who", "list_status", "add_status"),
    [
        ("anonymous", 302, 302),
        ("participant", 302, 302),
        ("rapporteur", 200, 403),
        ("organiser", 200, 200),
        ("superuser", 200, 200),
    ],
)
def test_agenda_admin_permissions(client, request, agenda, who, list_status, add_status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    _client_for(client, user)
    panel, speaker = agenda["panel"], agenda["speaker"]
    for url in [
        *LIST_URLS,
        f"/admin/agenda/session/{panel.pk}/change/",
        f"/admin/agenda/person/{speaker.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == list_status, url
        if list_status == 302:
            assert response["Location"].startswith("/admin/login/"), url
    for url in ADD_URLS:
        assert client.get(url).status_code == add_status, url


@pytest.mark.parametrize(("who", "allowed"), [("rapporteur", False), ("organiser", True)])
def test_session_delete_permission(client, request, agenda, who, allowed):
    _client_for(client, request.getfixturevalue(who))
    response = client.post(f"/admin/agenda/session/{agenda['closing'].pk}/delete/", {"post": "yes"})
    assert response.status_code == (302 if allowed else 403)
    assert Session.objects.filter(pk=agenda["closing"].pk).exists() is (not allowed)


def test_rapporteur_view_page_does_not_offer_saving(client, rapporteur, agenda):
    client.force_login(rapporteur)
    url = f"/admin/agenda/session/{agenda['panel'].pk}/change/"
    response = client.post(
        url, _session_form(agenda["panel"].event, start="10:00:00", end="11:00:00")
    )
    assert response.status_code == 403


# -- validation --------------------------------------------------------------------------------


def test_admin_refuses_an_end_before_the_start(client, organiser, summer_event):
    client.force_login(organiser)
    response = client.post(
        "/admin/agenda/session/add/", _session_form(summer_event, start="11:00:00", end="10:00:00")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": ["The end must be after the start."]
    }
    assert Session.objects.count() == 0


def test_admin_refuses_a_session_outside_the_event_days(client, organiser, summer_event):
    client.force_login(organiser)
    response = client.post(
        "/admin/agenda/session/add/",
        _session_form(summer_event, day="2024-08-15", start="10:00:00", end="11:00:00"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "starts_at": [
            "The session must take place within the event's days "
            "(2024-08-12 to 2024-08-13, Africa/Cairo)."
        ]
    }
    assert Session.objects.count() == 0


def test_session_day_check_uses_the_event_zone_not_utc(summer_event):
    # 00:30 on 14 August in Cairo is 13 August in UTC: outside the event's days.
    session = Session(
        event=summer_event,
        title="x",
        starts_at=cairo(2024, 8, 14, 0, 30),
        ends_at=cairo(2024, 8, 14, 1),
    )
    with pytest.raises(Exception, match="within the event's days"):
        session.full_clean()


def test_admin_refuses_unknown_language_codes(client, organiser, summer_event):
    client.force_login(organiser)
    response = client.post(
        "/admin/agenda/session/add/",
        _session_form(summer_event, start="10:00:00", end="11:00:00", languages="en,xx"),
    )
    # Chosen from the site's languages: a code that is not one is refused, nothing is saved.
    assert response.context["adminform"].form.errors == {
        "languages": ["Select a valid choice. xx is not one of the available choices."]
    }
    assert Session.objects.count() == 0


def test_admin_offers_the_site_languages_as_checkboxes(client, organiser, summer_event):
    client.force_login(organiser)
    page = client.get(f"/admin/agenda/session/add/?event={summer_event.pk}").content.decode()
    for code in ("en", "fr", "ar"):
        assert f'type="checkbox" name="languages" value="{code}"' in page
        assert f'type="checkbox" name="interpretation" value="{code}"' in page
    response = client.post(
        "/admin/agenda/session/add/",
        {
            **_session_form(summer_event, start="10:00:00", end="11:00:00", languages="en"),
            "languages": ["ar", "en"],
            "interpretation": ["fr"],
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.languages, session.interpretation) == ("en,ar", "fr")


def test_admin_warns_of_overlapping_sessions(client, organiser, agenda):
    client.force_login(organiser)
    response = client.post(
        "/admin/agenda/session/add/",
        _session_form(agenda["panel"].event, title="Parallel", start="10:30:00", end="11:30:00"),
    )
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "Sessions “Panel on frameworks” and “Parallel” overlap.",
        "Sessions “Parallel” and “Draft session” overlap.",
    ]


def test_admin_warns_of_a_person_in_two_overlapping_sessions(client, organiser, agenda):
    client.force_login(organiser)
    event = agenda["panel"].event
    data = _session_form(event, title="Parallel", start="10:30:00", end="10:45:00")
    data.update(
        {
            "roles-TOTAL_FORMS": "1",
            "roles-0-person": agenda["speaker"].pk,
            "roles-0-role": "speaker",
            "roles-0-order": "0",
        }
    )
    response = client.post("/admin/agenda/session/add/", data)
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert (
        "Dr Amina Example is booked in two overlapping sessions: “Panel on frameworks” and "
        "“Parallel”." in warnings
    )
    assert SessionRole.objects.filter(session__title="Parallel").count() == 1


def _form_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(field.widget, "widgets"):
            for index, part in enumerate(field.widget.decompress(value) if value else ["", ""]):
                data[f"{name}_{index}"] = field.widget.widgets[index].format_value(part) or ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = "" if value is None else field.widget.format_value(value) or ""
    return data


def _event_change_data(client, event, *, day, start, end, title):
    """The event's change form as the browser would send it back, with one new session."""
    response = client.get(f"/admin/webinar/event/{event.pk}/change/")
    # The page shows the event's own times in its zone (10:00 in Cairo, stored 07:00 UTC).
    assert 'name="starts_at_1" value="10:00:00"' in response.content.decode()
    form = response.context["adminform"].form
    data = {}
    with timezone.override(event.tzinfo):
        data.update(_form_values(form))
    data.update(
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-title_en": title,
            "sessions-0-kind": "panel",
            "sessions-0-starts_at_0": day,
            "sessions-0-starts_at_1": start,
            "sessions-0-ends_at_0": day,
            "sessions-0-ends_at_1": end,
            "sessions-0-order": "0",
            "sessions-0-languages": "en",
            "sessions-0-is_published": "on",
        }
    )
    return data


def test_event_inline_refuses_session_outside_event(client, organiser, summer_event):
    client.force_login(organiser)
    data = _event_change_data(
        client, summer_event, day="2024-08-20", start="10:00:00", end="11:00:00", title="Late"
    )
    response = client.post(f"/admin/webinar/event/{summer_event.pk}/change/", data)
    assert response.status_code == 200
    assert summer_event.sessions.count() == 0
    assert "within the event&#x27;s days" in response.content.decode()


def test_event_inline_reads_times_in_the_event_zone(client, organiser, summer_event):
    client.force_login(organiser)
    data = _event_change_data(
        client, summer_event, day="2024-08-13", start="09:30:00", end="10:00:00", title="Early"
    )
    response = client.post(f"/admin/webinar/event/{summer_event.pk}/change/", data)
    assert response.status_code == 302
    session = summer_event.sessions.get()
    assert session.starts_at == dt.datetime(2024, 8, 13, 6, 30, tzinfo=dt.UTC)
    summer_event.refresh_from_db()
    assert summer_event.starts_at == dt.datetime(2024, 8, 12, 7, 0, tzinfo=dt.UTC)


# -- admin lists: N+1 guards --------------------------------------------------------------------


def _sessions(count):
    event = EventFactory(starts_at=cairo(2024, 8, 12, 9), ends_at=cairo(2024, 8, 12, 18))
    for index in range(count):
        session = SessionFactory(
            event=event,
            starts_at=cairo(2024, 8, 12, 9 + index),
            ends_at=cairo(2024, 8, 12, 10 + index),
        )
        SessionRoleFactory(session=session)


@pytest.mark.parametrize("url", ["/admin/agenda/session/", "/admin/agenda/person/"])
def test_admin_lists_queries_do_not_grow(client, organiser, django_assert_num_queries, url):
    from django.db import connection

    client.force_login(organiser)
    _sessions(1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _sessions(2)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.context["cl"].result_count == 3


# -- clone ---------------------------------------------------------------------------------------


def test_clone_action_shows_a_form_then_copies_the_agenda(client, organiser, agenda):
    client.force_login(organiser)
    event = agenda["panel"].event
    action = {"action": "clone_event", "_selected_action": [event.pk]}
    first = client.post("/admin/webinar/event/", action)
    assert first.status_code == 200
    assert "Clone an event" in first.content.decode()
    response = client.post(
        "/admin/webinar/event/",
        {
            **action,
            "apply": "1",
            "title": "Next workshop",
            "slug": "next",
            "starts_on": "2024-11-04",
        },
    )
    clone = Event.objects.get(slug="next")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/webinar/event/{clone.pk}/change/"
    assert clone.is_published is False
    assert clone.join_url == ""
    sessions = list(clone.sessions.order_by("starts_at"))
    assert [s.title for s in sessions] == ["Panel on frameworks", "Draft session", "Closing"]
    # Winter in Cairo (UTC+2): 10:00 local is 08:00 UTC; the second day follows.
    assert sessions[0].starts_at == dt.datetime(2024, 11, 4, 8, 0, tzinfo=dt.UTC)
    assert sessions[2].starts_at == dt.datetime(2024, 11, 5, 10, 0, tzinfo=dt.UTC)
    assert sessions[0].join_url == ""
    assert sessions[0].uid != agenda["panel"].uid
    assert list(sessions[0].roles.values_list("person__name", "role")) == [
        ("Amina Example", "speaker"),
        ("Moussa Sample", "rapporteur"),
    ]
    assert Session.objects.filter(event=event).count() == 3


def test_clone_action_refuses_a_taken_slug(client, organiser, agenda):
    client.force_login(organiser)
    event = agenda["panel"].event
    response = client.post(
        "/admin/webinar/event/",
        {
            "action": "clone_event",
            "_selected_action": [event.pk],
            "apply": "1",
            "title": "Copy",
            "slug": event.slug,
            "starts_on": "2024-11-04",
        },
    )
    assert response.status_code == 200
    assert "An event with this slug already exists." in response.content.decode()
    assert Event.objects.count() == 1


def test_clone_action_needs_exactly_one_event(client, organiser, agenda):
    client.force_login(organiser)
    other = EventFactory()
    response = client.post(
        "/admin/webinar/event/",
        {"action": "clone_event", "_selected_action": [agenda["panel"].event_id, other.pk]},
        follow=True,
    )
    assert "Choose exactly one event to clone." in response.content.decode()
    assert Event.objects.count() == 2


# -- photos and materials ------------------------------------------------------------------------


def _image(fmt="PNG", size=(2000, 1000)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return buffer.getvalue()


def _person_form(**extra):
    data = {
        "honorific": "",
        "name": "Photo Person",
        "position_en": "",
        "organisation": "",
        "country": "",
        "bio_en": "",
        "email": "",
        "user": "",
        "session_roles-TOTAL_FORMS": "0",
        "session_roles-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_person_photo_is_resized(client, organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    photo = SimpleUploadedFile("portrait.png", _image(), content_type="image/png")
    response = client.post("/admin/agenda/person/add/", _person_form(photo=photo))
    assert response.status_code == 302
    person = Person.objects.get()
    with Image.open(person.photo.path) as stored:
        assert stored.size == (600, 300)
        assert stored.format == "PNG"


def test_person_photo_refuses_a_non_image(client, organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    fake = SimpleUploadedFile("portrait.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post("/admin/agenda/person/add/", _person_form(photo=fake))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]
    assert Person.objects.count() == 0


def test_person_photo_refuses_gif(client, organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    gif = SimpleUploadedFile("anim.gif", _image("GIF", (10, 10)), content_type="image/gif")
    response = client.post("/admin/agenda/person/add/", _person_form(photo=gif))
    assert response.context["adminform"].form.errors["photo"] == [
        "The photo must be a JPEG, PNG or WebP image."
    ]
    assert Person.objects.count() == 0


def test_person_photo_refuses_too_large_file(client, organiser, settings, tmp_path):
    from sessions import images

    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    big = SimpleUploadedFile("big.png", _image(), content_type="image/png")
    limit = images.PHOTO_MAX_BYTES
    images.PHOTO_MAX_BYTES = 100
    try:
        response = client.post("/admin/agenda/person/add/", _person_form(photo=big))
    finally:
        images.PHOTO_MAX_BYTES = limit
    assert response.context["adminform"].form.errors["photo"] == [
        "The photo is too large (at most 0 MB)."
    ]
    assert Person.objects.count() == 0


def test_material_refuses_executable_and_both_file_and_link(
    client, organiser, agenda, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    panel = agenda["panel"]
    data = _session_form(panel.event, title=panel.title, start="10:00:00", end="11:00:00")
    roles = list(panel.roles.all())
    data.update(
        {
            "roles-TOTAL_FORMS": str(len(roles)),
            "roles-INITIAL_FORMS": str(len(roles)),
            "materials-TOTAL_FORMS": "2",
            "materials-INITIAL_FORMS": "1",
            "materials-0-id": panel.materials.get().pk,
            "materials-0-session": panel.pk,
            "materials-0-title_en": "Slides",
            "materials-0-url": "https://example.org/slides.pdf",
            "materials-0-order": "0",
            "materials-0-is_published": "on",
            "materials-1-session": panel.pk,
            "materials-1-title_en": "Virus",
            "materials-1-file": SimpleUploadedFile(
                "tool.exe", b"MZ", content_type="application/octet-stream"
            ),
            "materials-1-order": "1",
        }
    )
    for index, role in enumerate(roles):
        data.update(
            {
                f"roles-{index}-id": role.pk,
                f"roles-{index}-session": panel.pk,
                f"roles-{index}-person": role.person_id,
                f"roles-{index}-role": role.role,
                f"roles-{index}-order": role.order,
            }
        )
    response = client.post(f"/admin/agenda/session/{panel.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors
    assert errors[1]["file"] == [
        "File extension “exe” is not allowed. Allowed extensions are: pdf, pptx, ppt, docx, doc, "
        "xlsx, odt, odp, ods, txt."
    ]
    assert Material.objects.count() == 1


# -- changes recorded by the agenda rules -------------------------------------------------------


def test_session_admin_edit_raises_the_revision_once(client, organiser, summer_event):
    session = SessionFactory(
        event=summer_event, starts_at=cairo(2024, 8, 12, 10, 0), ends_at=cairo(2024, 8, 12, 11, 0)
    )
    bystander = SessionFactory(event=summer_event)
    client.force_login(organiser)
    data = _session_form(summer_event, title="Renamed", start="10:00:00", end="11:00:00")
    response = client.post(f"/admin/agenda/session/{session.pk}/change/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    bystander.refresh_from_db()
    assert (session.title, session.sequence, bystander.sequence) == ("Renamed", 1, 0)


def test_session_admin_publish_actions_go_through_the_rule(client, organiser, summer_event):
    draft = SessionFactory(event=summer_event, is_published=False)
    other = SessionFactory(event=summer_event, is_published=False)
    client.force_login(organiser)
    response = client.post(
        "/admin/agenda/session/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    other.refresh_from_db()
    assert [(draft.is_published, draft.sequence), (other.is_published, other.sequence)] == [
        (True, 1),
        (False, 0),
    ]


def test_event_inline_edit_raises_the_edited_sessions_revision(client, organiser, summer_event):
    edited = SessionFactory(
        event=summer_event,
        title="Old title",
        starts_at=cairo(2024, 8, 12, 10, 0),
        ends_at=cairo(2024, 8, 12, 11, 0),
        order=0,
    )
    kept = SessionFactory(
        event=summer_event,
        title="Kept",
        starts_at=cairo(2024, 8, 12, 12, 0),
        ends_at=cairo(2024, 8, 12, 13, 0),
        order=1,
    )
    client.force_login(organiser)
    response = client.get(f"/admin/webinar/event/{summer_event.pk}/change/")
    data = {}
    with timezone.override(summer_event.tzinfo):
        data.update(_form_values(response.context["adminform"].form))
        formset = response.context["inline_admin_formsets"][0].formset
        data.update(
            {
                "sessions-TOTAL_FORMS": "2",
                "sessions-INITIAL_FORMS": "2",
            }
        )
        for index, form in enumerate(formset.forms):
            for name, value in _form_values(form).items():
                data[f"sessions-{index}-{name}"] = value
    index = next(i for i, f in enumerate(formset.forms) if f.instance.pk == edited.pk)
    data[f"sessions-{index}-title_en"] = "New title"
    response = client.post(f"/admin/webinar/event/{summer_event.pk}/change/", data)
    assert response.status_code == 302
    rows = Session.objects.in_bulk([edited.pk, kept.pk])
    assert [(rows[s.pk].title_en, rows[s.pk].sequence) for s in (edited, kept)] == [
        ("New title", 1),
        ("Kept", 0),
    ]


def test_person_photo_refuses_a_pixel_bomb_without_decoding_it(
    client, organiser, settings, tmp_path
):
    import resource

    from tests.agenda.test_images import pixel_bomb_png

    settings.MEDIA_ROOT = tmp_path
    client.force_login(organiser)
    bomb = SimpleUploadedFile("tall.png", pixel_bomb_png(), content_type="image/png")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    response = client.post("/admin/agenda/person/add/", _person_form(photo=bomb))
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [
        "The image is 1 × 39000000 pixels; at most 10000 pixels on each side are accepted."
    ]
    assert "at most 10000 pixels on each side" in response.content.decode()
    assert Person.objects.count() == 0
    assert list(tmp_path.rglob("*")) == []  # nothing stored, not even half a photo
    # Decoding would need 39 MB per copy of the pixels; the header alone costs nothing.
    assert peak_after - peak_before < 20_000
