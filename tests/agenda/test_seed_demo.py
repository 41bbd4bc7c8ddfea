import pytest
from django.core.management import call_command

from sessions.models import Person, Session, SessionRole
from sessions.selectors import person_double_bookings

pytestmark = pytest.mark.django_db

WORKSHOPS = ["north-africa", "sahel-sahara-2020"]


def test_seed_demo_gives_both_workshops_the_planned_agenda():
    call_command("seed_demo")
    for slug in WORKSHOPS:
        kinds = list(
            Session.objects.filter(event__slug=slug)
            .order_by("starts_at", "order")
            .values_list("kind", flat=True)
        )
        assert kinds == [
            "opening",
            "panel",
            "panel",
            "break",
            "working_group",
            "working_group",
            "working_group",
            "working_group",
            "closing",
        ], slug
        opening = Session.objects.get(event__slug=slug, kind="opening")
        assert opening.title == "Opening remarks by the organisers"
        assert list(opening.roles.values_list("person__organisation", flat=True)[:2]) == [
            "CCCPA",
            "IOM",
        ]


def test_seed_demo_speakers_are_fictional_and_not_doubled():
    call_command("seed_demo")
    call_command("seed_demo")
    assert Person.objects.count() == 10
    assert all(
        email.endswith("@example.org") for email in Person.objects.values_list("email", flat=True)
    )
    assert all("Demo data." in bio for bio in Person.objects.values_list("bio", flat=True))
    assert SessionRole.objects.filter(session__event__slug="sahel-sahara-2020").count() == 22


def test_seed_demo_every_working_group_has_a_rapporteur_and_no_one_is_double_booked():
    call_command("seed_demo")
    for slug in WORKSHOPS:
        groups = Session.objects.filter(event__slug=slug, kind="working_group")
        assert [g.roles.filter(role="rapporteur").count() for g in groups] == [1, 1, 1, 1]
        event = groups[0].event
        assert person_double_bookings(event=event) == []
