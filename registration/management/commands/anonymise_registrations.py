from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registration import services
from webinar.models import Event


class Command(BaseCommand):
    help = (
        "Anonymise registrations of events that ended more than the retention period ago "
        "(or of one event with --event), keeping only what the statistics need."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", help="slug of one event to anonymise now")
        parser.add_argument(
            "--retention-days",
            type=int,
            default=settings.REGISTRATION_RETENTION_DAYS,
            help="days after an event's end (default: REGISTRATION_RETENTION_DAYS)",
        )

    def handle(self, *args, event=None, retention_days=None, **options):
        if event:
            found = Event.objects.filter(slug=event).first()
            if found is None:
                raise CommandError(f"No event with the slug {event!r}.")
            count = services.event_anonymise_registrations(event=found)
        else:
            if retention_days < 0:
                raise CommandError("--retention-days must be 0 or more.")
            count = services.events_anonymise_expired(retention_days=retention_days)
        self.stdout.write(f"{count} registrations anonymised.")
