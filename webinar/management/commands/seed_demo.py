import datetime as dt
import secrets
import unicodedata
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from registration.models import Registration
from sessions.models import Person, Session, SessionRole
from webinar import demo, roles
from webinar.models import Event, Organisation, Series, User

DEMO_ORGANISER_EMAIL = "organiser@example.org"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class Command(BaseCommand):
    help = "Load the demo series from the concept note. Safe to run again: nothing is doubled."

    @transaction.atomic
    def handle(self, *args, **options):
        series, _ = Series.objects.update_or_create(
            slug=demo.SERIES["slug"],
            defaults={k: v for k, v in demo.SERIES.items() if k != "slug"},
        )
        for name, acronym in demo.ORGANISERS:
            series.organisers.add(
                Organisation.objects.get_or_create(name=name, defaults={"acronym": acronym})[0]
            )
        for name, acronym in demo.PARTNERS:
            series.partners.add(
                Organisation.objects.get_or_create(name=name, defaults={"acronym": acronym})[0]
            )

        for spec in demo.EVENTS:
            tz = zoneinfo.ZoneInfo(spec["time_zone"])
            start = spec["start"].replace(tzinfo=tz)
            event = self._event(series, spec, start=start, capacity=None)
            self._agenda(event)
            self._participants(event)
            if spec["slug"] == "sahel-sahara-2020":
                self._report(event)

        upcoming = Event.objects.filter(slug=demo.UPCOMING["slug"]).first()
        if upcoming is None:
            tz = zoneinfo.ZoneInfo(demo.UPCOMING["time_zone"])
            day = timezone.localdate(timezone=tz) + dt.timedelta(days=30)
            start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
            upcoming = self._event(
                series, demo.UPCOMING, start=start, capacity=demo.UPCOMING["capacity"]
            )
            self._agenda(upcoming)
        self._content_translations()
        login = self._organiser(series)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {Event.objects.count()} events in “{series}”.")
        )
        if login:
            self.stdout.write(login)

    def _content_translations(self):
        """French and Arabic texts of the demo content, where they are still empty.

        Only the demo's own rows: an organiser's events elsewhere in the database are theirs.
        """
        slugs = [spec["slug"] for spec in demo.EVENTS] + [demo.UPCOMING["slug"]]
        targets = [
            (Series.objects.filter(slug=demo.SERIES["slug"]), ("title",)),
            (Event.objects.filter(slug__in=slugs), ("title", "summary", "region")),
            (Session.objects.filter(event__slug__in=slugs), ("title",)),
        ]
        for queryset, fields in targets:
            for obj in queryset:
                changed = []
                for field in fields:
                    versions = demo.CONTENT_TRANSLATIONS.get(getattr(obj, f"{field}_en") or "")
                    for lang, text in (versions or {}).items():
                        if not getattr(obj, f"{field}_{lang}"):
                            setattr(obj, f"{field}_{lang}", text)
                            changed.append(f"{field}_{lang}")
                if changed:
                    obj.save(update_fields=changed)

    def _event(self, series, spec, *, start, capacity):
        event, _ = Event.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "series": series,
                "title": spec["title"],
                "region": spec["region"],
                "summary": spec["summary"],
                "description": spec["description"],
                "objectives": spec["objectives"],
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=spec["hours"]),
                "time_zone": spec["time_zone"],
                "capacity": capacity,
                "approval_mode": Event.ApprovalMode.AUTOMATIC,
            },
        )
        return event

    def _agenda(self, event):
        """The demo agenda with its fictional people. Skipped once the event has an agenda with
        people; an older demo agenda without any people (earlier versions) is replaced."""
        if SessionRole.objects.filter(session__event=event).exists():
            return
        event.sessions.all().delete()
        people = {}
        for key, (honorific, name, position, organisation, country, bio) in demo.PEOPLE.items():
            people[key], _ = Person.objects.get_or_create(
                name=name,
                organisation=organisation,
                defaults={
                    "honorific": honorific,
                    "position": position,
                    "country": country,
                    "bio": bio,
                    "email": f"{_ascii(name).lower().replace(' ', '.')}@example.org",
                },
            )
        sessions = Session.objects.bulk_create(
            Session(
                event=event,
                title=title,
                kind=kind,
                description=description,
                starts_at=event.starts_at + dt.timedelta(minutes=offset),
                ends_at=event.starts_at + dt.timedelta(minutes=offset + length),
                order=index,
                languages="en,fr",
                interpretation="" if kind == "break" else "ar",
            )
            for index, (offset, length, kind, title, description, _roles) in enumerate(demo.AGENDA)
        )
        SessionRole.objects.bulk_create(
            SessionRole(session=session, person=people[key], role=role, order=position)
            for session, spec in zip(sessions, demo.AGENDA, strict=True)
            for position, (key, role) in enumerate(spec[5])
        )

    def _participants(self, event):
        if event.registrations.exists():
            return
        past = event.ends_at < timezone.now()
        Registration.objects.bulk_create(
            Registration(
                event=event,
                email=_ascii(f"{first}.{last}.{index}@example.org").lower(),
                first_name=first,
                last_name=last,
                country=country,
                organization="Demo Ministry (fictional)",
                category=category,
                sex=sex,
                language=language,
                interpretation_language=interpretation,
                status=Registration.Status.APPROVED,
                consent_processing=True,
                consent_listing=listed,
                attended=past and minutes is not None,
                minutes_attended=minutes if past else None,
            )
            for index, (
                first,
                last,
                country,
                category,
                sex,
                language,
                interpretation,
                listed,
                minutes,
            ) in enumerate(demo.FICTIONAL_PARTICIPANTS)
        )

    def _report(self, event):
        """Draft findings and recommendations, once; rapporteurs rewrite them in the admin."""
        from reports.models import Finding, Recommendation, Report, SessionSummary

        if Report.objects.filter(event=event).exists():
            return
        texts = {
            f"{field}_{lang}": value
            for field, by_lang in demo.REPORT.items()
            for lang, value in by_lang.items()
        }
        report = Report.objects.create(
            event=event,
            background_en=event.description,
            objectives_en=event.objectives,
            region_countries=demo.REPORT_REGION_COUNTRIES,
            **texts,
        )
        sessions = list(event.sessions.order_by("starts_at", "order", "pk"))
        SessionSummary.objects.bulk_create(
            SessionSummary(
                report=report,
                session=sessions[index],
                **{f"key_points_{lang}": value for lang, value in points.items()},
            )
            for index, points in demo.REPORT_SESSION_SUMMARIES
        )
        Finding.objects.bulk_create(
            Finding(
                report=report,
                challenge_type=challenge,
                programme_area=area,
                session=sessions[index] if index is not None else None,
                order=order,
                **{f"text_{lang}": value for lang, value in text.items()},
            )
            for order, (challenge, area, index, text) in enumerate(demo.REPORT_FINDINGS)
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                report=report,
                addressee=addressee,
                stage=stage,
                level=level,
                sdg_target=sdg,
                gcm_objective=gcm,
                priority=priority,
                order=order,
                **{f"text_{lang}": value for lang, value in text.items()},
            )
            for order, (addressee, stage, level, sdg, gcm, priority, text) in enumerate(
                demo.REPORT_RECOMMENDATIONS
            )
        )

    def _organiser(self, series) -> str:
        """An organiser account for the demo, in the series' team; its password is shown once
        and kept under var/."""
        from allauth.account.models import EmailAddress

        note = settings.VAR_DIR / "demo-login.txt"
        user = User.objects.filter(email__iexact=DEMO_ORGANISER_EMAIL).first()
        if user is not None:
            series.team.add(user)
            return note.read_text().strip() if note.exists() else ""
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            DEMO_ORGANISER_EMAIL, password, is_staff=True, first_name="Demo", last_name="Organiser"
        )
        user.groups.add(Group.objects.get(name=roles.ORGANISERS))
        series.team.add(user)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        text = f"Organiser login: {DEMO_ORGANISER_EMAIL} / {password}"
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        note.write_text(text + "\n")
        note.chmod(0o600)
        return text
