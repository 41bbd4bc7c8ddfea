"""Build status (polled), staff download, and the public share link."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.models import ReportBuild
from webinar.teams import scope_to_user


def staff_permission_required(perm: str):
    """Anonymous visitors go to the login page; signed-in users without ``perm`` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (request.user.is_staff and request.user.has_perm(perm)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _status_payload(build: ReportBuild) -> dict:
    return {
        "id": build.pk,
        "status": build.status,
        "status_display": str(build.get_status_display()),
        "progress": build.progress,
        "finished": build.is_finished,
        "error": build.error_display() if build.status == ReportBuild.Status.FAILED else "",
        "download_url": reverse("reports:download", kwargs={"pk": build.pk})
        if build.status == ReportBuild.Status.SUCCEEDED
        else None,
    }


@require_GET
@never_cache
@staff_permission_required("reports.view_reportbuild")
def build_status(request, pk: int):
    builds = scope_to_user(ReportBuild.objects.all(), user=request.user)
    build = get_object_or_404(builds.select_related("event", "requested_by"), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(_status_payload(build))
    return render(
        request,
        "reports/build_status.html",
        {
            "build": build,
            "can_download": request.user.has_perm("reports.download_reportbuild"),
            "report_url": reverse("admin:reports_report_change", args=[build.report_id])
            if build.report_id and request.user.has_perm("reports.view_report")
            else "",
            # Without JavaScript the page reloads itself until the build is finished.
            "refresh_seconds": None if build.is_finished else 3,
        },
    )


def _pdf_response(build: ReportBuild) -> FileResponse:
    if build.status != ReportBuild.Status.SUCCEEDED or not build.file:
        raise Http404
    try:
        handle = default_storage.open(str(build.file.name), "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"report-{build.event.slug}-{build.language}-{build.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
@staff_permission_required("reports.download_reportbuild")
def build_download(request, pk: int):
    builds = scope_to_user(ReportBuild.objects.all(), user=request.user)
    build = get_object_or_404(builds.select_related("event"), pk=pk)
    return _pdf_response(build)


@require_GET
@never_cache
@staff_permission_required("reports.download_reportbuild")
def build_first_page(request, pk: int):
    """The first page as a small PNG, for the build page; the same permission as the PDF."""
    builds = scope_to_user(ReportBuild.objects.all(), user=request.user)
    build = get_object_or_404(builds, pk=pk, status=ReportBuild.Status.SUCCEEDED)
    if not build.thumbnail or not build.thumbnail.name:
        raise Http404
    try:
        handle = default_storage.open(build.thumbnail.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def shared_download(request, token: str):
    """Public: whoever has the link gets the PDF, until the organisers revoke it."""
    build = get_object_or_404(
        ReportBuild.objects.select_related("event"),
        share_token=token,
        status=ReportBuild.Status.SUCCEEDED,
    )
    response = _pdf_response(build)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
