import time

from django.core.management.base import BaseCommand, CommandError

from certificates import services
from certificates.models import CertificateBatch
from webinar.models import Event


class Command(BaseCommand):
    help = (
        "Issue the certificates of an event (attendees and speakers) and queue their rendering; "
        "with --wait, wait for the worker to finish."
    )

    def add_arguments(self, parser):
        parser.add_argument("event_slug")
        parser.add_argument("--wait", action="store_true", help="Block until rendering ends.")
        parser.add_argument(
            "--timeout", type=float, default=1800, help="Seconds to wait with --wait."
        )

    def handle(self, *args, event_slug, wait, timeout, **options):
        try:
            event = Event.objects.get(slug=event_slug)
        except Event.DoesNotExist:
            raise CommandError(f"No event with the slug “{event_slug}”.") from None
        result = services.certificates_issue(event=event)
        self.stderr.write(
            f"{event.slug}: {len(result.created)} new, {len(result.reissued)} reissued, "
            f"{result.unchanged} unchanged."
        )
        batch = result.batch
        if batch is None:
            self.stderr.write("Nothing to render.")
            return
        self.stderr.write(f"Rendering in batch {batch.pk} ({batch.total} certificates).")
        if not wait:
            self.stdout.write(str(batch.pk))
            return
        deadline = time.monotonic() + timeout
        shown = -1
        while True:
            batch.refresh_from_db()
            if batch.done != shown:
                shown = batch.done
                self.stderr.write(f"  {batch.done}/{batch.total}")
            if batch.status == CertificateBatch.Status.SUCCEEDED:
                break
            if batch.status == CertificateBatch.Status.FAILED:
                raise CommandError(f"Certificate batch {batch.pk} failed: {batch.error}")
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Certificate batch {batch.pk} is still {batch.status} after {timeout:.0f} s; "
                    "is a worker running (celery -A webinar worker)?"
                )
            time.sleep(0.5)
        self.stdout.write(f"{batch.done} certificates rendered")
