"""Fact-checks that travel: page metadata parsed from built pages under a sub-path site_url, share
cards (1200×630 PNG, identical bytes on rebuild, cached, no tofu), share links, embed cards, the
front page in Chromium at 1280 and 390 px. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import extruct
import pytest
import yaml
from PIL import Image

from generator import cards
from generator.meta import SERVICES
from tests.browser import browser, serve
from tests.conftest import ROOT
from tests.sitebuild import copy_project, mkdocs_env

SITE_URL = "https://example.github.io/faktenchecks/"
SHOTS = ROOT / "test-results" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CLAIMS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content" / "claims").glob("*.yml"))}
CLAIM = "russische-luftangriffe-mayadin"


def _build(project: Path, site: Path) -> str:
    env = mkdocs_env() | {"SITE_URL": SITE_URL}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=project,
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, str]:
    """The repository's site built twice into two folders from one project (one card cache)."""
    project = copy_project(tmp_path_factory.mktemp("share"))
    first_log = _build(project, project / "site1")
    second_log = _build(project, project / "site2")
    return project / "site1", project / "site2", first_log, second_log


def _opengraph(page: Path) -> dict[str, list[str]]:
    html = page.read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=SITE_URL, syntaxes=["opengraph"], uniform=False)["opengraph"]
    out: dict[str, list[str]] = {}
    for block in data:
        for key, value in block["properties"]:
            out.setdefault(key, []).append(value)
    return out


def _meta(html: str, name: str) -> list[str]:
    return re.findall(rf'<meta name="{re.escape(name)}" content="([^"]*)"', html)


def test_every_page_has_its_own_metadata_with_absolute_urls_under_the_sub_path(built) -> None:
    site = built[0]
    descriptions = set()
    for page in sorted(site.rglob("index.html")):
        if "/embed/" in page.as_posix() or page.parent.name in ("search",):
            continue
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # an alias redirect
        og = _opengraph(page)
        for key in ("og:title", "og:description", "og:url", "og:image", "og:image:width", "og:image:height",
                    "og:image:alt", "og:locale", "og:site_name", "og:type"):
            assert og.get(key), f"{page}: no {key}"
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert canonical, page
        for url in [canonical[1], og["og:url"][0], og["og:image"][0], *_meta(html, "twitter:image")]:
            assert url.startswith(SITE_URL), (page, url)
        assert og["og:url"][0] == canonical[1]
        image = og["og:image"][0].removeprefix(SITE_URL)
        assert (site / image).is_file(), f"{page}: og:image {image} is not in the site"
        assert _meta(html, "twitter:card") == ["summary_large_image"]
        assert "noindex" not in html.split("</head>")[0], f"{page}: a published page is not noindex"
        descriptions.add(_meta(html, "description")[0])
    assert len(descriptions) > 20, "pages describe themselves, not all with the site's description"


def test_claim_page_metadata_comes_from_the_claim(built) -> None:
    site = built[0]
    record = CLAIMS[CLAIM]
    og = _opengraph(site / "claims" / CLAIM / "index.html")
    assert og["og:type"] == ["article"]
    assert og["og:title"] == [record["title"]]
    assert og["og:url"] == [f"{SITE_URL}claims/{CLAIM}/"]
    assert og["og:image"] == [f"{SITE_URL}claims/{CLAIM}/card.png"]
    assert og["og:image:width"] == ["1200"] and og["og:image:height"] == ["630"]
    assert og["og:locale"] == ["de_DE"]
    assert og["article:published_time"] == [str(record["published"])]
    assert og["og:description"][0] and record["summary"].startswith(og["og:description"][0].rstrip("…"))
    assert "Teils richtig" in og["og:image:alt"][0]
    assert len(og["article:tag"]) == len(record["topics"])


def test_share_cards_exist_are_1200x630_and_rebuild_byte_identical(built) -> None:
    first, second, first_log, second_log = built
    for cid, record in CLAIMS.items():
        if record["status"] != "published":
            continue
        card = first / "claims" / cid / "card.png"
        with Image.open(card) as image:
            assert image.format == "PNG" and image.size == (1200, 630)
        assert card.read_bytes() == (second / "claims" / cid / "card.png").read_bytes()
    assert (first / "assets" / "fc-card.png").read_bytes() == (second / "assets" / "fc-card.png").read_bytes()
    assert re.search(r"share cards: 8, 8 drawn, 0 from the cache", first_log), first_log
    assert re.search(r"share cards: 8, 0 drawn, 8 from the cache", second_log), second_log


def test_card_drawing_is_deterministic_without_metadata_and_without_tofu() -> None:
    card = cards.Card("claims/x/card.png", "#b71c1c", "cross", "Falsch",
                      "Zażółć gęślą jaźń – où est l’œuvre? Größe " * 10, "Ąę · 1. Mai 2020", "Faktenchecks")
    png = cards.draw(card)
    assert png == cards.draw(card)
    assert b"tEXt" not in png and b"tIME" not in png and b"iTXt" not in png
    assert cards.drawable("Zażółć gęślą jaźń ÀÉÎÕÜ œŒ ß „“ «»")
    assert not cards.drawable("日本語") and not cards.drawable("مرحبا")
    assert cards.first_drawable("日本語の主張", None, "Der Titel") == "Der Titel"
    assert cards.wrap("a " * 500, cards._face(44, 500), 1080, 3)[-1].endswith("…")


def test_cache_skips_drawing_and_a_changed_card_is_drawn_again(tmp_path: Path) -> None:
    a = cards.Card("claims/a/card.png", "#1b5e20", "check", "Richtig", "Text", "X · 1. Mai 2020", "S")
    b = cards.Card("claims/b/card.png", "#1b5e20", "check", "Richtig", "Anderer Text", "X · 1. Mai 2020", "S")
    files, stats = cards.render([a, b], tmp_path)
    assert (stats.drawn, stats.reused) == (2, 0)
    files2, stats = cards.render([a, b], tmp_path)
    assert (stats.drawn, stats.reused) == (0, 2) and files2 == files
    _, stats = cards.render([a, dataclasses.replace(b, text="neu")], tmp_path)
    assert (stats.drawn, stats.reused) == (1, 1)


def test_share_links_carry_the_canonical_url_and_the_embed_card_has_no_script(built) -> None:
    site = built[0]
    html = (site / "claims" / CLAIM / "index.html").read_text(encoding="utf-8")
    canonical = f"{SITE_URL}claims/{CLAIM}/"
    links = re.findall(r'<a class="fc-share__link" data-service="([^"]+)" href="([^"]+)"', html)
    assert [name for name, _ in links] == [name for name, _ in SERVICES]
    for name, href in links:
        assert quote(canonical, safe="") in href, (name, href)
    assert f'value="{canonical}"' in html  # the address to copy, selectable without JavaScript
    assert f"{SITE_URL}claims/{CLAIM}/embed/" in html  # the iframe snippet
    embed = (site / "claims" / CLAIM / "embed" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in embed.lower() and f'href="{canonical}"' in embed
    assert CLAIMS[CLAIM]["title"] in embed and 'data-verdict="teils-richtig"' in embed
    assert re.search(r"https?://", embed.replace(canonical, "")) is None, "the embed card requests nothing else"


def test_drafts_are_noindex(tmp_path: Path) -> None:
    from tests.minisite import build_content

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", content)
    draft = content / "claims" / "rathaus-blau.yml"
    draft.write_text(draft.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    site = build_content(content, tmp_path, extra_config="\nplugins:\n  - search\n  - factcheck:\n      drafts: always\n")
    head = (site / "claims" / "rathaus-blau" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert '<meta name="robots" content="noindex">' in head
    other = (site / "claims" / "sonne-drei-stunden" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert "noindex" not in other


@pytest.mark.browser
def test_front_page_and_share_area_in_chromium(built) -> None:
    site = built[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, browser() as chromium:
        found = {}
        for width, height in ((1280, 900), (390, 844)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            page.goto(base, timeout=15000)
            assert page.locator(".fc-card").count() == len(CLAIMS)
            assert page.locator(".fc-card--lead img").is_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"front page scrolls sideways at {width} px"
            page.screenshot(path=str(SHOTS / f"front-page-{width}.png"), full_page=False)
            page.close()
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        for name, path in (("home", ""), ("claim", f"claims/{CLAIM}/")):
            page.goto(base + path, timeout=15000)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)""")
            if violations:
                found[name] = violations
        page.goto(base + f"claims/{CLAIM}/embed/", timeout=15000)
        page.add_script_tag(path=str(AXE))
        found_embed = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)""")
        if found_embed:
            found["embed"] = found_embed
        page.goto(base + f"claims/{CLAIM}/", timeout=15000)
        area = page.locator(".fc-share")
        area.scroll_into_view_if_needed()
        assert page.locator(".fc-share__button").is_visible(), "the copy button is shown where JavaScript runs"
        page.locator(".fc-share__embed summary").click()
        area.screenshot(path=str(SHOTS / "share-area.png"))
        # Keyboard: the share links are reachable with Tab.
        page.locator(".fc-share__link").first.focus()
        assert page.evaluate("document.activeElement.dataset.service") == "bluesky"
        page.close()
        assert found == {}
