"""Reactions to changes made outside this app."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from webinar.models import Event


@receiver(post_save, sender=Event, dispatch_uid="registration.fill_free_seats")
def fill_free_seats_after_event_change(sender, instance: Event, created: bool, raw=False, **kw):
    # Organisers raise the capacity in the event's admin page; the waiting list must not wait
    # for the next cancellation to get the new seats.
    if created or raw:
        return
    from registration import services

    event_id = instance.pk
    transaction.on_commit(lambda: services.event_fill_free_seats(event_id=event_id), robust=True)
