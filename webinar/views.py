import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
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


# Served inline; any other public file is offered as a download, so nothing uploaded can be
# rendered as a page of this site.
INLINE_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp"}


@require_GET
def public_media(request, path: str):
    """A public upload (speaker photos, session materials) streamed from the storage.

    Only names under ``PUBLIC_MEDIA_PREFIXES`` are served: report PDFs and anything else in
    the storage answer 404 here whatever their name, as does a path that tries to leave its
    folder. Whatever storage holds the files (local disk or object storage), the web process
    reads them through the storage API.
    """
    name = posixpath.normpath(path)
    if name != path or name.startswith(("/", ".")) or "\\" in name:
        raise Http404
    if not name.startswith(tuple(settings.PUBLIC_MEDIA_PREFIXES)):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise Http404 from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_MEDIA_TYPES
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=posixpath.basename(name),
    )
    # Uploads get a new name when replaced, so a long public cache is safe.
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MEDIA_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
