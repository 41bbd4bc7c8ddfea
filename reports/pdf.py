"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

Report text and participant names can contain anything. They are escaped by the template, and
even so the renderer gets a fetcher that refuses every URL but the project's static files: no
``file://``, no network, no ``data:`` attachments.
"""

from __future__ import annotations

import functools
import gc
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# Relative URLs in report templates resolve against this base; nothing outside it is fetched.
STATIC_BASE_URL = "https://report-static.invalid/static/"
# Images made for this render (the charts) are served from memory under this prefix.
GENERATED_BASE_URL = "https://report-static.invalid/generated/"


class RefusedResource(ValueError):
    """A resource the report may not load. WeasyPrint skips it and goes on rendering."""


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def resolve_static(url: str) -> Path:
    """Map a report URL to a regular file inside a static root, or refuse it."""
    parts = urlsplit(url)
    base = urlsplit(STATIC_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise RefusedResource(f"not a static file URL: {url[:200]}")
    if not parts.path.startswith(base.path):
        raise RefusedResource(f"outside the static prefix: {url[:200]}")
    relative = unquote(parts.path[len(base.path) :])
    if not relative or "\x00" in relative or relative.startswith("/") or "\\" in relative:
        raise RefusedResource(f"bad static path: {url[:200]}")
    if any(segment in ("", ".", "..") for segment in relative.split("/")):
        raise RefusedResource(f"bad static path: {url[:200]}")
    found = finders.find(relative)
    if not found:
        raise RefusedResource(f"no such static file: {relative[:200]}")
    path = Path(found).resolve()
    if not any(path.is_relative_to(root) for root in _static_roots()):
        raise RefusedResource(f"outside the static roots: {relative[:200]}")
    if not path.is_file():
        raise RefusedResource(f"not a regular file: {relative[:200]}")
    return path


def make_url_fetcher(generated: dict[str, tuple[bytes, str]] | None = None):
    """A fetcher for the static files, plus ``generated`` {name: (bytes, content type)}."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    resources: dict[str, tuple[bytes, str]] = generated or {}

    class StaticOnlyURLFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"https"}, allow_redirects=False, timeout=1)

        def fetch(self, url, headers=None):
            if url.startswith(GENERATED_BASE_URL):
                name = url[len(GENERATED_BASE_URL) :]
                if name not in resources:
                    raise RefusedResource(f"no such generated resource: {name[:200]}")
                content, content_type = resources[name]
                return URLFetcherResponse(url, content, headers={"Content-Type": content_type})
            path = resolve_static(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher()


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int


def render_pdf(
    *,
    html: str,
    language: str = "en",
    generated: dict[str, tuple[bytes, str]] | None = None,
    pdf_variant: str | None = None,
) -> RenderedPDF:
    """Render ``html``; ``generated`` images are served by name under GENERATED_BASE_URL.

    ``pdf_variant`` is passed to WeasyPrint (for instance ``"pdf/ua-1"``: tagged, accessible).
    The document language and title come from the HTML (``<html lang>`` and ``<title>``).
    """
    # Imported here: WeasyPrint loads Pango at import, which the web process never needs.
    from weasyprint import HTML

    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    with _no_cycle_collection():
        document = HTML(
            string=html, base_url=STATIC_BASE_URL, url_fetcher=make_url_fetcher(generated)
        ).render(font_config=_font_config(), **options)
        content = document.write_pdf(finisher=_serialise_streams_once, **options)
        pages = len(document.pages)
        # Dropped before the collector runs again: what reference counting frees now, the
        # collector's first pass does not walk (a twelfth of the report's render time).
        del document
    return RenderedPDF(content=content, pages=pages)


_FONTS = threading.local()


def _font_config() -> Any:
    """This thread's WeasyPrint font configuration, made at its first render and kept.

    A new one (WeasyPrint's default) looks every font up and loads it again for each
    document: a worker that builds many reports and certificates does it once. A document
    whose stylesheets declare a ``@font-face`` adds that font to the configuration, so the
    next render gets a new one: no document sees another's fonts. One per thread, as Pango's
    font map is not shared between threads.
    """
    config = getattr(_FONTS, "config", None)
    if config is None or config.declared_fonts:
        config = _FONTS.config = _kept_font_configuration_class()()
    return config


@functools.cache
def _kept_font_configuration_class() -> type:
    from weasyprint.text.fonts import FontConfiguration

    class KeptFontConfiguration(FontConfiguration):
        """Notes whether a document declared a font of its own."""

        declared_fonts = False

        def add_font_face(self, rule_descriptors, url_fetcher):
            self.declared_fonts = True
            return super().add_font_face(rule_descriptors, url_fetcher)

    return KeptFontConfiguration


def _serialise_streams_once(_document, pdf) -> None:
    """Each stream of the PDF is serialised and compressed once, not twice.

    An archival PDF carries a file identifier, which pydyf computes by serialising every
    object a second time after writing it, and a stream's bytes are compressed anew at each
    serialisation: the page contents and the embedded fonts were compressed twice. Run as
    WeasyPrint's finisher (after the last change to the PDF, before it is written), this keeps
    each stream's first serialisation; the file is byte for byte the same.
    """
    import pydyf

    for pdf_object in pdf.objects:
        if isinstance(pdf_object, pydyf.Stream):
            pdf_object.__class__ = _serialised_once(type(pdf_object))


_SERIALISED_ONCE: dict[type, type] = {}


def _serialised_once(stream_class: Any) -> type:
    """A subclass of ``stream_class`` whose ``data`` is computed once and kept (made once per
    class: WeasyPrint's page streams and pydyf's own)."""
    made = _SERIALISED_ONCE.get(stream_class)
    if made is not None:
        return made
    serialise = stream_class.data.fget

    def data(self) -> bytes:
        kept = self.__dict__.get("_serialised")
        if kept is None:
            kept = self.__dict__["_serialised"] = serialise(self)
        return kept

    made = type(f"SerialisedOnce{stream_class.__name__}", (stream_class,), {"data": property(data)})
    return _SERIALISED_ONCE.setdefault(stream_class, made)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint renders.

    A render allocates millions of objects (boxes, styles, PDF objects) that live until it ends,
    so the collector keeps walking a growing heap for almost nothing to free: a sixth of the
    report's render time. Reference counting still frees what it can; the few cycles left are
    collected once the collector runs again (a few MB for the 2,000-participant report).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
