from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sessions.selectors import event_published_sessions
from webinar import health, selectors


@require_GET
def home(request):
    upcoming, past = selectors.events_for_home()
    return render(request, "webinar/home.html", {"upcoming": upcoming, "past": past})


@require_GET
def event_detail(request, slug: str):
    event = get_object_or_404(selectors.event_published(slug=slug))
    sessions = event_published_sessions(event=event)
    return render(request, "webinar/event_detail.html", {"event": event, "sessions": sessions})


@never_cache
@require_GET
def health_view(request):
    ok, checks = health.run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    return JsonResponse(
        {"status": "ok" if ok else "error", "failing": failing, "checks": checks},
        status=200 if ok else 503,
    )
