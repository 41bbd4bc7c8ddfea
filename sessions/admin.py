"""Organisers' agenda admin: sessions (inline under the event and on their own), people with
their roles, materials, conflict warnings and cloning an event for the next workshop.

Times are entered and shown in the event's time zone: the change form runs with that zone
active, so Django's date-time fields read and display local wall-clock time (stored in UTC).
"""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from sessions import selectors, services
from sessions.models import Material, Person, Session, SessionRole, available_zones
from webinar.admin_access import ADDITION, JoinDetailsMixin, log_admin_action
from webinar.admin_forms import AdminFormsMixin, short_title_column, zone_note
from webinar.admin_options import HTTPS_URL_FIELDS
from webinar.admin_teams import TeamScopedMixin
from webinar.content_i18n import MissingTranslationsMixin
from webinar.models import Event


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    return zoneinfo.ZoneInfo(name) if name and name in available_zones() else None


def _in_zone(zone, view):
    """Run an admin view and render its template response with the event's zone active
    (a TemplateResponse renders after the view returns, outside a plain ``with``)."""
    with timezone.override(zone):
        response = view()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response


def warn_agenda_conflicts(request, *, event: Event) -> None:
    """Overlaps are allowed (parallel breakouts exist) but the organiser should know."""
    for first, second in selectors.event_overlapping_sessions(event=event):
        messages.warning(
            request,
            gettext("Sessions “%(first)s” and “%(second)s” overlap.")
            % {"first": first.title, "second": second.title},
        )
    for person, first, second in selectors.person_double_bookings(event=event):
        messages.warning(
            request,
            gettext(
                "%(person)s is booked in two overlapping sessions: “%(first)s” and “%(second)s”."
            )
            % {"person": person.display_name, "first": first.title, "second": second.title},
        )


class SessionInline(AdminFormsMixin, TranslationStackedInline):
    # Stacked, not a table: a row of three titles, two dates and the languages was 2,250 px
    # wide; stacked, the event's page fits a 1366 px screen.
    model = Session
    extra = 0
    fields = [
        "title",
        ("starts_at", "ends_at"),
        ("kind", "order", "is_published"),
        "languages",
    ]
    show_change_link = True


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class EventAgendaAdminMixin(_AdminBase):
    """For EventAdmin: event time zone while editing, conflict warnings, the clone action."""

    actions = ["clone_event"]

    def _request_zone(self, request, object_id):
        if request.method == "POST" and _zone(request.POST.get("time_zone")):
            return _zone(request.POST.get("time_zone"))
        if object_id:
            event = Event.objects.filter(pk=object_id).only("time_zone").first()
            return _zone(event.time_zone) if event else None
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self._request_zone(request, object_id)
        if zone is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        parent = super().changeform_view
        extra_context = {**(extra_context or {}), "zone_note": zone_note(zone.key)}
        return _in_zone(zone, lambda: parent(request, object_id, form_url, extra_context))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Sessions edited in the event's inline are changed sessions too (new ones start at 0).
        edited = [
            session.pk
            for formset in formsets
            if formset.model is Session
            for session, _fields in formset.changed_objects
        ]
        if edited:
            services.sessions_mark_changed(session_ids=edited)
        warn_agenda_conflicts(request, event=form.instance)

    @admin.action(description=_("Clone with its agenda for the next workshop"), permissions=["add"])
    def clone_event(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one event to clone."), level=messages.ERROR
            )
            return None
        event = queryset.select_related("series").get()
        if "apply" in request.POST:
            form = EventCloneForm(request.POST)
            if form.is_valid():
                clone = services.event_clone(
                    event=event,
                    starts_on=form.cleaned_data["starts_on"],
                    title=form.cleaned_data["title"],
                    slug=form.cleaned_data["slug"],
                )
                log_admin_action(
                    request,
                    objects=[clone],
                    flag=ADDITION,
                    message=gettext("Cloned from “%(event)s” by the admin action “%(action)s”.")
                    % {
                        "event": event.title,
                        "action": getattr(self.clone_event, "short_description", ""),
                    },
                )
                log_admin_action(
                    request,
                    objects=clone.sessions.all(),
                    flag=ADDITION,
                    message=gettext("Cloned with its event from “%(event)s”.")
                    % {"event": event.title},
                )
                self.message_user(
                    request,
                    gettext("“%(event)s” was cloned with %(count)d sessions; it is unpublished.")
                    % {"event": event.title, "count": clone.sessions.count()},
                    level=messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:webinar_event_change", args=[clone.pk]))
        else:
            form = EventCloneForm(initial={"title": event.title, "slug": f"{event.slug}-next"})
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Clone an event"),
            "event": event,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/agenda/clone_event.html", context)


class EventCloneForm(forms.Form):
    title = forms.CharField(label=_("Title of the new event"), max_length=300)
    slug = forms.SlugField(label=_("Slug of the new event"), max_length=100)
    starts_on = forms.DateField(
        label=_("First day of the new event"),
        help_text=_("Every session moves by the same number of days, at the same local time."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("An event with this slug already exists."))
        return slug


class SessionRoleInline(admin.TabularInline):
    model = SessionRole
    extra = 1
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]


class MaterialInline(AdminFormsMixin, TranslationTabularInline):
    model = Material
    extra = 0
    fields = ["title", "file", "url", "order", "is_published"]
    formfield_overrides = HTTPS_URL_FIELDS


@admin.register(Session)
class SessionAdmin(
    TeamScopedMixin, JoinDetailsMixin, AdminFormsMixin, MissingTranslationsMixin, TranslationAdmin
):
    # Fits a 1366 px screen; the kind and the people are on the session's page.
    list_display = [
        "title",
        short_title_column("event", _("event"), ordering="event__starts_at"),
        "local_start",
        "local_end",
        "is_published",
    ]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter), "kind", "is_published"]
    search_fields = ["title", "description"]
    list_select_related = ["event"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("event", "title", "kind", "description", "is_published")}),
        (_("When (in the event's time zone)"), {"fields": ("starts_at", "ends_at", "order")}),
        (_("Languages"), {"fields": ("languages", "interpretation")}),
        (_("Private"), {"fields": ("join_url",)}),
        (
            _("Record"),
            {"classes": ("collapse",), "fields": ("uid", "sequence", "created_at", "updated_at")},
        ),
    )
    inlines = [SessionRoleInline, MaterialInline]
    formfield_overrides = HTTPS_URL_FIELDS
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people_count=Count("roles"))

    @admin.display(description=_("people"), ordering="_people_count")
    def people_count(self, obj) -> int:
        return obj._people_count

    @admin.display(description=_("starts (event time)"), ordering="starts_at")
    def local_start(self, obj) -> str:
        return timezone.localtime(obj.starts_at, obj.event.tzinfo).strftime("%Y-%m-%d %H:%M %z")

    @admin.display(description=_("ends (event time)"), ordering="ends_at")
    def local_end(self, obj) -> str:
        return timezone.localtime(obj.ends_at, obj.event.tzinfo).strftime("%H:%M")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = None
        event_id = request.POST.get("event") or request.GET.get("event")
        if object_id and not event_id:
            session = Session.objects.filter(pk=object_id).select_related("event").first()
            zone = _zone(session.event.time_zone) if session else None
        elif event_id and str(event_id).isdigit():
            event = Event.objects.filter(pk=event_id).only("time_zone").first()
            zone = _zone(event.time_zone) if event else None
        if zone is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        parent = super().changeform_view
        extra_context = {**(extra_context or {}), "zone_note": zone_note(zone.key)}
        return _in_zone(zone, lambda: parent(request, object_id, form_url, extra_context))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(f.has_changed() for f in formsets)):
            services.sessions_mark_changed(session_ids=[form.instance.pk])
        warn_agenda_conflicts(request, event=form.instance.event)

    def _set_published(self, request, queryset, *, published: bool, action) -> None:
        changed = services.sessions_set_published(sessions=queryset, published=published)
        log_admin_action(
            request,
            objects=changed,
            message=gettext("Admin action “%(action)s”: %(state)s.")
            % {
                "action": action.short_description,
                "state": gettext("published") if published else gettext("unpublished"),
            },
        )
        self.message_user(
            request,
            ngettext("%(n)d session changed.", "%(n)d sessions changed.", len(changed))
            % {"n": len(changed)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected sessions"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, published=True, action=self.publish)

    @admin.action(description=_("Unpublish the selected sessions"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, published=False, action=self.unpublish)


class PersonRoleInline(TeamScopedMixin, admin.TabularInline):
    # A speaker may work for several series: each team sees and edits its own sessions' roles.
    model = SessionRole
    extra = 0
    fields = ["session", "role", "order"]
    autocomplete_fields = ["session"]


@admin.register(Person)
class PersonAdmin(AdminFormsMixin, MissingTranslationsMixin, TranslationAdmin):
    list_display = [
        "name",
        "honorific",
        "position",
        "organisation",
        "country",
        "roles_count",
        "missing_translations",
    ]
    list_filter = ["country", "session_roles__role"]
    search_fields = ["name", "organisation", "position", "email"]
    readonly_fields = ["created_at", "updated_at"]
    autocomplete_fields = ["user"]
    fieldsets = (
        (None, {"fields": ("honorific", "name", "position", "organisation", "country")}),
        (_("Public profile"), {"fields": ("bio", "photo")}),
        (_("Private"), {"fields": ("email", "user")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("created_at", "updated_at")}),
    )
    inlines = [PersonRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_roles_count=Count("session_roles"))

    @admin.display(description=_("roles"), ordering="_roles_count")
    def roles_count(self, obj) -> int:
        return obj._roles_count

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("photo")
        if "photo" in form.changed_data and upload and hasattr(upload, "content_type"):
            services.person_photo_normalise(person=obj, upload=upload)
        super().save_model(request, obj, form, change)
