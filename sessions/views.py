"""Public agenda pages and exports. Thin: look up, call a selector or exporter, render.

Every view answers conditional requests (ETag, and Last-Modified where the page depends only
on the agenda's rows) and sets Cache-Control; exports are also kept in the server cache under
their ETag, so an unchanged agenda is built once.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET

from sessions import exports, selectors
from webinar.models import Event
from webinar.selectors import event_published

EXPORT_MAX_AGE = 300
PAGE_MAX_AGE = 60
EXPORT_CACHE_SECONDS = 3600


def _event(request, slug: str) -> Event:
    """The published event, looked up once per request (the ETag function needs it too)."""
    cached = getattr(request, "_agenda_event", None)
    if cached is None or cached.slug != slug:
        cached = get_object_or_404(event_published(slug=slug))
        request._agenda_event = cached
    return cached


def _summary(request, slug: str) -> dict:
    cached = getattr(request, "_agenda_summary", None)
    if cached is None:
        cached = selectors.agenda_summary(event=_event(request, slug))
        request._agenda_summary = cached
    return cached


def _etag(request, slug: str, **kwargs) -> str:
    extra = request.resolver_match.url_name if request.resolver_match else ""
    return selectors.agenda_etag(
        event=_event(request, slug),
        # Texts are in the reader's language: one validator (and cached export) per language.
        extra=f"{extra}:{kwargs}:{get_language()}",
        summary=_summary(request, slug),
    )


def _last_modified(request, slug: str, **kwargs):
    return selectors.agenda_last_modified(
        event=_event(request, slug), summary=_summary(request, slug)
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _cached_export(request, slug: str, kind: str, build) -> bytes:
    key = f"agenda-export:{kind}:{_base_url(request)}:{_etag(request, slug)}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, EXPORT_CACHE_SECONDS)
    return body


@require_GET
@cache_control(public=True, max_age=EXPORT_MAX_AGE)
@condition(etag_func=_etag, last_modified_func=_last_modified)
def agenda_ics(request, slug: str):
    event = _event(request, slug)

    def build() -> bytes:
        sessions = selectors.event_agenda(event=event)
        return exports.agenda_calendar(event=event, sessions=sessions, base_url=_base_url(request))

    response = HttpResponse(
        _cached_export(request, slug, "ics", build), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-agenda.ics"'
    return response


@require_GET
@cache_control(public=True, max_age=EXPORT_MAX_AGE)
@condition(etag_func=_etag, last_modified_func=_last_modified)
def agenda_json(request, slug: str):
    event = _event(request, slug)

    def build() -> bytes:
        sessions = selectors.event_agenda(event=event)
        data = exports.agenda_json(event=event, sessions=sessions, base_url=_base_url(request))
        text = json.dumps(data, ensure_ascii=False, indent=1)
        # Same JSON, but safe even if someone pastes it inside an HTML <script>.
        for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(char, escaped)
        return text.encode()

    response = HttpResponse(
        _cached_export(request, slug, "json", build),
        content_type="application/json; charset=utf-8",
    )
    response["Link"] = f'<{_base_url(request)}/agenda/schema/v1.json>; rel="describedby"'
    return response


@require_GET
@cache_control(public=True, max_age=EXPORT_CACHE_SECONDS)
def agenda_schema(request):
    path = Path(settings.BASE_DIR) / exports.JSON_SCHEMA_PATH
    schema = json.loads(path.read_text())
    # The file's $id is the path it is served at; served, it names this site's address.
    schema["$id"] = f"{_base_url(request)}{reverse('agenda:agenda_schema')}"
    return JsonResponse(schema)


def _session_or_404(request, slug: str, pk: int):
    session = selectors.session_published(event=_event(request, slug), pk=pk)
    if session is None:
        raise Http404
    return session


@require_GET
@cache_control(public=True, max_age=EXPORT_MAX_AGE)
@condition(etag_func=_etag, last_modified_func=_last_modified)
def session_ics(request, slug: str, pk: int):
    event = _event(request, slug)
    session = _session_or_404(request, slug, pk)
    body = exports.agenda_calendar(
        event=event, sessions=[session], base_url=_base_url(request), name=session.title
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-session-{pk}.ics"'
    return response


@require_GET
@cache_control(max_age=PAGE_MAX_AGE)
@condition(etag_func=_etag)
def session_detail(request, slug: str, pk: int):
    event = _event(request, slug)
    session = _session_or_404(request, slug, pk)
    return render(request, "sessions/session_detail.html", {"event": event, "session": session})


@require_GET
@cache_control(max_age=PAGE_MAX_AGE)
@condition(etag_func=_etag)
def speakers(request, slug: str):
    event = _event(request, slug)
    people = selectors.event_speakers(event=event)
    return render(request, "sessions/speakers.html", {"event": event, "people": people})
