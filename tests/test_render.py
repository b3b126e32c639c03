"""Render stage (views → templates → headings): golden pages (front matter + HTML, as ``factcheck render`` writes them) for a claim,
a listing and an article page; escaping rules.

Goldens live in tests/golden/. After an intended change of output, regenerate them with
``python -m pytest tests/test_render.py --update-goldens`` and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import paths
from generator.pipeline import build_site
from generator.pipeline import Page
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
def pages() -> dict[str, Page]:
    return build_site(MINI).pages


@pytest.mark.parametrize("golden", sorted(CASES))
def test_golden(pages: dict[str, Page], golden: str, update_goldens: bool) -> None:
    actual = pages[CASES[golden]].markdown()
    path = GOLDEN / golden
    if update_goldens:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{golden} changed; rerun with --update-goldens if intended"


def test_page_set_is_complete_and_sorted(pages: dict[str, Page]) -> None:
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
    assert "Entwurf – nicht veröffentlicht (draft)" in preview[paths.claim("strassen-trocken")].html


def test_same_input_same_output() -> None:
    assert build_site(MINI).pages == build_site(MINI).pages


def test_non_directory_urls_change_only_raw_links() -> None:
    article = paths.listing("articles", "tagblatt-2020-01-01")
    dirs = build_site(MINI).pages[article].html
    flat = build_site(MINI, directory_urls=False).pages[article].html
    assert 'href="../../claims/rathaus-blau/"' in dirs
    assert 'href="../claims/rathaus-blau.html"' in flat


def test_headings_get_ids_permalinks_and_a_toc(pages: dict[str, Page]) -> None:
    page = pages[paths.claim("regen-zwoelf-stunden")]
    assert page.title == "Regnete es am Neujahrstag zwölf Stunden lang?"
    assert [(x.level, x.id) for x in page.toc][:3] == [(1, "regnete-es-am-neujahrstag-zwolf-stunden-lang"),
                                                         (2, "die-behauptung"), (2, "analyse")]
    assert '<h2 id="analyse" data-search-exclude>Analyse<a class="headerlink" href="#analyse"' in page.html
    assert page.html.count("<h1") == 1 and page.meta() == {"title": page.title, "search": {"boost": 2}}


def test_markdown_wrapper_is_front_matter_then_the_html(pages: dict[str, Page]) -> None:
    import yaml

    page = pages[paths.listing("latest", page=2)]
    front, body = page.markdown().removeprefix("---\n").split("\n---\n\n", 1)
    assert yaml.safe_load(front) == page.meta() and body == page.html


def test_shipped_label_files_pass_their_own_check() -> None:
    from generator.i18n import PACKAGED, load_table

    tables = {path.stem: load_table(path) for path in sorted(PACKAGED.glob("*.yml"))}
    assert set(tables) == {"de", "en"}
    assert set(tables["de"].labels) == set(tables["en"].labels)


def test_labels_follow_the_site_language() -> None:
    english = build_site(MINI, language="en").pages[paths.claim("regen-zwoelf-stunden")].html
    assert '<p class="fc-verdict-box__label">Verdict</p>' in english
    assert '<h2 id="the-claim">The claim' in english and "1 January 2020" in english
    assert "Half true" in english  # the verdict label's English variant from verdicts.yml
    german = build_site(MINI).pages[paths.claim("regen-zwoelf-stunden")].html
    assert '<h2 id="die-behauptung">Die Behauptung' in german and "Teils richtig" in german


def test_relative_links_match_posixpath() -> None:
    import posixpath

    pages = list(build_site(MINI).pages)
    for directory_urls in (True, False):
        for here in pages:
            here_url = paths.url(here, directory_urls)
            base = here_url if here_url.endswith("/") or not here_url else posixpath.dirname(here_url) + "/"
            for target in pages:
                target_url = paths.url(target, directory_urls)
                expected = posixpath.relpath(target_url or ".", base or ".")
                expected += "/" if target_url.endswith("/") and not expected.endswith("/") else ""
                assert paths.rel_url(here, target, directory_urls) == expected, (here, target)
