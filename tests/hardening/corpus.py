"""Hostile input: strings a user (or an attacker) may type into any field of the portal, and the
impossible values the forms must refuse.

Each string says what a form keeps of it (``stored``: composed Unicode (NFC), invisible
formatting characters removed, outer white space trimmed as every text field does; ``None`` when
the form must refuse it) and which printable ASCII part (``literal``) a page or a document must
show exactly as typed, inert.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Hostile:
    key: str
    text: str
    stored: str | None
    literal: str = ""

    @property
    def short(self) -> bool:
        """Fits the short text fields (names, places: 150 to 255 characters)."""
        return len(self.text) <= 120


NAME = "Nguyễn Thị Hường"
NAME_NFC = unicodedata.normalize("NFC", NAME)
NAME_NFD = unicodedata.normalize("NFD", NAME)
assert NAME_NFC != NAME_NFD  # the two forms differ byte for byte

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
LONG_START, LONG_END = "LONG-TEXT-START ", " LONG-TEXT-END"
_long_body = "Công nhân bị thương ở tay trái khi vận hành máy. " * 250
LONG_TEXT = LONG_START + _long_body[: 10_000 - len(LONG_START) - len(LONG_END)] + LONG_END
assert len(LONG_TEXT) == 10_000

CORPUS: tuple[Hostile, ...] = (
    Hostile("script", SCRIPT, SCRIPT, SCRIPT),
    Hostile("img_onerror", IMG, IMG, IMG),
    Hostile("javascript_url", JS_URL, JS_URL, JS_URL),
    Hostile(
        "sql_drop",
        "'; DROP TABLE enterprises_enterprise; --",
        "'; DROP TABLE enterprises_enterprise; --",
        "'; DROP TABLE enterprises_enterprise; --",
    ),
    Hostile("sql_or", "' OR '1'='1", "' OR '1'='1", "' OR '1'='1"),
    Hostile("name_nfc", NAME_NFC, NAME_NFC),
    Hostile("name_nfd", NAME_NFD, NAME_NFC),
    # Zero-width space and BOM inside words go; the zero-width joiner stays (emoji need it).
    Hostile(
        "zero_width",
        "Ngu\u200byễn Th\u200dị Hư\ufeffờng",
        "Nguyễn Th\u200dị Hường",
    ),
    Hostile("long_text", LONG_TEXT, LONG_TEXT, LONG_START.strip()),
    Hostile("formula_equals", "=1+2", "=1+2", "=1+2"),
    Hostile("formula_cmd", "+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0"),
    Hostile("formula_minus", "-2+3", "-2+3", "-2+3"),
    Hostile("formula_at", "@SUM(1,1)", "@SUM(1,1)", "@SUM(1,1)"),
    # Leading white space is trimmed by every text field: the formula prefix is what is left.
    Hostile("formula_tab", '\t=HYPERLINK("http://x")', '=HYPERLINK("http://x")', "=HYPERLINK"),
    Hostile("formula_cr", "\r=1+2", "=1+2", "=1+2"),
    # A right-to-left override would turn "exe.fdp" into "pdf.exe" on screen: it is removed.
    Hostile("rtl_override", "Biên bản \u202eexe.fdp", "Biên bản exe.fdp", "exe.fdp"),
    Hostile("emoji", "Công nhân 👷\u200d♀️ bị thương 🤕", "Công nhân 👷\u200d♀️ bị thương 🤕"),
    # Digits to str.isdigit() but not to int(): "²".isdigit() is True, int("²") fails.
    Hostile("superscript_digits", "²³", "²³"),
    # PostgreSQL refuses NUL in text: the form must refuse it first, with a message.
    Hostile("nul_byte", "Nguyễn\x00Văn", None),
)
BY_KEY = {item.key: item for item in CORPUS}
STORABLE = tuple(item for item in CORPUS if item.stored is not None)
# What a document can carry: stored in the database as typed (NUL cannot be).
DOCUMENT_CORPUS = STORABLE

# What a query string parameter (a filter, a page number, a search) may carry at its worst.
PARAMETER_ATTACKS = (
    *(BY_KEY[key] for key in ("nul_byte", "superscript_digits", "long_text", "sql_or")),
    Hostile("huge_number", "9" * 30, "9" * 30),  # beyond any database integer
)

# Impossible values.
IMPOSSIBLE_DATE = "31/02/2026"
IMPOSSIBLE_DATE_ISO = "2026-02-31"
IMPOSSIBLE_DATETIME = "31/02/2026 08:00"
IMPOSSIBLE_DATETIME_LOCAL = "2026-02-31T08:00"
MANY_VICTIMS = 2_000


def future_birth_year(today: date) -> int:
    return today.year + 1


def rotated(count: int, offset: int, pool: tuple[Hostile, ...] = CORPUS) -> list[Hostile]:
    """``count`` corpus strings starting at ``offset``, wrapping round: field i of a form gets a
    different string than field i of the form before it."""
    return [pool[(offset + i) % len(pool)] for i in range(count)]


def joined(pool: tuple[Hostile, ...] = DOCUMENT_CORPUS, *, short: bool = False) -> str:
    """The whole corpus in one text (for a field a document prints once)."""
    return " | ".join(item.text for item in pool if item.short or not short)
