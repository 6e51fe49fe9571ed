"""Text normalisation: how typed text is stored, and how every search compares it."""

from __future__ import annotations

import unicodedata

# Invisible characters that carry nothing in Vietnamese text and can hide or disguise it: the
# zero-width space and word joiner, the byte-order mark, the left-to-right/right-to-left marks,
# and the bidirectional embeddings, overrides and isolates (U+202E shows "exe.fdp" as
# "pdf.exe"). The zero-width joiner and non-joiner stay: emoji sequences are built with them.
INVISIBLE_CHARACTERS = (
    "\u200b\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REMOVE_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))


def normalise_text(text: str) -> str:
    """Typed text as the portal stores it: without the invisible characters above, in composed
    form (NFC), so "Nguyễn" typed on a keyboard that sends decomposed marks (NFD) is the same
    string as "Nguyễn" typed anywhere else. NUL characters are left for the form to refuse."""
    return unicodedata.normalize("NFC", text.translate(_REMOVE_INVISIBLE))


def normalise_search(text: str | None) -> str:
    """Lower-case, without Vietnamese marks, đ → d, without invisible format characters, single
    spaces.

    "Công ty Đá Ea Ly" → "cong ty da ea ly". Unicode decomposition alone does not map Đ/đ
    (it is a letter of its own, not D plus a mark), hence the explicit replacement. Composed
    (NFC) and decomposed (NFD) input give the same key.
    """
    if not text:
        return ""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    return " ".join(stripped.lower().split())
