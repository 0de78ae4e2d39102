"""Diacritic-insensitive search keys, computed in Python so SQLite and PostgreSQL agree."""

import unicodedata

# NFD leaves these as base letters of their own; map them by hand.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ơ": "o", "ư": "u"})


def normalise_for_search(text: str) -> str:
    """'Nguyễn Văn An' -> 'nguyen van an'."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.translate(_SPECIAL).casefold().split())
