"""Exports of registrations to CSV and XLSX, with formula neutralisation.

A spreadsheet reads a cell that starts with = + - @ (or a tab or carriage return before
them) as a formula; registrants type what they like, so every such text cell gets a leading
apostrophe and is shown as the text it was. Control characters go first: they are not allowed
in a sheet's XML and would be dropped when it is written, so a value like "\x01=HYPERLINK(...)"
checked before they go would reach the sheet as a live formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.db.models import Field, QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from registration.models import Answer, Question, Registration
from webinar.text import strip_control_characters

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value):
    """The cell as a spreadsheet must show it: control characters removed, then a leading
    apostrophe if what is left would be read as a formula (in this order: see above)."""
    if isinstance(value, str):
        value = strip_control_characters(value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


def _labels(field_name: str) -> dict[str, str]:
    """Value → translated label, once per export (get_FOO_display re-hashes every call)."""
    field = cast("Field[Any, Any]", Registration._meta.get_field(field_name))
    return {value: str(label) for value, label in field.flatchoices}


def _utc_text(value):
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _utc_naive(value):
    # A spreadsheet has no time zones: the UTC wall-clock time, as the header says.
    return value.astimezone(dt.UTC).replace(tzinfo=None)


# (model field read with values_list, header, how the value is shown)
def _columns(*, typed: bool = False):
    status, honorific = _labels("status"), _labels("honorific")
    sex, category = _labels("sex"), _labels("category")
    country_names = {code: str(name) for code, name in countries}
    yes, no = _("yes"), _("no")

    def yes_no(value):
        return yes if value else no

    def same(value):
        return value

    return [
        ("event__slug", _("Event"), same),
        ("status", _("Status"), lambda v: status.get(v, v)),
        ("created_at", _("Registered at (UTC)"), _utc_naive if typed else _utc_text),
        ("honorific", _("Title"), lambda v: honorific.get(v, "")),
        ("first_name", _("First name"), same),
        ("last_name", _("Last name"), same),
        ("email", _("Email"), same),
        ("phone", _("Phone"), same),
        ("sex", _("Sex"), lambda v: sex.get(v, v)),
        ("country", _("Country code"), same),
        ("country", _("Country"), lambda v: country_names.get(v, v)),
        ("organization", _("Organisation"), same),
        ("category", _("Category"), lambda v: category.get(v, v)),
        ("position", _("Position"), same),
        ("language", _("Preferred language"), same),
        ("interpretation_language", _("Interpretation into"), same),
        ("accessibility_needs", _("Accessibility needs"), same),
        ("consent_processing", _("Consent to processing"), yes_no),
        ("consent_listing", _("Listed in report"), yes_no),
        ("attended", _("Attended"), yes_no),
        ("minutes_attended", _("Minutes attended"), same),
    ]


CHUNK = 2000


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_rows(
    *, registrations: QuerySet[Registration], questions: Iterable[Question], typed: bool = False
) -> Iterator[list]:
    """The header, then one row per registration; every cell neutralised.

    Plain values rather than model instances, and the answers fetched once per chunk of
    rows: 10,000 registrations take three queries, not 10,001. ``typed`` keeps dates as
    dates (for a spreadsheet) instead of text (for CSV).
    """
    questions = list(questions)
    columns = _columns(typed=typed)
    yield [neutralise(str(header)) for _f, header, _show in columns] + [
        neutralise(q.label) for q in questions
    ]
    names = ["pk", *dict.fromkeys(field for field, _h, _s in columns)]
    index = {name: position for position, name in enumerate(names)}
    getters = [(index[field], show) for field, _h, show in columns]
    rows = registrations.order_by("created_at", "pk").values_list(*names)
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        answers: dict[tuple[int, int], str] = {}
        if questions:
            for registration_id, question_id, value in Answer.objects.filter(
                registration_id__in=[row[0] for row in chunk]
            ).values_list("registration_id", "question_id", "value"):
                answers[registration_id, question_id] = "; ".join(
                    line for line in value.split("\n") if line
                )
        for row in chunk:
            yield [neutralise(show(row[position])) for position, show in getters] + [
                neutralise(answers.get((row[0], q.pk), "")) for q in questions
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


WIDTH_SAMPLE = 500  # rows read to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 50
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).split("\n")), default=0)


def column_widths(header: list, sample: list[list]) -> list[int]:
    """Each column as wide as its header or its longest sampled cell, within bounds."""
    widths = []
    for index, title in enumerate(header):
        longest = max([_width(title), *(_width(row[index]) for row in sample if index < len(row))])
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


def xlsx_bytes(rows: Iterable[list], *, title: str = "Registrations") -> bytes:
    """A sheet that opens well in Excel and LibreOffice: a bold header frozen above the rows,
    a filter on every column, columns sized to their content, dates and numbers as such."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    rows = iter(rows)
    header = next(rows, [])
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    # Widths and the frozen header go before the first row (a write-only sheet streams).
    for index, width in enumerate(column_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, *, font=None):
        # Control characters are not allowed in the XML of a sheet; typed text may hold them.
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if font is None and not isinstance(value, dt.datetime):
            return value  # a plain value: much faster to write than a styled cell
        written = WriteOnlyCell(sheet, value=value)
        if font is not None:
            written.font = font
        if isinstance(value, dt.datetime):
            written.number_format = DATE_FORMAT
        return written

    sheet.append([cell(name, font=bold) for name in header])
    count = 0
    for row in itertools.chain(sample, rows):
        sheet.append([cell(value) for value in row])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
