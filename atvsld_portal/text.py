"""Text normalisation shared by every search."""

from __future__ import annotations

import unicodedata


def normalise_search(text: str | None) -> str:
    """Lower-case, without Vietnamese marks, đ → d, single spaces.

    "Công ty Đá Ea Ly" → "cong ty da ea ly". Unicode decomposition alone does not map Đ/đ
    (it is a letter of its own, not D plus a mark), hence the explicit replacement.
    """
    if not text:
        return ""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
