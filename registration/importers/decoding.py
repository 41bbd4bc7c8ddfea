"""From the uploaded bytes to rows of text cells, whatever the platform wrote.

CSV (UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM as Teams writes it, or without one;
commas, semicolons or tabs) and XLSX (Teams offers both). Everything is bounded before it is
read: the file's size, the number of rows, the length of a cell, and for XLSX the unpacked size
of its parts. Bytes that are not one of these formats get a message saying what is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 60
# No attendance report has a longer cell (names, e-mail addresses and meeting titles are short);
# a longer one is refused, which also keeps every later step linear in the file.
MAX_CELL_CHARS = 1_000
MAX_XLSX_UNPACKED_BYTES = 60 * 1024 * 1024


def expected_layouts() -> str:
    return _(
        "Upload one of: the Zoom webinar attendee report, the Zoom meeting participants export "
        "(with or without the meeting block), the Microsoft Teams attendance report (CSV or "
        "XLSX, in any language) or Teams' older attendance list (Full Name, User Action, "
        "Timestamp)."
    )


class ImportFileError(Exception):
    """The upload is not an attendance report we can read; the message says why."""


def _expected(message: str) -> ImportFileError:
    return ImportFileError(f"{message} {expected_layouts()}")


def decode(data: bytes) -> str:
    """Text from a report's bytes: by BOM, then UTF-16 by its zero bytes, UTF-8, cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # An odd length means a truncated file: the last half character is replaced, not fatal.
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    head = data[:400]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM
        little = head[1::2].count(b"\x00") >= head[0::2].count(b"\x00")
        return data.decode("utf-16-le" if little else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\r\n") or c == "\ufffd")
    return controls > max(8, len(sample) // 20)


def _check_cell(value: str, row_number: int) -> str:
    if len(value) > MAX_CELL_CHARS:
        raise ImportFileError(
            _(
                "Row %(row)s has a cell of %(length)s characters; an attendance report has "
                "none longer than %(limit)s. This file is not an attendance report."
            )
            % {"row": row_number, "length": f"{len(value):,}", "limit": f"{MAX_CELL_CHARS:,}"}
        )
    return value.strip()


def _trim(cells: list[str]) -> list[str]:
    """Drop the empty cells that trailing separators leave at the end of a row."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)s rows; an attendance report has fewer.")
        % {"limit": f"{MAX_ROWS:,}"}
    )


def _delimiter(text: str) -> str:
    """The separator of the file: the one splitting most of its first lines alike."""
    lines = [line for line in text[:20_000].splitlines()[:60] if line.strip()]
    # Ties go to the tab: Teams' timestamps hold commas ("8/12/20, 10:01:33 AM").
    counts = {c: sum(1 for line in lines if c in line) for c in ("\t", ",", ";")}
    return max(counts, key=lambda c: counts[c]) if any(counts.values()) else ","


def text_rows(text: str) -> list[list[str]]:
    if _looks_binary(text):
        raise _expected(_("This file is not text (nor an XLSX workbook)."))
    delimiter = _delimiter(text)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise _too_many_rows()
            rows.append(_trim([_check_cell(c, number) for c in cells[:MAX_COLUMNS]]))
    except csv.Error as error:
        # The csv module's own limit (128 KB a field) is far above ours: a cell that long.
        raise ImportFileError(
            _("Row %(row)s cannot be read (%(reason)s). This file is not an attendance report.")
            % {"row": reader.line_num, "reason": str(error)[:100]}
        ) from None
    return rows


def _xlsx_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_rows(data: bytes) -> list[list[str]]:
    """Every sheet's rows in order, each sheet introduced by its name as a section title."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _expected(_("This file is a damaged ZIP archive.")) from None
    if "xl/workbook.xml" not in names:
        raise _expected(_("This file is a ZIP archive but not an XLSX workbook."))
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The workbook unpacks to more than %(limit)s MB; an attendance report is smaller.")
            % {"limit": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)}
        )
    import openpyxl

    rows: list[list[str]] = []
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        try:
            for sheet in workbook.worksheets:
                rows += [[_check_cell(str(sheet.title), len(rows) + 1)], []]
                for cells in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                    if len(rows) >= MAX_ROWS:
                        raise _too_many_rows()
                    number = len(rows) + 1
                    rows.append(_trim([_check_cell(_xlsx_value(c), number) for c in cells]))
                rows.append([])
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds on a malformed workbook; none is ours
        raise _expected(_("This XLSX workbook cannot be read.")) from None
    return rows


def rows_from_bytes(data: bytes) -> list[list[str]]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is too large; the limit is 5 MB."))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _expected(_("This is an old Excel (.xls) file: save it as .xlsx or CSV first."))
    if data.startswith(b"%PDF"):
        raise _expected(_("This is a PDF file."))
    return text_rows(decode(data))
