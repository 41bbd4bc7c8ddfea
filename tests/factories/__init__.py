import datetime as dt

import factory
from django.utils import timezone

from registration.models import Category, Question, Registration
from reports.models import Finding, Recommendation, Report, ReportBuild, SessionSummary
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


TEST_SERIES_SLUG = "test-series"


def default_series() -> Series:
    """The series events belong to unless a test says otherwise; the ``organiser`` and
    ``rapporteur`` fixtures are in its team (``other_organiser`` is not)."""
    return Series.objects.get_or_create(slug=TEST_SERIES_SLUG, defaults={"title": "Test series"})[0]


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    series = factory.LazyFunction(default_series)
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


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.TEXT


class ReportBuildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportBuild

    event = factory.SubFactory(EventFactory)
    language = "en"
    report = factory.LazyAttribute(lambda o: Report.objects.get_or_create(event=o.event)[0])


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


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    event = factory.SubFactory(EventFactory)
    title_en = factory.LazyAttribute(lambda o: o.event.title)


class SessionSummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSummary

    report = factory.SubFactory(ReportFactory)
    session = factory.SubFactory(SessionFactory, event=factory.SelfAttribute("..report.event"))
    key_points_en = "A key point."


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    report = factory.SubFactory(ReportFactory)
    challenge_type = "policy"
    programme_area = "services"
    text_en = factory.Sequence(lambda n: f"Finding {n}")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    report = factory.SubFactory(ReportFactory)
    addressee = "national_governments"
    stage = "planning"
    level = "national"
    text_en = factory.Sequence(lambda n: f"Recommendation {n}")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "delegations.Delegation"

    event = factory.SubFactory(EventFactory)
    country = factory.Iterator(["NE", "ML", "TD", "BF", "MR", "SD", "LY", "EG", "MA", "TN"])
    focal_point_name = factory.Sequence(lambda n: f"Focal Point {n}")
    focal_point_email = factory.Sequence(lambda n: f"focal{n}@example.org")
    focal_point_language = "en"
    quota = 3
    nomination_deadline = factory.LazyAttribute(lambda o: o.event.starts_at - dt.timedelta(days=7))
