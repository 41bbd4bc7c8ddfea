"""Text typed by the public, made safe to show beside other text."""

import re

# Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). A name holding
# U+202E would show the rest of a line backwards ("gpj.exe" for "exe.jpg"); the implicit marks
# (U+200E, U+200F) are kept, since Arabic and French text mixed on one line may need them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


# C0 controls except tab and the line breaks, and DEL: no text format we write allows them
# (RFC 5545 TEXT excludes CONTROL), and typed or pasted text can hold them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)
