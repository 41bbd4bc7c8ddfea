import datetime as dt

import factory
from django.utils import timezone

from registration.models import Category, Registration
from reports.models import ReportBuild
from sessions.models import Material, Person, Session, SessionRole
from webinar.models import Event, Series, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    title = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    series = factory.SubFactory(SeriesFactory)
    title = factory.Sequence(lambda n: f"Webinar {n}")
    slug = factory.Sequence(lambda n: f"webinar-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    time_zone = "Africa/Cairo"
    capacity = None


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=45))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Participant {n}")
    country = "NE"
    organization = "Ministry (fictional)"
    category = Category.NATIONAL_GOVERNMENT
    status = Registration.Status.APPROVED
    consent_processing = True


class ReportBuildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportBuild

    event = factory.SubFactory(EventFactory)
    language = "en"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Speaker {n}")
    position = "Director"
    organisation = "Ministry (fictional)"
    country = "NE"
    email = factory.Sequence(lambda n: f"speaker{n}@example.org")


class SessionRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRole

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    role = SessionRole.Role.SPEAKER


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Material {n}")
    url = "https://example.org/slides.pdf"
