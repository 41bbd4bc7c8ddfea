"""One certificate as one A4 landscape page: HTML from a template, PDF by WeasyPrint.

The page goes through the report's pipeline (``reports.pdf``): the restricted URL fetcher
serves the project's static files and, from memory, this render's QR code and signature.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from certificates.images import signature_format
from certificates.models import Certificate, CertificateSettings
from reports.pdf import GENERATED_BASE_URL, render_pdf
from webinar.languages import LANGUAGE_CODES
from webinar.locale import format_date
from webinar.models import Event

LOGO_MAX_BYTES = 4 * 1024 * 1024


def verification_url(*, number: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", kwargs={"number": number})


def qr_svg(url: str) -> bytes:
    """The address as a QR code in SVG (vector: sharp at any print size)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", border=0, scale=4, xmldecl=False)
    return out.getvalue()


@dataclass(frozen=True)
class Signatory:
    """What every page of an event shares, read once per batch: the organisers, and the
    signatory with their signature image (from storage, checked again)."""

    name: str
    titles: dict[str, str]
    signature: tuple[bytes, str] | None
    # {language: organisers' names}; {language: (key in ``images``, organisation's name)}.
    organisers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    logos: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    @classmethod
    def for_event(cls, event: Event) -> Signatory:
        series = event.series
        people = [*series.organisers.all(), *series.partners.all()]
        organisers = {}
        for code in LANGUAGE_CODES:
            with translation.override(code):
                organisers[code] = tuple(str(o) for o in series.organisers.all())
        images: dict[str, tuple[bytes, str]] = {}
        logos = []
        for organisation in people:
            key = f"logo-{organisation.pk}"
            if not organisation.logo or key in images:
                continue
            try:
                with default_storage.open(str(organisation.logo.name), "rb") as handle:
                    content = handle.read(LOGO_MAX_BYTES + 1)
            except OSError:
                continue  # the name is printed without its logo
            if len(content) <= LOGO_MAX_BYTES:  # checked and re-encoded as PNG at upload
                images[key] = (content, "image/png")
                logos.append(key)
        named = {}
        for code in LANGUAGE_CODES:
            with translation.override(code):
                names = {f"logo-{o.pk}": str(o) for o in people}
            named[code] = tuple((key, names[key]) for key in logos)
        row = CertificateSettings.objects.filter(event=event).first()
        if row is None:
            return cls(
                name="",
                titles={},
                signature=None,
                organisers=organisers,
                logos=named,
                images=images,
            )
        signature = None
        if row.signature:
            with default_storage.open(str(row.signature.name), "rb") as handle:
                content = handle.read()
            # Checked again at render time: the file in storage may not be what was uploaded.
            content_type = signature_format(io.BytesIO(content))
            signature = (content, content_type)
        titles = {code: row.signatory_title(code) for code, _name in settings.LANGUAGES}
        return cls(
            name=row.signatory_name,
            titles=titles,
            signature=signature,
            organisers=organisers,
            logos=named,
            images=images,
        )


def hours_text(minutes: int, language: str) -> str:
    """ "2.5 hours", "2,5 heures", "ساعتان": CLDR's units, with each language's plural rules
    (which gettext cannot apply to decimals)."""
    from babel.units import format_unit

    return format_unit(
        round(minutes / 60, 1), "duration-hour", length="long", format="#,##0.#", locale=language
    )


def certificate_render_context(*, certificate: Certificate, signatory: Signatory) -> dict:
    """Call inside ``translation.override(certificate.language)``."""
    event = certificate.event
    language = certificate.language
    statements: dict[str, str] = {
        Certificate.Kind.ATTENDANCE: _("attended the webinar"),
        Certificate.Kind.SPEAKER: _("participated as speaker in the webinar"),
        Certificate.Kind.MODERATOR: _("participated as moderator in the webinar"),
    }
    titles: dict[str, str] = {
        Certificate.Kind.ATTENDANCE: _("Certificate of attendance"),
        Certificate.Kind.SPEAKER: _("Certificate of participation"),
        Certificate.Kind.MODERATOR: _("Certificate of participation"),
    }
    return {
        "certificate": certificate,
        "event": event,
        "series": event.series,
        "language": language,
        "rtl": translation.get_language_bidi(),
        "title": titles[certificate.kind],
        "statement": statements[certificate.kind],
        "event_date": format_date(event.starts_at, language=language, zone=event.time_zone),
        "hours": hours_text(certificate.minutes, language),
        "issued_on": format_date(certificate.issued_at, language=language, zone=event.time_zone),
        "organisers": signatory.organisers.get(language, ()),
        "logos": signatory.logos.get(language, ()),
        "signatory_name": signatory.name,
        "signatory_title": signatory.titles.get(language, ""),
        "has_signature": signatory.signature is not None,
        "verify_url": verification_url(number=certificate.number),
        "generated": GENERATED_BASE_URL,
    }


def certificate_html(*, certificate: Certificate, signatory: Signatory) -> str:
    with translation.override(certificate.language):
        context = certificate_render_context(certificate=certificate, signatory=signatory)
        return render_to_string("certificates/certificate.html", context)


def certificate_generated(*, certificate: Certificate, signatory: Signatory) -> dict:
    """The images this page loads from memory: its QR code and the signature."""
    generated = {"qr.svg": (qr_svg(verification_url(number=certificate.number)), "image/svg+xml")}
    generated.update(signatory.images)
    if signatory.signature is not None:
        generated["signature"] = signatory.signature
    return generated


def certificate_pdf(
    *,
    certificate: Certificate,
    signatory: Signatory,
) -> bytes:
    rendered = render_pdf(
        html=certificate_html(certificate=certificate, signatory=signatory),
        language=certificate.language,
        generated=certificate_generated(certificate=certificate, signatory=signatory),
        pdf_variant=settings.CERTIFICATE_PDF_VARIANT or None,
    )
    return rendered.content
