import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from reports import services
from reports.models import ReportBuild
from webinar.languages import LANGUAGE_CODES
from webinar.models import Event


class Command(BaseCommand):
    help = "Queue a build of an event's report PDF; with --wait, wait for the worker to finish."

    def add_arguments(self, parser):
        parser.add_argument("event_slug")
        parser.add_argument("--language", choices=LANGUAGE_CODES, default="en")
        parser.add_argument("--wait", action="store_true", help="Block until the build ends.")
        parser.add_argument(
            "--allow-fallback",
            action="store_true",
            help="Build even if texts are not translated (they are shown in another language).",
        )
        parser.add_argument(
            "--timeout", type=float, default=900, help="Seconds to wait with --wait."
        )

    def handle(self, *args, event_slug, language, wait, timeout, allow_fallback, **options):
        try:
            event = Event.objects.get(slug=event_slug)
        except Event.DoesNotExist:
            raise CommandError(f"No event with the slug “{event_slug}”.") from None
        try:
            build = services.report_build_request(
                event=event, language=language, allow_fallback=allow_fallback
            )
        except services.MissingTranslations as exc:
            listing = "\n".join(f"  - {text}" for text in exc.missing)
            raise CommandError(
                f"The report is not fully translated into “{language}”; not built. "
                f"Missing:\n{listing}\nTranslate them, or pass --allow-fallback."
            ) from None
        self.stderr.write(f"Queued report build {build.pk} ({event.slug}, {language}).")
        if not wait:
            self.stdout.write(str(build.pk))
            return
        deadline = time.monotonic() + timeout
        while True:
            build.refresh_from_db()
            if build.status == ReportBuild.Status.SUCCEEDED:
                break
            if build.status == ReportBuild.Status.FAILED:
                raise CommandError(f"Report build {build.pk} failed: {build.error}")
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Report build {build.pk} is still {build.status} after {timeout:.0f} s; "
                    "is a worker running (celery -A webinar worker)?"
                )
            time.sleep(0.5)
        name = str(build.file.name)
        try:
            location = default_storage.path(name)
        except NotImplementedError:
            location = name
        self.stderr.write(f"{build.pages} pages, {build.size} bytes, sha256 {build.sha256}")
        self.stdout.write(location)
