from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import condition, require_GET

from sessions.selectors import agenda_by_day, agenda_etag, event_agenda
from webinar import health, selectors


@require_GET
def home(request):
    upcoming, past = selectors.events_for_home()
    return render(request, "webinar/home.html", {"upcoming": upcoming, "past": past})


def _event_detail_etag(request, slug: str):
    event = selectors.event_published(slug=slug).first()
    if event is None:
        return None
    request._agenda_event = event
    return agenda_etag(event=event, extra=f"event_detail:{event.registration_is_open()}")


@require_GET
@cache_control(max_age=60)
@condition(etag_func=_event_detail_etag)
def event_detail(request, slug: str):
    event = getattr(request, "_agenda_event", None) or get_object_or_404(
        selectors.event_published(slug=slug)
    )
    agenda_days = agenda_by_day(event=event, sessions=event_agenda(event=event))
    return render(
        request, "webinar/event_detail.html", {"event": event, "agenda_days": agenda_days}
    )


@never_cache
@require_GET
def health_view(request):
    ok, checks = health.run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    return JsonResponse(
        {"status": "ok" if ok else "error", "failing": failing, "checks": checks},
        status=200 if ok else 503,
    )
