from django.core.management.base import BaseCommand

from webinar.demo.loader import seed_demo
from webinar.models import Event


class Command(BaseCommand):
    help = "Load the demo series from the concept note. Safe to run again: nothing is doubled."

    def handle(self, *args, **options):
        series, login = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {Event.objects.count()} events in “{series}”.")
        )
        if login:
            self.stdout.write(login)
