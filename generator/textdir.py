"""Text direction of a language: ``dir="rtl"`` for Arabic, Hebrew, Persian, Urdu and the others.

Browsers do not derive the direction from ``lang``: an Arabic claim marked only ``lang="ar"`` is laid
out left to right, with its punctuation at the wrong end. Templates put ``dir="{{ direction(lang) }}"``
beside every ``lang`` that can differ from the page's (claim text, listings, article text, search
results). Pure and table-driven; the tables follow CLDR's likely scripts (a language written in
Arabic or Hebrew script by default) and Unicode's right-to-left scripts.
"""

from __future__ import annotations

from typing import Literal

Direction = Literal["ltr", "rtl"]

RTL_LANGUAGES = frozenset({
    "ar",   # Arabic
    "arc",  # Aramaic
    "azb",  # South Azerbaijani (Arabic script)
    "bal",  # Baluchi
    "bqi",  # Bakhtiari
    "ckb",  # Central Kurdish (Sorani)
    "dv",   # Dhivehi (Thaana)
    "fa",   # Persian
    "glk",  # Gilaki
    "he",   # Hebrew
    "iw",   # Hebrew, the withdrawn code still in use
    "ji",   # Yiddish, the withdrawn code
    "khw",  # Khowar
    "ks",   # Kashmiri
    "lrc",  # Northern Luri
    "mzn",  # Mazanderani
    "nqo",  # N'Ko
    "pnb",  # Western Panjabi (Shahmukhi)
    "prs",  # Dari
    "ps",   # Pashto
    "sd",   # Sindhi
    "sdh",  # Southern Kurdish
    "syr",  # Syriac
    "ug",   # Uyghur
    "ur",   # Urdu
    "yi",   # Yiddish
})
"""Languages written right to left unless a script subtag says otherwise (``ku`` is Latin by default)."""

RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr", "mend",
                         "yezi", "avst", "phnx", "sogd", "narb", "sarb"})
"""ISO 15924 scripts written right to left (lowercase): ``ku-Arab``, ``pa-Arab`` are RTL, ``ar-Latn`` is not."""


def direction(lang: str | None) -> Direction:
    """``"rtl"`` or ``"ltr"`` for a BCP-47 tag such as ``ar``, ``fa-IR``, ``ku-Arab`` or ``az-Arab-IR``.

    A script subtag decides when present; otherwise the language does. Unknown, empty or malformed
    tags are ``"ltr"`` (the page's default), so a typo can never flip a page."""
    if not lang:
        return "ltr"
    subtags = lang.replace("_", "-").lower().split("-")
    language = subtags[0]
    # The script is the 4-letter alphabetic subtag right after the language (or an extlang).
    for subtag in subtags[1:3]:
        if len(subtag) == 4 and subtag.isalpha() and subtag.isascii():
            return "rtl" if subtag in RTL_SCRIPTS else "ltr"
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def is_rtl(lang: str | None) -> bool:
    return direction(lang) == "rtl"
