"""Ids from titles and names: the one slug rule shared by ``factcheck new`` and ``factcheck import``."""

from __future__ import annotations

import re
import unicodedata

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
                           "æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L",
                           "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"})


def slugify(text: str, max_length: int = 80, words: int | None = None) -> str:
    """``"Über Straßen & Plätze"`` → ``"ueber-strassen-plaetze"``: German umlauts spelled out, other
    accents dropped, everything else a word break; at most ``words`` words, cut at a word boundary
    to ``max_length``. ``""`` if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())[:words]
    slug = ""
    for part in parts:
        longer = f"{slug}-{part}" if slug else part
        if len(longer) > max_length:
            break
        slug = longer
    return slug or (parts[0][:max_length] if parts else "")
