"""The report as a publication, checked on the built PDF files (text extracted by poppler).

One realistic report (tests/reports/publication.py) is built once in English, French and
Arabic as a draft, and once in English as final; each file is kept under
test-artifacts/report/ for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from reports import services
from reports.models import Report
from tests.reports.publication import make_publication_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
IDENTIFIER = re.compile(r"\b([FR]\d+)\b")


def _pdftotext(path: Path, *, raw: bool) -> str:
    # -raw: the order of the content stream, which is the document's reading order; without
    # it poppler applies the bidirectional algorithm, which right-to-left text needs.
    command = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    out = subprocess.run([*command, str(path), "-"], check=True, capture_output=True, text=True)
    # pdftotext wraps right-to-left runs in embedding marks; the words between them are as typed.
    return re.sub("[\u202a-\u202e\u200e\u200f\u200b]", "", out.stdout)


def _same_words(line: str, heading: str) -> bool:
    # In the content stream's order a right-to-left line lists its words from the left, and
    # may cut a word where its shaping changes: compare the letters, whatever their order.
    return sorted(re.sub(r"\s", "", line)) == sorted(re.sub(r"\s", "", heading))


class Built:
    """``sequence``: the content stream's order (the structure's order, tables row by row);
    ``text``: poppler's reading of the page, right-to-left lines put in logical order."""

    def __init__(self, path: Path, *, rtl: bool = False):
        self.path = path
        self.sequence = _pdftotext(path, raw=True)
        self.text = _pdftotext(path, raw=False) if rtl else self.sequence
        self.pages = self.text.split("\f")[:-1]

    def between(self, start: str, end: str, *, sequence: bool = False) -> str:
        """From the first line that is ``start`` to the next that is ``end``, after the contents."""
        body = "\f".join((self.sequence if sequence else self.text).split("\f")[2:])
        lines = body.splitlines()
        begin = next(i for i, line in enumerate(lines) if _same_words(line, start))
        finish = next(i for i in range(begin + 1, len(lines)) if _same_words(lines[i], end))
        return "\n".join(lines[begin:finish])

    def info(self) -> dict[str, str]:
        out = subprocess.run(["pdfinfo", str(self.path)], check=True, capture_output=True)
        pairs = (line.split(":", 1) for line in out.stdout.decode().splitlines() if ":" in line)
        return {key.strip(): value.strip() for key, value in pairs}

    def fonts(self) -> set[str]:
        out = subprocess.run(["pdffonts", str(self.path)], check=True, capture_output=True)
        rows = out.stdout.decode().splitlines()[2:]
        return {row.split()[0].split("+", 1)[-1] for row in rows if row.strip()}


_BUILT: dict[str, Built] = {}


@pytest.fixture
def built(db) -> dict[str, Built]:
    """Built on first use (the rows are rolled back after that test; the files stay)."""
    if not _BUILT:
        _BUILT.update(_build_all())
    return _BUILT


def _build_all() -> dict[str, Built]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    files = {}
    with transaction.atomic():
        report = make_publication_report()
        for language in ("en", "fr", "ar"):
            rendered, _fallbacks = services.report_render(
                report=report, language=language, allow_fallback=False
            )
            path = ARTIFACTS / f"report-draft-{language}.pdf"
            path.write_bytes(rendered.content)
            files[language] = Built(path, rtl=language == "ar")
        report.status = Report.Status.FINAL
        report.save(update_fields=["status"])
        rendered, _fallbacks = services.report_render(
            report=report, language="en", allow_fallback=False
        )
        path = ARTIFACTS / "report-final-en.pdf"
        path.write_bytes(rendered.content)
        files["final"] = Built(path)
        transaction.set_rollback(True)
    return files


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_publication_pdf_is_tagged_and_archival(built, language):
    info = built[language].info()
    assert info["Tagged"] == "yes"
    assert info["PDF version"] == "1.7"


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_publication_uses_one_type_system(built, language):
    assert built[language].fonts() <= {
        "Noto-Sans",
        "Noto-Sans-Bold",
        "Noto-Naskh-Arabic",
        "Noto-Naskh-Arabic-Bold",
    }
    assert "Noto-Sans" in built[language].fonts()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_publication_every_identifier_cited_in_the_matrix_exists_in_the_lists(built, language):
    with translation.override(language):
        caption = gettext("Recommendations by stage and level")
        end = gettext("Conclusions")
        # The lists run from their first group's heading to the next section.
        findings_start = gettext("%(label)s challenges") % {"label": gettext("Legal")}
        lists_start = gettext("To %(label)s") % {"label": gettext("National governments")}
        lists_end = gettext("Index of recommendations by addressee")
    pdf = built[language]
    matrix = pdf.between(caption, end, sequence=True)
    cited = IDENTIFIER.findall(matrix)
    assert sorted(set(cited), key=lambda i: int(i[1:])) == [f"R{n}" for n in range(1, 13)]
    # Each recommendation is cited once, and each is printed in the list with its identifier.
    assert len(cited) == 12
    listed = IDENTIFIER.findall(pdf.between(lists_start, lists_end, sequence=True))
    assert listed == [f"R{n}" for n in range(1, 13)]
    findings = IDENTIFIER.findall(pdf.between(findings_start, lists_start, sequence=True))
    assert findings == [f"F{n}" for n in range(1, 11)]


def test_publication_index_by_addressee_fits_one_page_and_cites_every_recommendation(built):
    pages = [page for page in built["en"].pages if "Index of recommendations by addressee" in page]
    # The contents page names the index too; the index itself is the page that cites R1.
    index_pages = [page for page in pages if "R1" in page and "To National governments" in page]
    assert len(index_pages) == 1
    assert sorted(set(IDENTIFIER.findall(index_pages[0])), key=lambda i: int(i[1:])) == [
        f"R{n}" for n in range(1, 13)
    ]


def test_publication_french_charts_and_tables_name_countries_in_french(built):
    text = built["fr"].between("Participation", "Annexe : liste des participants")
    # 14 countries: the chart shows them all, titled so (no separate table).
    chart = built["fr"].between("Participants par pays", "Participants par sexe")
    bars = [re.sub(r" \d+ \(.*\)$", "", line) for line in chart.splitlines()[1:]]
    # Ties in French alphabetical order: Nigeria, Sénégal (9); Égypte, Soudan (8); Algérie,
    # Maroc (6).
    assert bars == [
        "Niger", "Mali", "Tchad", "Burkina Faso", "Mauritanie", "Nigeria", "Sénégal", "Égypte",
        "Soudan", "Libye", "Algérie", "Maroc", "Suisse", "Gambie",
    ]  # fmt: skip
    for code in ("NE", "ML", "TD", "EG", "CH"):
        assert not re.search(rf"\b{code}\b", text)
    assert "Commission de l’Union africaine" in text or "Commission de l'Union africaine" in text


def test_publication_arabic_charts_label_categories_and_countries_in_arabic(built):
    with translation.override("ar"):
        category = gettext("African Union Commission")
        title = gettext("Participants by category")
    text = built["ar"].text
    assert category != "African Union Commission"
    chart = built["ar"].between(title, gettext_ar("Participants by country"))
    assert category in chart
    assert "النيجر" in text and "مالي" in text and "تشاد" in text
    assert not re.search(r"\b(NE|ML|TD)\b", text)
    # No numbered keys: every bar label is a word.
    assert not re.search(r"^\d \(\d+\)$", text, re.MULTILINE)


def gettext_ar(message: str) -> str:
    with translation.override("ar"):
        return gettext(message)


def test_publication_arabic_text_comes_out_in_logical_order(built):
    text = built["ar"].text
    assert "إنشاء مرصد قاري يراجع كيفية تناول الخطط للهجرة." in re.sub(r"\s+", " ", text)
    assert "تمويل تدريب موظفي الحدود" in text


def test_publication_french_sorts_by_collation_egypte_before_suisse_and_tchad(built):
    annex = built["fr"].text[built["fr"].text.rindex("Annexe") :]
    countries = [
        line.strip() for line in annex.splitlines() if line.strip() in ("Égypte", "Suisse", "Tchad")
    ]
    assert countries == ["Égypte", "Suisse", "Tchad"]


def test_publication_cover_says_everything_once(built):
    cover = built["fr"].pages[0]
    assert cover.count("Ne laisser personne de côté") == 1
    assert "12 août 2020" in cover
    assert "Webinaires politiques sur la migration et le développement" in cover
    assert "Organisation internationale pour les migrations (fictive)" in cover
    assert "Agence suisse pour le développement (fictive)" in cover
    ar_cover = built["ar"].pages[0]
    assert "المنظمة الدولية للهجرة (خيالية)" in ar_cover
    assert "International Organization" not in ar_cover
    assert "·" not in ar_cover.split("12")[-1]
    assert "12 August 2020" in built["en"].pages[0]


def test_publication_draft_mark_on_every_page_and_gone_when_final(built):
    pages = built["en"].pages
    assert len(pages) >= 8
    # The mark is drawn at an angle: its letters may come out spaced.
    assert [page for page in pages if "DRAFT" not in _squashed(page)] == []
    assert [page for page in built["final"].pages if "DRAFT" in _squashed(page)] == []
    assert len(built["final"].pages) == len(pages)
    with translation.override("fr"):
        draft = gettext("DRAFT")
    assert draft == "PROJET"
    assert [page for page in built["fr"].pages if draft not in _squashed(page)] == []


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_publication_running_header_is_the_short_title_whole(built):
    pages = built["en"].pages[1:]
    assert all("Mainstreaming migration in the Sahel and Sahara" in page for page in pages)
    assert not any("…" in page.splitlines()[0] for page in pages)


def test_publication_key_figures_near_the_start(built):
    with translation.override("en"):
        start = built["en"].between("Key figures", "Executive summary")
    squashed = re.sub(r"\s+", " ", start)
    # 120 approved; 14 countries, 13 of the region's 15; 48 women of 120 (40 %).
    for figure in (
        "120 participants",
        "14 countries",
        "13 of the region's 15",
        "40 %",
        "3 sessions",
        "10 findings",
        "12 recommendations",
    ):
        assert figure in squashed
    assert "40 institutions, by category" in squashed


def test_publication_cover_shows_the_organisers_and_partners_logos(built):
    out = subprocess.run(
        ["pdfimages", "-f", "1", "-l", "1", "-list", str(built["fr"].path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    # Three logos of 240 x 80 pixels (two organisers, one partner), none elsewhere on page 1.
    assert [(row.split()[3], row.split()[4]) for row in out] == [("240", "80")] * 3


def test_publication_annex_prints_one_consenting_person_a_line(built):
    annex = built["en"].text[built["en"].text.rindex("Annex: list of participants") :]
    lines = [line.strip() for line in annex.splitlines()]
    person = re.compile(r"^\D+ \d+, \S+ — Institution \d+ \(fictional\)$")
    people = [line for line in lines if person.match(line)]
    # 120 approved, every tenth without consent: 108 people, each on a line of their own.
    assert len(people) == 108
    assert len(set(people)) == 108
