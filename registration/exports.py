"""Exports of registrations to CSV and XLSX, with formula neutralisation.

A spreadsheet reads a cell that starts with = + - @ (or a tab or carriage return before
them) as a formula; registrants type what they like, so every such text cell gets a leading
apostrophe and is shown as the text it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from registration.models import Question, Registration
from registration.selectors import registrations_for_export

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _columns():
    return [
        (_("Event"), lambda r: r.event.slug),
        (_("Status"), lambda r: str(r.get_status_display())),
        (_("Registered at (UTC)"), lambda r: r.created_at.strftime("%Y-%m-%d %H:%M:%S")),
        (_("Title"), lambda r: str(r.get_honorific_display())),
        (_("First name"), lambda r: r.first_name),
        (_("Last name"), lambda r: r.last_name),
        (_("Email"), lambda r: r.email),
        (_("Phone"), lambda r: r.phone),
        (_("Sex"), lambda r: str(r.get_sex_display())),
        (_("Country code"), lambda r: r.country.code),
        (_("Country"), lambda r: str(r.country.name)),
        (_("Organisation"), lambda r: r.organization),
        (_("Category"), lambda r: str(r.get_category_display())),
        (_("Position"), lambda r: r.position),
        (_("Preferred language"), lambda r: r.language),
        (_("Interpretation into"), lambda r: r.interpretation_language),
        (_("Accessibility needs"), lambda r: r.accessibility_needs),
        (_("Consent to processing"), lambda r: _("yes") if r.consent_processing else _("no")),
        (_("Listed in report"), lambda r: _("yes") if r.consent_listing else _("no")),
        (_("Attended"), lambda r: _("yes") if r.attended else _("no")),
        (_("Minutes attended"), lambda r: r.minutes_attended),
    ]


def export_rows(
    *, registrations: QuerySet[Registration], questions: Iterable[Question]
) -> Iterator[list]:
    """The header, then one row per registration; every cell neutralised."""
    questions = list(questions)
    columns = _columns()
    yield [neutralise(str(h)) for h, _getter in columns] + [neutralise(q.label) for q in questions]
    rows = registrations_for_export(registrations=registrations).order_by("created_at", "pk")
    for registration in rows.iterator(chunk_size=2000):
        answers = {a.question_id: a.display() for a in registration.answers.all()}
        yield [neutralise(getter(registration)) for _h, getter in columns] + [
            neutralise(answers.get(q.pk, "")) for q in questions
        ]


class _Echo:
    def write(self, value):
        return value


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """CSV text, line by line, for a streaming response; a BOM first so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(["" if cell is None else cell for cell in row])


def xlsx_bytes(rows: Iterable[list], *, title: str = "Registrations") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        # Control characters are not allowed in the XML of a sheet; typed text may hold them.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
