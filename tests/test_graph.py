"""Link stage: ids resolved, backlinks computed, groups sorted newest first."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import paths
from generator.graph import Graph, link
from generator.pipeline import build_site
from generator.records import load_records
from generator.validate import validate_records
from tests.conftest import MINI, edit


def graph_of(content: Path, *, include_drafts: bool = False) -> Graph:
    raw, problems = load_records(content)
    validated, more = validate_records(raw)
    assert not problems + more
    return link(validated, include_drafts=include_drafts)


def test_backlinks_are_the_reverse_of_related() -> None:
    g = graph_of(MINI)
    assert g.backlinks == {"sonne-drei-stunden": ["rathaus-blau", "regen-zwoelf-stunden"]}
    assert g.related("regen-zwoelf-stunden") == ["sonne-drei-stunden"]


def test_groups_are_newest_first() -> None:
    g = graph_of(MINI)
    assert g.newest_first() == ["rathaus-blau", "sonne-drei-stunden", "regen-zwoelf-stunden"]
    assert g.by_topic == {"wetter": ["sonne-drei-stunden", "regen-zwoelf-stunden"],
                          "stadt": ["rathaus-blau", "sonne-drei-stunden"]}
    assert g.by_verdict["unbelegt"] == []  # the only 'unbelegt' claim is a draft
    assert g.by_claimant == {"tagblatt": ["rathaus-blau", "sonne-drei-stunden", "regen-zwoelf-stunden"]}


def test_drafts_join_the_graph_only_in_preview() -> None:
    assert "strassen-trocken" not in graph_of(MINI).claims
    preview = graph_of(MINI, include_drafts=True)
    assert preview.by_verdict["unbelegt"] == ["strassen-trocken"]


def test_quotes_are_placed_in_article_order() -> None:
    g = graph_of(MINI)
    text = g.articles["tagblatt-2020-01-01"].text
    marks = g.marks["tagblatt-2020-01-01"]
    assert [m.claim for m in marks] == ["regen-zwoelf-stunden", "sonne-drei-stunden", "rathaus-blau"]
    assert text[marks[2].start:marks[2].end] == "Das Rathaus ist blau."


def test_circular_related_is_allowed(mini: Path) -> None:
    # a ↔ b both ways is fine and must not loop
    edit(mini / "claims" / "sonne-drei-stunden.yml", "topics: [wetter, stadt]", "topics: [wetter, stadt]\nrelated: [regen-zwoelf-stunden]")
    g = graph_of(mini)
    assert g.backlinks["regen-zwoelf-stunden"] == ["sonne-drei-stunden"]
    assert g.backlinks["sonne-drei-stunden"] == ["rathaus-blau", "regen-zwoelf-stunden"]


def test_published_claim_related_to_a_draft_links_only_in_preview(mini: Path) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "related: [sonne-drei-stunden]", "related: [sonne-drei-stunden, strassen-trocken]")
    assert graph_of(mini).related("rathaus-blau") == ["sonne-drei-stunden"]
    assert graph_of(mini, include_drafts=True).related("rathaus-blau") == ["sonne-drei-stunden", "strassen-trocken"]


MULTILINE = "Das Rathaus ist blau.\nAlle Straßen waren"
"""A quote across the article's line break (README: quotes keep the article's line breaks)."""


def _multiline(mini: Path) -> Path:
    edit(mini / "claims" / "rathaus-blau.yml", "quote: Das Rathaus ist blau.", f"quote: {json.dumps(MULTILINE)}")
    return mini


def test_a_quote_across_a_line_break_is_placed_whole(mini: Path) -> None:
    g = graph_of(_multiline(mini))
    text = g.articles["tagblatt-2020-01-01"].text
    (mark,) = [m for m in g.marks["tagblatt-2020-01-01"] if m.claim == "rathaus-blau"]
    assert text[mark.start:mark.end] == MULTILINE


class _Marks(HTMLParser):
    """The checked passages of an annotated article: (href, text of its <mark>, <br> read as a line break)."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[str, str]] = []
        self._href: str | None = None
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "fc-mark" in (values.get("class") or "").split():
            self._href = values.get("href") or ""
            self.marks.append((self._href, ""))
        elif tag == "mark" and self._href is not None:
            self._in_mark = True
        elif tag == "br" and self._in_mark:
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False
        elif tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            href, text = self.marks[-1]
            self.marks[-1] = (href, text + data)


def test_a_quote_across_a_line_break_is_marked_whole_in_the_article(mini: Path) -> None:
    """One link, one label and one tooltip for the whole passage, its line break kept, not two
    half-passages that each look like a checked claim of their own."""
    html = build_site(_multiline(mini)).pages[paths.listing("articles", "tagblatt-2020-01-01")].html
    parser = _Marks()
    parser.feed(html)
    ours = [text for href, text in parser.marks if href.endswith("/rathaus-blau/")]
    assert ours == [MULTILINE]
    assert [text for _, text in parser.marks] == ["regnete es in der ganzen Stadt zwölf Stunden lang",
                                                  "Die Sonne schien danach noch drei Stunden.", MULTILINE]


def test_adjacent_quotes_do_not_overlap(mini: Path) -> None:
    """A quote may end exactly where the next begins (here: the space between two sentences)."""
    edit(mini / "claims" / "sonne-drei-stunden.yml", "quote: Die Sonne schien danach noch drei Stunden.",
         'quote: "Die Sonne schien danach noch drei Stunden. "')
    marks = graph_of(mini).marks["tagblatt-2020-01-01"]
    assert marks[1].end == marks[2].start


def test_same_day_correction_and_update_are_allowed(mini: Path) -> None:
    edit(mini / "claims" / "sonne-drei-stunden.yml", "updated: 2020-02-03", "updated: 2020-02-02")
    edit(mini / "claims" / "sonne-drei-stunden.yml", "  - date: 2020-02-03", "  - date: 2020-02-02")
    assert graph_of(mini).claims["sonne-drei-stunden"].updated.isoformat() == "2020-02-02"


def test_an_appearance_known_only_by_url_needs_no_article(mini: Path) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "      quote: Das Rathaus ist blau.\n",
         "      quote: Das Rathaus ist blau.\n    - url: https://example.org/radio/rathaus\n")
    g = graph_of(mini)
    assert g.by_article["tagblatt-2020-01-01"] == ["rathaus-blau", "sonne-drei-stunden", "regen-zwoelf-stunden"]


def test_an_alias_of_an_unshown_claim_redirects_nowhere(mini: Path) -> None:
    """A draft's former id gets no redirect page in a build: it would point at a page that is not there."""
    edit(mini / "claims" / "strassen-trocken.yml", "status: draft", "status: draft\naliases: [strassen-alt]")
    assert graph_of(mini).aliases == {}
    assert graph_of(mini, include_drafts=True).aliases == {"strassen-alt": "strassen-trocken"}


def test_month_archive_is_newest_month_first(mini: Path) -> None:
    edit(mini / "claims" / "regen-zwoelf-stunden.yml", "published: 2020-02-01", "published: 2020-01-15")
    assert list(graph_of(mini).by_month().items()) == [("2020-02", ["rathaus-blau", "sonne-drei-stunden"]),
                                                       ("2020-01", ["regen-zwoelf-stunden"])]
