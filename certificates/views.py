"""Public verification, the batch status page, downloads. Thin: parse, call, render."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from certificates import selectors, services
from certificates.models import Certificate, CertificateBatch, normalise_number
from registration import links
from reports.views import staff_permission_required
from webinar.http import client_address
from webinar.locale import format_date
from webinar.models import Event
from webinar.teams import scope_to_user


@require_GET
@never_cache
def verify(request, number: str):
    """Whether a number was issued, to whom (name and event) and when; nothing else."""
    if services.verification_rate_limited(client_address=client_address(request)):
        return render(request, "certificates/too_many.html", status=429)
    certificate = selectors.certificate_for_verification(number=normalise_number(number)[:20])
    if certificate is None:
        response = render(request, "certificates/unknown.html", {"number": number[:20]}, status=404)
    else:
        language = translation.get_language() or "en"
        zone = certificate.event.time_zone
        context = {
            "certificate": certificate,
            "event": certificate.event,
            "issued_on": format_date(certificate.issued_at, language=language, zone=zone),
            "revoked_on": format_date(certificate.revoked_at, language=language, zone=zone)
            if certificate.revoked_at
            else "",
        }
        response = render(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _batch_payload(batch: CertificateBatch) -> dict:
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_display": str(batch.get_status_display()),
        "done": batch.done,
        "total": batch.total,
        "progress": batch.progress,
        "finished": batch.is_finished,
        "error": batch.error if batch.status == CertificateBatch.Status.FAILED else "",
    }


@require_GET
@never_cache
@staff_permission_required("certificates.view_certificatebatch")
def batch_status(request, pk: int):
    # Another series' batch is not there for its organisers.
    batches = scope_to_user(CertificateBatch.objects.all(), user=request.user)
    batch = get_object_or_404(batches.select_related("event", "requested_by"), pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(_batch_payload(batch))
    return render(
        request,
        "certificates/batch_status.html",
        {
            "batch": batch,
            "can_download": request.user.has_perm("certificates.download_certificate"),
            # Without JavaScript the page reloads itself until the batch is finished.
            "refresh_seconds": None if batch.is_finished else 3,
        },
    )


@require_GET
@never_cache
@staff_permission_required("certificates.download_certificate")
def event_zip(request, slug: str):
    event = get_object_or_404(scope_to_user(Event.objects.all(), user=request.user), slug=slug)
    response = StreamingHttpResponse(
        services.certificates_zip_chunks(event=event), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="certificates-{event.slug}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def personal_download(request, token: str, number: str):
    """The registrant's own certificate, by their personal link."""
    try:
        registration = links.registration_from_token(token=token)
    except links.LinkExpired:
        return render(request, "registration/link_expired.html", status=410)
    except links.LinkInvalid:
        return render(request, "registration/link_invalid.html", status=404)
    certificate = (
        Certificate.objects.filter(
            registration=registration, number=normalise_number(number), revoked_at=None
        )
        .exclude(file="")
        .first()
    )
    if certificate is None:
        raise Http404
    try:
        handle = default_storage.open(str(certificate.file.name), "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"certificate-{certificate.number}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def batch_status_url(batch: CertificateBatch) -> str:
    return reverse("certificates:batch_status", kwargs={"pk": batch.pk})
