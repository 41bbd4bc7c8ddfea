"""The French and Arabic catalogues are complete and in step with the code."""

from __future__ import annotations

import shutil
import subprocess
import sys

import polib
import pytest

from tests.utils import ROOT

LANGUAGES = ["fr", "ar"]
CATALOGUE = ROOT / "locale" / "{lang}" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv", "node_modules", "var", "staticfiles", "test-artifacts", "tests", "bench"]


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(CATALOGUE).format(lang=lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(lang):
    catalogue = _catalogue(lang)
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    assert len(catalogue.translated_entries()) == len(catalogue) - len(catalogue.obsolete_entries())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_keeps_placeholders(lang):
    """A translation that drops or renames %(name)s or {{ name }} would break at run time."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{ *\w+ *\}\}|\{\w*\}")
    wrong = []
    for entry in _catalogue(lang).translated_entries():
        expected = sorted(placeholder.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if entry.msgid_plural:
                # A plural form may leave out the number itself (e.g. Arabic's dual).
                if not set(placeholder.findall(text)) <= set(
                    placeholder.findall(entry.msgid + entry.msgid_plural)
                ):
                    wrong.append(entry.msgid)
            elif sorted(placeholder.findall(text)) != expected:
                wrong.append(entry.msgid)
    assert wrong == []


def test_catalogues_hold_every_string_of_the_code(tmp_path):
    if not shutil.which("xgettext"):
        pytest.fail("gettext is not installed (apt-get install gettext)", pytrace=False)
    # makemessages writes into the "locale" folder it finds while walking the source tree,
    # whatever LOCALE_DIR says: run on the project's own tree, it would rewrite the committed
    # catalogues (new strings untranslated, fuzzy guesses, locations). Extract from a copy.
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(".git", "__pycache__", "locale", *IGNORED),
    )
    locale_copy = project / "locale"
    locale_copy.mkdir()
    args = [sys.executable, "manage.py", "makemessages", "--no-obsolete"]
    args += [f"--locale={lang}" for lang in LANGUAGES]
    args += [f"--ignore={path}/*" for path in IGNORED]
    result = subprocess.run(
        args,
        cwd=project,
        env={
            "PATH": __import__("os").environ["PATH"],
            "LOCALE_DIR": str(locale_copy),
            "DEBUG": "1",
            "VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for lang in LANGUAGES:
        extracted = polib.pofile(str(locale_copy / lang / "LC_MESSAGES" / "django.po"))
        committed = _catalogue(lang)
        missing = {e.msgid for e in extracted} - {e.msgid for e in committed if not e.obsolete}
        assert sorted(missing) == [], f"run make messages: {lang} lacks these strings"
