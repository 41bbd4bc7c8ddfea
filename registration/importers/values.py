"""Reading one cell of an attendance report: durations, timestamps, e-mail addresses, names.

Every reader here walks its text once and never runs a backtracking pattern: report cells come
from outside and one pathological cell must not stall the process (``re`` holds the GIL while
it matches). Cells are capped in length before they get here (``decoding.MAX_CELL_CHARS``), and
durations and timestamps longer than a few dozen characters are refused before any scan.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# A duration cell longer than this is not a duration ("2 godz. 18 min 8 s" is 17 characters).
MAX_DURATION_CHARS = 60
MAX_TIMESTAMP_CHARS = 60

# Units of durations as Teams and Zoom write them in the languages the series works in, and in
# those the organisers' Teams may be set to (en, fr, ar, es, pt, de, pl). Keys are folded: lower
# case, without accents or a final dot.
_HOUR_WORDS = {
    "h", "hr", "hrs", "hour", "hours",  # en
    "heure", "heures",  # fr
    "hora", "horas",  # es, pt
    "std", "stunde", "stunden",  # de
    "godz", "godzina", "godziny", "godzin", "g",  # pl
    "ساعة", "ساعات", "ساعه", "سا", "س",  # ar
}  # fmt: skip
_MINUTE_WORDS = {
    "m", "min", "mins", "minute", "minutes", "mn",  # en, fr
    "minuto", "minutos",  # es, pt
    "minuten",  # de
    "minuta", "minuty", "minut",  # pl
    "دقيقة", "دقائق", "دقيقه", "د",  # ar
}  # fmt: skip
_SECOND_WORDS = {
    "s", "sec", "secs", "second", "seconds",  # en
    "seconde", "secondes",  # fr
    "seg", "segundo", "segundos",  # es, pt
    "sek", "sekunde", "sekunden",  # de
    "sekunda", "sekundy", "sekund",  # pl
    "ثانية", "ثوان", "ثواني", "ثانيه", "ث",  # ar
}  # fmt: skip
_UNIT_MINUTES: dict[str, float] = {}
# Words that may sit between the parts ("1 h et 5 min", "1 ساعة و5 دقائق").
_JOINERS = {"and", "et", "y", "e", "i", "und", "و"}
_EMPTY = {"", "-", "--", "—", "n/a", "na"}

_AM = {"am", "a.m.", "a. m.", "ص", "vorm"}
_PM = {"pm", "p.m.", "p. m.", "م", "nachm"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janv", "janvier", "ene", "enero", "januar", "janeiro", "sty"),
            ("feb", "february", "fevr", "fevrier", "febrero", "februar", "fev", "fevereiro"),
            ("mar", "march", "mars", "marzo", "marz", "marco"),
            ("apr", "april", "avr", "avril", "abr", "abril"),
            ("may", "mai", "mayo", "maio"),
            ("jun", "june", "juin", "junio", "juni", "junho"),
            ("jul", "july", "juil", "juillet", "julio", "juli", "julho"),
            ("aug", "august", "aout", "ago", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre", "setembro", "set"),
            ("oct", "october", "octobre", "octubre", "okt", "oktober", "out", "outubro"),
            ("nov", "november", "novembre", "noviembre", "novembro"),
            ("dec", "december", "decembre", "dic", "diciembre", "dez", "dezember", "dezembro"),
        ],
        start=1,
    )
    for name in names
}


def fold(text: str) -> str:
    """Lower case without accents: 'Durée' -> 'duree', 'Imię' -> 'imie' (Arabic unchanged)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("ł", "l").replace("ø", "o").replace("ß", "ss")


for _words, _minutes in ((_HOUR_WORDS, 60.0), (_MINUTE_WORDS, 1.0), (_SECOND_WORDS, 1 / 60)):
    _UNIT_MINUTES.update(dict.fromkeys((fold(w) for w in _words), _minutes))
_JOINERS = {fold(w) for w in _JOINERS}
_AM = {fold(w) for w in _AM}
_PM = {fold(w) for w in _PM}


# Numbers (with their dots and commas) and words. Applied only to cells already capped at a few
# dozen characters, and without nested repetition, so it cannot backtrack.
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*[.,]?)|([^\W\d_]+\.?)")


def _ascii_digits(token: str) -> str:
    if token.isascii():
        return token
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in token)


def _tokens(text: str) -> list[tuple[str, str]]:
    """('n', '12.5') and ('w', 'min.') tokens; other characters only separate them."""
    return [
        ("n", _ascii_digits(number)) if number else ("w", word)
        for number, word in _TOKEN.findall(text)
    ]


def _number(text: str) -> float | None:
    text = text.rstrip(".,")
    if text.count(".") + text.count(",") > 1:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def parse_minutes(value: str | None) -> float | None:
    """Minutes from '45', '45.5', '1h 27m 51s', '2 godz. 18 min 8 s', '01:27:51' or None.

    A bare number is minutes (Zoom's columns say so); otherwise each number must be followed
    by a known unit. Anything else, or a cell longer than a duration can be, is not a duration.
    """
    text = fold((value or "").strip())
    if text in _EMPTY or len(text) > MAX_DURATION_CHARS:
        return None
    if ":" in text:
        parts = text.split(":")
        if len(parts) in (2, 3) and all(p.strip().isdigit() and len(p.strip()) <= 4 for p in parts):
            numbers = [int(p) for p in parts]
            if len(numbers) == 2:
                numbers = [0, *numbers]
            if numbers[1] < 60 and numbers[2] < 60:
                return numbers[0] * 60 + numbers[1] + numbers[2] / 60
        return None
    tokens = _tokens(text)
    if all(c.isdigit() or c in ".," for c in text):
        return _number(tokens[0][1]) if len(tokens) == 1 else None
    total, found, pending = 0.0, False, None
    for kind, token in tokens:
        if kind == "n":
            if pending is not None:
                return None  # two numbers in a row
            pending = _number(token)
            if pending is None:
                return None
            continue
        word = token.strip(".")
        if word in _JOINERS and pending is None:
            continue
        unit = _UNIT_MINUTES.get(word)
        if unit is None or pending is None:
            return None
        total += pending * unit
        found, pending = True, None
    if pending is not None or not found:
        return None
    return total


@dataclass(frozen=True)
class RawTimestamp:
    """A timestamp as written, before the file tells us whether days or months come first."""

    first: int
    second: int
    third: int
    hour: int
    minute: int
    sec: int
    year_first: bool
    month_named: bool  # the month was a word, so ``second`` is the month, ``first`` the day
    dotted: bool  # 12.08.2020 is day-first wherever it is written
    twelve_hour: bool = False  # AM/PM: Zoom's and US Teams' month-first dates

    def resolve(self, *, day_first: bool) -> dt.datetime | None:
        if self.year_first:
            year, month, day = self.first, self.second, self.third
        elif self.month_named or day_first:
            day, month, year = self.first, self.second, self.third
        else:
            month, day, year = self.first, self.second, self.third
        if year < 100:
            year += 2000
        try:
            return dt.datetime(year, month, day, self.hour, self.minute, self.sec)
        except ValueError:
            return None


# The common numeric shapes, read without the general tokenizer: 08/12/2020 10:01:33 AM,
# 8/12/20, 10:01 PM, 12.08.2020, 10:01:33, 2020-08-12 10:01:33 (no nested repetition).
_NUMERIC_TIMESTAMP = re.compile(
    r"(\d{1,4})([/.-])(\d{1,2})[/.-](\d{2,4}),?[ t]+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?: ?([ap])\.? ?m\.?)?"
)


def _numeric_timestamp(text: str) -> RawTimestamp | None:
    match = _NUMERIC_TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    first, separator, second, third, hour, minute, sec, ampm = match.groups()
    year_first = len(first) == 4
    if len(first) == 3 or len(third) not in ((1, 2) if year_first else (2, 4)):
        return None
    hour_value, minute_value, sec_value = int(hour), int(minute), int(sec or 0)
    if ampm:
        if not 1 <= hour_value <= 12:
            return None
        hour_value = hour_value % 12 + (12 if ampm == "p" else 0)
    if hour_value > 23 or minute_value > 59 or sec_value > 59:
        return None
    return RawTimestamp(
        int(first),
        int(second),
        int(third),
        hour_value,
        minute_value,
        sec_value,
        year_first,
        False,
        separator == ".",
        bool(ampm),
    )


def parse_timestamp(value: str | None) -> RawTimestamp | None:
    """'08/12/2020 10:01:33 AM', '8/12/20, 10:01:33 AM', '12.08.2020, 10:01:33', ISO, or None."""
    text = fold((value or "").strip())
    if not text or len(text) > MAX_TIMESTAMP_CHARS or text in _EMPTY:
        return None
    if text.isascii() and text[:1].isdigit():
        fast = _numeric_timestamp(text)
        if fast is not None:
            return fast
    numbers: list[str] = []
    month_named = 0
    ampm = ""
    dotted = False
    words = []
    for kind, token in _tokens(text):
        if kind == "n":
            for part in token.replace(",", ".").split("."):
                if part:
                    numbers.append(part)
            dotted = dotted or "." in token.strip(".")
        else:
            words.append(token.strip("."))
    for word in words:
        if word in _AM or word in {"a", "a.m"}:
            ampm = "am"
        elif word in _PM or word in {"p", "p.m"}:
            ampm = "pm"
        elif word in _MONTHS and not month_named:
            month_named = _MONTHS[word]
        elif word in {"de", "at", "um", "o", "t"} or (ampm and word == "m"):
            continue
        else:
            return None
    if not all(n.isdigit() and len(n) <= 4 for n in numbers):
        return None
    values = [int(n) for n in numbers]
    if month_named:
        if len(values) < 4:
            return None
        # "Aug 12, 2020 10:01" or "12 août 2020 10:01": the day is the number before the year.
        if len(numbers[0]) == 4:
            return None
        day, year, *clock = values
        values = [day, month_named, year, *clock]
    if len(values) not in (5, 6):
        return None
    if len(values) == 5:
        values.append(0)
    first, second, third, hour, minute, sec = values
    year_first = len(numbers[0]) == 4 and not month_named
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or sec > 59:
        return None
    return RawTimestamp(
        first, second, third, hour, minute, sec, year_first, bool(month_named), dotted, bool(ampm)
    )


def looks_like_email(value: str) -> bool:
    """One '@', something before it, a dot in the part after it, no spaces: linear checks."""
    text = value.strip()
    if len(text) > 254 or text.count("@") != 1 or any(c.isspace() for c in text):
        return False
    local, domain = text.split("@")
    return bool(local) and "." in domain.strip(".") and not domain.startswith(".")


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "m", "mme", "mlle", "sr", "sra", "dra"}


def name_key(value: str) -> tuple[str, ...]:
    """A name folded for matching: accents, case, punctuation and order of the words ignored.

    'Diallo, Aïssata', 'AISSATA  DIALLO' and 'Aissata Diallo' have the same key; honorifics
    are dropped. Arabic and other scripts keep their letters.
    """
    words: list[str] = []
    current: list[str] = []
    for char in fold(value):
        if char.isalnum():
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return tuple(sorted(w for w in words if w not in _HONORIFICS))


def name_keys(value: str) -> list[tuple[str, ...]]:
    """Keys to try for a name in a report: as written, and each side of a '(...)' part.

    Zoom writes "Display name (Original name)" and Teams adds "(Guest)" or "(External)".
    """
    keys = [name_key(value)]
    if "(" in value:
        outside, _, rest = value.partition("(")
        inside = rest.partition(")")[0]
        keys += [name_key(outside), name_key(inside)]
    return [key for key in dict.fromkeys(keys) if key]
