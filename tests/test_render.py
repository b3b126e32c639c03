"""Render stage: golden Markdown for a claim, a listing and an article page; escaping rules.

Goldens live in tests/golden/. After an intended change of output, regenerate them with
``python -m pytest tests/test_render.py --update-goldens`` and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import paths
from generator.pipeline import build_site
from generator.render import h, md
from tests.conftest import MINI

GOLDEN = Path(__file__).resolve().parent / "golden"

CASES = {
    "claim.md": paths.claim("regen-zwoelf-stunden"),
    "claim-with-corrections.md": paths.claim("sonne-drei-stunden"),
    "listing-topic-page1.md": paths.listing("topics", "wetter"),
    "listing-latest-page2.md": paths.listing("latest", page=2),
    "article.md": paths.listing("articles", "tagblatt-2020-01-01"),
    "claimant.md": paths.listing("claimants", "tagblatt"),
    "home.md": paths.home(),
    "verdicts.md": paths.listing("verdicts"),
}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return build_site(MINI).pages


@pytest.mark.parametrize("golden", sorted(CASES))
def test_golden(pages: dict[str, str], golden: str, update_goldens: bool) -> None:
    actual = pages[CASES[golden]]
    path = GOLDEN / golden
    if update_goldens:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{golden} changed; rerun with --update-goldens if intended"


def test_page_set_is_complete_and_sorted(pages: dict[str, str]) -> None:
    assert list(pages) == sorted(pages)
    published = ["rathaus-blau", "regen-zwoelf-stunden", "sonne-drei-stunden"]
    assert [p for p in pages if p.startswith("claims/")] == [paths.claim(c) for c in published]
    # page_size is 2 in the fixture: three published claims make two pages of the full listing
    assert "latest/2.md" in pages and "latest/3.md" not in pages
    for key in ("richtig", "teils-richtig", "falsch", "unbelegt"):
        assert paths.listing("verdicts", key) in pages


def test_drafts_render_only_when_asked() -> None:
    assert paths.claim("strassen-trocken") not in build_site(MINI).pages
    preview = build_site(MINI, include_drafts=True).pages
    assert "Entwurf – nicht veröffentlicht (draft)" in preview[paths.claim("strassen-trocken")]


def test_same_input_same_output() -> None:
    assert build_site(MINI).pages == build_site(MINI).pages


def test_non_directory_urls_change_only_raw_links() -> None:
    article = paths.listing("articles", "tagblatt-2020-01-01")
    dirs = build_site(MINI).pages[article]
    flat = build_site(MINI, directory_urls=False).pages[article]
    assert 'href="../../claims/rathaus-blau/"' in dirs
    assert 'href="../claims/rathaus-blau.html"' in flat


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a *b* _c_ [d](e)", r"a \*b\* \_c\_ \[d\]\(e\)"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("# not a heading\n- not a list", r"\# not a heading \- not a list"),
        ("AT&T", "AT&amp;T"),
        ("`code` | pipe \\", r"\`code\` \| pipe \\"),
    ],
)
def test_md_escapes_markdown_and_html(text: str, expected: str) -> None:
    assert md(text) == expected


def test_h_escapes_for_attributes() -> None:
    assert h('"><img onerror=x>') == "&quot;&gt;&lt;img onerror=x&gt;"


def test_both_languages_have_every_label() -> None:
    from generator.i18n import STRINGS

    assert set(STRINGS["de"]) == set(STRINGS["en"])


def test_labels_follow_the_site_language() -> None:
    english = build_site(MINI, language="en").pages[paths.claim("regen-zwoelf-stunden")]
    assert '<p class="fc-verdict-box__label">Verdict</p>' in english
    assert "## The claim" in english and "1 January 2020" in english
    assert "Half true" in english  # the verdict label's English variant from verdicts.yml
    german = build_site(MINI).pages[paths.claim("regen-zwoelf-stunden")]
    assert "## Die Behauptung" in german and "Teils richtig" in german


def test_relative_links_match_posixpath() -> None:
    import posixpath

    pages = list(build_site(MINI).pages)
    for here in pages:
        for target in pages:
            assert paths.rel(here, target) == posixpath.relpath(target, posixpath.dirname(here) or ".")
