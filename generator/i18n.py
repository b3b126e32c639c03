"""The generator's own words, in every site language it supports. One table, so nothing hides."""

from __future__ import annotations

from datetime import date

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "verdict": "Bewertung", "claim": "Die Behauptung", "translation": "Übersetzung",
        "claimant": "Urheber", "appeared": "Erschienen in", "claimed_on": "Datum der Behauptung", "analysis": "Analyse", "evidence": "Belege", "related": "Verwandte Faktenchecks",
        "cited_by": "Verweisen hierauf", "authors": "Autorinnen und Autoren", "reviewers": "Geprüft von",
        "published": "Veröffentlicht", "updated": "Aktualisiert", "corrections": "Korrekturen",
        "topics": "Themen", "archive": "Archivkopie", "repost_of": "Zweitveröffentlichung; Original: {name}",
        "no_date": "ohne Datum", "latest": "Neueste Faktenchecks", "all_checks": "Alle Faktenchecks",
        "scale": "Bewertungsskala", "scale_intro": "Jede Bewertung folgt aus den angeführten Belegen. "
        "Die Zahl gibt die Stufe auf der Skala an ({worst} = am wenigsten zutreffend, {best} = zutreffend).",
        "rating": "Stufe", "count": "Faktenchecks", "none": "keine Stufe",
        "page": "Seite {n} von {total}", "prev": "← Neuere", "next": "Ältere →",
        "no_claims": "Noch keine Faktenchecks.",
        "topics_title": "Themen", "claimants_title": "Urheber und Medien", "articles_title": "Geprüfte Artikel",
        "article_text": "Der Artikel im Wortlaut", "article_claims": "Geprüfte Aussagen in diesem Artikel",
        "article_marks_note": "Markierte Passagen sind geprüft; ein Klick öffnet den Faktencheck.",
        "original": "Original", "facts": "Dokumentierte Fakten", "notes": "Hinweise",
        "outlet": "Medium", "article_date": "Datum", "claims_of": "Geprüfte Aussagen",
        "kind_outlet": "Medium", "kind_organisation": "Organisation", "kind_person": "Person", "draft": "Entwurf – nicht veröffentlicht ({status})",
        "more_sources": "Weitere Quellen",
        "months_title": "Archiv nach Monat", "distribution": "Verteilung der Bewertungen",
        "chart_caption": "Bewertungen von {total} geprüften Aussagen", "share": "Anteil", "meaning": "Bedeutung",
        "corrections_title": "Korrekturen", "no_corrections": "Bisher keine Korrekturen.",
        "corrections_intro": "Alle Korrekturen an veröffentlichten Faktenchecks, die neueste zuerst. "
        "Jede steht auch auf der Seite des Faktenchecks.",
    },
    "en": {
        "verdict": "Verdict", "claim": "The claim", "translation": "Translation",
        "claimant": "Claimant", "appeared": "Appeared in", "claimed_on": "Date of the claim", "analysis": "Analysis", "evidence": "Evidence", "related": "Related fact-checks",
        "cited_by": "Linked from", "authors": "Authors", "reviewers": "Reviewed by",
        "published": "Published", "updated": "Updated", "corrections": "Corrections",
        "topics": "Topics", "archive": "archived copy", "repost_of": "repost; original: {name}",
        "no_date": "undated", "latest": "Latest fact-checks", "all_checks": "All fact-checks",
        "scale": "Rating scale", "scale_intro": "Every verdict follows from the evidence cited. "
        "The number is the verdict's place on the scale ({worst} = least accurate, {best} = accurate).",
        "rating": "Rating", "count": "Fact-checks", "none": "not rated",
        "page": "Page {n} of {total}", "prev": "← Newer", "next": "Older →",
        "no_claims": "No fact-checks yet.",
        "topics_title": "Topics", "claimants_title": "Claimants and outlets", "articles_title": "Checked articles",
        "article_text": "The article, verbatim", "article_claims": "Checked claims in this article",
        "article_marks_note": "Marked passages have been checked; follow one to open its fact-check.",
        "original": "original", "facts": "Documented facts", "notes": "Notes",
        "outlet": "Outlet", "article_date": "Date", "claims_of": "Checked claims",
        "kind_outlet": "Outlet", "kind_organisation": "Organisation", "kind_person": "Person", "draft": "Draft – not published ({status})",
        "more_sources": "Further sources",
        "months_title": "Archive by month", "distribution": "Verdicts at a glance",
        "chart_caption": "Verdicts of {total} checked claims", "share": "Share", "meaning": "Meaning",
        "corrections_title": "Corrections", "no_corrections": "No corrections so far.",
        "corrections_intro": "Every correction to a published fact-check, newest first. "
        "Each is also shown on the fact-check's page.",
    },
}

MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


class Labels:
    """The labels of one language; falls back to English for a language we have no table for."""

    def __init__(self, language: str) -> None:
        self.language = language if language in STRINGS else "en"
        self._table = STRINGS[self.language]

    def __call__(self, key: str, **values: object) -> str:
        return self._table[key].format(**values) if values else self._table[key]

    def date(self, day: date) -> str:
        month = MONTHS[self.language][day.month - 1]
        return f"{day.day}. {month} {day.year}" if self.language == "de" else f"{day.day} {month} {day.year}"

    def month(self, key: str) -> str:
        """'2026-11' → 'November 2026'."""
        year, month = key.split("-")
        return f"{MONTHS[self.language][int(month) - 1]} {year}"

    def pick(self, texts: dict[str, str]) -> str:
        """The text in the site language, else English, else the first one given."""
        return texts.get(self.language) or texts.get("en") or next(iter(texts.values()), "")
