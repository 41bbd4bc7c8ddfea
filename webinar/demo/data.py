"""The demo's content, read from the JSON files beside this module.

A translated text is an object ``{"en": ..., "fr": ..., "ar": ...}``; a list stands for lines
(one objective or one key point per line). The participants are generated from the name lists
of ``participants.json`` with a hash of their position, not a random generator: the same files
give the same people, in the same order, on every machine and Python version.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent
EMAIL_DOMAIN = "example.org"

Texts = dict[str, str]


@cache
def read(name: str) -> Any:
    """One data file (``series``, ``events``, ``people``, ``sessions``, ``participants``,
    ``reports``), parsed once per process."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def texts(value: dict[str, str | list[str]]) -> Texts:
    """A translated text of the data files, each language as one string."""
    return {
        language: "\n".join(text) if isinstance(text, list) else text
        for language, text in value.items()
    }


def columns(field: str, value: dict[str, str | list[str]]) -> dict[str, str]:
    """``{"title_en": ..., "title_fr": ..., "title_ar": ...}`` for one translated text."""
    return {f"{field}_{language}": text for language, text in texts(value).items()}


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(plain.lower().replace("'", "").split())


@dataclass(frozen=True)
class Participant:
    email: str
    first_name: str
    last_name: str
    honorific: str
    country: str
    organization: str
    category: str
    sex: str
    language: str
    interpretation_language: str
    status: str
    consent_listing: bool
    # None: absent (or the event has not taken place).
    minutes_attended: int | None


def _draw(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _pick(options: list, *parts: object):
    return options[int(_draw(*parts) * len(options))]


def _name(entry: str | list[str], language: str) -> tuple[str, str]:
    """(the name as the participant wrote it, its Latin form for the address)."""
    if isinstance(entry, str):
        return entry, entry
    latin, arabic = entry
    return (arabic if language == "ar" else latin), latin


def _minutes(draw: float, length: int) -> int:
    """Most stay to the end; some join late or leave early."""
    if draw < 0.6:
        share = 0.9 + draw / 6  # 90 to 100 % of the event
    elif draw < 0.9:
        share = 0.5 + (draw - 0.6)  # 50 to 80 %
    else:
        share = 0.1 + (draw - 0.9) * 3  # 10 to 40 %
    return max(1, round(length * share))


def participants(slug: str, *, past: bool, minutes: int) -> list[Participant]:
    """The fictional participants of the event ``slug`` (empty if the data has none).

    ``past``: record attendance (absentees, minutes attended out of ``minutes``).
    """
    spec = read("participants")
    plan = spec["events"].get(slug)
    if plan is None:
        return []
    marker = spec["fictional_marker"]
    people: list[Participant] = []
    seen: set[tuple[str, str]] = set()
    for group in plan["groups"]:
        country = group["country"]
        category = group["category"]
        lists = spec["names"][spec["countries"][country]["names"]]
        for _ in range(group["count"]):
            index = len(people)
            key = (slug, index)
            language = _pick(spec["countries"][country]["languages"], *key, "language")
            sex_draw = _draw(*key, "sex")
            if sex_draw < plan["female_share"]:
                sex = "female"
            elif sex_draw > 0.97:
                sex = "undisclosed"
            else:
                sex = "male"
            first_entry = _pick(lists["female" if sex == "female" else "male"], *key, "first")
            attempt = 0
            while True:  # no two people of the same name at one event
                last_entry = _pick(lists["last"], *key, "last", attempt)
                first, first_latin = _name(first_entry, language)
                last, last_latin = _name(last_entry, language)
                if (first, last) not in seen or attempt > 20:
                    break
                attempt += 1
            seen.add((first, last))
            organisations = spec["organisations"][category][language]
            if category == "rec" and country in spec["rec_organisations"]:
                organisation = spec["rec_organisations"][country][language]
            else:
                organisation = _pick(organisations, *key, "organisation")
            title_draw = _draw(*key, "honorific")
            if sex == "undisclosed":
                honorific = ""
            elif title_draw < 0.12:
                honorific = "dr"
            else:
                honorific = "ms" if sex == "female" else "mr"
            status = group.get("status", "approved")
            if status == "approved" and _draw(*key, "cancelled") < plan["cancelled_share"]:
                status = "cancelled"
            attended = None
            if past and status == "approved" and _draw(*key, "absent") >= plan["absent_share"]:
                attended = _minutes(_draw(*key, "minutes"), minutes)
            interpretation_share = spec["interpretation"][language]
            people.append(
                Participant(
                    email=f"{ascii_slug(first_latin)}.{ascii_slug(last_latin)}.{index + 1}"
                    f"@{EMAIL_DOMAIN}",
                    first_name=first,
                    last_name=last,
                    honorific=honorific,
                    country=country,
                    organization=organisation + marker[language],
                    category=category,
                    sex=sex,
                    language=language,
                    interpretation_language=(
                        language if _draw(*key, "interpretation") < interpretation_share else ""
                    ),
                    status=status,
                    consent_listing=_draw(*key, "consent") < plan["consent_share"],
                    minutes_attended=attended,
                )
            )
    return people
