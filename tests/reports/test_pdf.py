"""The renderer fetches the project's static files and nothing else."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports.pdf import STATIC_BASE_URL, RefusedResource, render_pdf, resolve_static


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_static_file_resolves_inside_static_root():
    path = resolve_static(STATIC_BASE_URL + "reports/report.css")
    assert path.name == "report.css"
    assert "@page {" in path.read_text()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "http://127.0.0.1:1/x.css",
        "https://example.org/static/reports/report.css",
        STATIC_BASE_URL + "../../../etc/hostname",
        STATIC_BASE_URL + "%2e%2e/%2e%2e/etc/hostname",
        STATIC_BASE_URL + "reports/../../settings.py",
        STATIC_BASE_URL + "/etc/hostname",
        STATIC_BASE_URL + "..%2f..%2fetc/hostname",
        STATIC_BASE_URL + "does-not-exist.css",
        "data:text/plain;base64,aGVsbG8=",
    ],
)
def test_everything_else_is_refused(url):
    with pytest.raises(RefusedResource):
        resolve_static(url)


def test_hostile_markup_given_to_the_renderer_fetches_and_embeds_nothing(request_counter, tmp_path):
    port, hits = request_counter
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = f"""<html><head>
      <style>@import url(http://127.0.0.1:{port}/import.css);</style>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/link.css">
      <link rel="attachment" href="file://{secret}">
      <link rel="stylesheet" href="reports/report.css">
      </head><body><p>Visible text</p>
      <img src="file://{secret}"><img src="http://127.0.0.1:{port}/img.png">
      <object data="file://{secret}"></object>
      </body></html>"""
    pdf = render_pdf(html=html).content
    assert hits == []
    assert b"TOP-SECRET-CONTENT" not in pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert "Visible text" in _text(pdf)


def test_render_pauses_the_cycle_collector_and_restores_it():
    import gc

    assert gc.isenabled()
    render_pdf(html="<p>one</p>")
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf(html="<p>two</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()


ARCHIVAL_PAGE = (
    '<html lang="en"><head><title>Archive</title></head><body><h1>Summary</h1>'
    "<p>Participants agreed on recommendations.</p><p>Une deuxième ligne, مرحبا.</p></body></html>"
)


def _compressions(monkeypatch) -> list[int]:
    """Counts the compressors pydyf opens (one per serialisation of a compressed stream)."""
    import pydyf

    opened: list[int] = []
    real = pydyf.zlib.compressobj

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pydyf.zlib, "compressobj", counting)
    return opened


def test_archival_render_compresses_each_stream_once_and_writes_the_same_file(monkeypatch):
    from weasyprint import HTML

    from reports.pdf import make_url_fetcher

    options = {"pdf_variant": "pdf/a-3a"}
    opened = _compressions(monkeypatch)
    plain = (
        HTML(string=ARCHIVAL_PAGE, base_url=STATIC_BASE_URL, url_fetcher=make_url_fetcher())
        .render(**options)
        .write_pdf(**options)
    )
    plain_compressions = len(opened)
    opened.clear()
    ours = render_pdf(html=ARCHIVAL_PAGE, pdf_variant="pdf/a-3a").content

    assert ours == plain
    # Streams are never inside object streams, so each compressed one shows its filter in the
    # file: the page contents and fonts, the object stream and the cross-reference stream.
    streams = ours.count(b"/FlateDecode")
    assert streams >= 4
    # Before: pydyf's file identifier serialised each stream again, compressing it again.
    assert plain_compressions >= 2 * streams - 1
    # Now each is compressed once; only the object stream, which pydyf makes while writing,
    # still is twice.
    assert len(opened) <= streams + 1


def test_the_rendered_document_is_freed_before_the_cycle_collector_resumes(monkeypatch):
    import gc

    from weasyprint.document import Document

    alive_at_resume: list[int] = []
    real_enable = gc.enable

    def enable():
        # type(), not isinstance(): isinstance asks a lazy object left by another test (a
        # request's CSP nonce) for its __class__, which evaluates it.
        alive = sum(issubclass(type(obj), Document) for obj in gc.get_objects())
        alive_at_resume.append(alive)
        real_enable()

    monkeypatch.setattr(gc, "enable", enable)
    rendered = render_pdf(html=ARCHIVAL_PAGE)
    assert rendered.pages == 1
    assert alive_at_resume == [0]


@pytest.fixture
def font_configs(monkeypatch):
    """The font configuration each render is given, in order."""
    from weasyprint import HTML

    seen = []
    real_render = HTML.render

    def render(self, *args, **kwargs):
        seen.append(kwargs["font_config"])
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "render", render)
    return seen


def test_renders_of_one_thread_share_one_font_configuration(font_configs):
    import threading

    seen = font_configs
    render_pdf(html="<p>one</p>")
    render_pdf(html="<p>two</p>")
    other = threading.Thread(target=render_pdf, kwargs={"html": "<p>three</p>"})
    other.start()
    other.join()
    assert seen[0] is seen[1]
    assert seen[2] is not seen[0]


def test_a_document_that_declares_a_font_leaves_the_next_a_new_font_configuration(
    font_configs,
):
    seen = font_configs
    declares = '<style>@font-face { font-family: "Own"; src: url(missing.woff2) }</style><p>x</p>'
    render_pdf(html="<p>plain</p>")
    render_pdf(html=declares)
    render_pdf(html="<p>after</p>")
    render_pdf(html="<p>after again</p>")
    assert seen[1] is seen[0]  # kept until a document declares a font
    assert seen[2] is not seen[1]
    assert seen[3] is seen[2]


# The report and the certificates keep the font configuration from one render to the next only
# while they declare no font: none is declared in their templates or the stylesheets they link.
PDF_TEMPLATES = ["reports/report.html", "certificates/certificate.html"]


@pytest.mark.parametrize("name", PDF_TEMPLATES)
def test_no_pdf_template_or_stylesheet_declares_a_font(name):
    import re

    from django.contrib.staticfiles import finders
    from django.template.loader import get_template

    template = Path(get_template(name).origin.name).read_text()
    linked = re.findall(r'<link rel="stylesheet" href="([^"]+)"', template)
    assert linked
    for text in [template, *(Path(finders.find(href)).read_text() for href in linked)]:
        assert "@font-face" not in text
        assert "@import" not in text
