"""Link stage: ids resolved, backlinks computed, groups sorted newest first."""

from __future__ import annotations

from pathlib import Path

from generator.graph import Graph, link
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
