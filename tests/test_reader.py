"""Reader experience in real Chromium: accessibility (axe-core), keyboard use, the outlet chart's
numbers, language tags, print and dark mode; screenshots go to test-results/screenshots/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.browser import browser, serve
from tests.conftest import ROOT
from tests.sitebuild import build_repo_site

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-results" / "screenshots"
CLAIMS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content" / "claims").glob("*.yml"))}
VERDICTS = [v["key"] for v in yaml.safe_load((ROOT / "content" / "verdicts.yml").read_text(encoding="utf-8"))["verdicts"]]
ARTICLE = "articles/southfront-2017-10-11-raqqa/"
PAGES = {"home": "", "claim": "claims/russische-luftangriffe-mayadin/", "article": ARTICLE,
         "profile": "claimants/southfront/", "listing": "verdicts/groesstenteils-richtig/", "scale": "verdicts/",
         "archive": "months/", "corrections": "corrections/", "methodology": "methodology/"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="module")
def base_and_browser(site: Path):
    with serve(site) as base, browser() as chromium:
        yield base, chromium


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(base_and_browser, scheme: str) -> None:
    assert AXE.is_file(), "axe-core missing: run `npm ci` (the README's test command does)"
    base, chromium = base_and_browser
    page = chromium.new_page(color_scheme=scheme)
    found = {}
    for name, path in PAGES.items():
        page.goto(base + path, timeout=15000)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""")
        if violations:
            found[name] = violations
    page.close()
    assert found == {}


def test_checked_passage_opens_with_tab_and_enter(base_and_browser) -> None:
    base, chromium = base_and_browser
    page = chromium.new_page()
    page.goto(base + ARTICLE, timeout=15000)
    for _ in range(200):  # walk the tab order like a keyboard user until the first checked passage
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('fc-mark')"):
            break
    else:
        pytest.fail("no checked passage is reachable with Tab")
    verdict = page.evaluate("document.activeElement.dataset.verdict")
    tip = page.locator("a.fc-mark:focus .fc-mark__tip")
    assert tip.is_visible(), "focusing a passage shows its summary, as hovering does"
    page.keyboard.press("Enter")
    page.wait_for_url(base + "claims/**", timeout=15000)
    claim_id = page.url.rstrip("/").rsplit("/", 1)[1]
    assert CLAIMS[claim_id]["verdict"] == verdict
    assert page.locator(".fc-verdict-box .fc-badge").get_attribute("data-verdict") == verdict
    page.close()


def test_profile_chart_counts_match_the_records(base_and_browser) -> None:
    base, chromium = base_and_browser
    expected = Counter(c["verdict"] for c in CLAIMS.values()
                       if c["status"] == "published" and c["claim"]["claimant"] == "southfront")
    page = chromium.new_page()
    page.goto(base + PAGES["profile"], timeout=15000)
    rows = page.locator("table.fc-chart tbody tr")
    shown = {rows.nth(i).get_attribute("data-verdict"): int(rows.nth(i).locator(".fc-chart__count").inner_text())
             for i in range(rows.count())}
    assert shown == {key: expected.get(key, 0) for key in VERDICTS}
    widths = {rows.nth(i).get_attribute("data-verdict"): rows.nth(i).locator(".fc-chart__bar").bounding_box()["width"]
              for i in range(rows.count())}
    top = expected.most_common(1)[0][0]
    assert widths[top] == max(widths.values()) > 0, "the bars are drawn to scale"
    page.close()


def test_claim_keeps_its_language_tags(base_and_browser) -> None:
    base, chromium = base_and_browser
    page = chromium.new_page()
    page.goto(base + PAGES["claim"], timeout=15000)
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator(".fc-claim__text").get_attribute("lang") == "de"
    assert page.locator(".fc-claim__translation").get_attribute("lang") == "en"
    page.close()


def test_search_finds_claims_by_verdict(base_and_browser) -> None:
    base, chromium = base_and_browser
    page = chromium.new_page()
    page.goto(base, timeout=15000)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Teils richtig", delay=40)
    result = page.locator(".md-search-result__link[href*='claims/russische-luftangriffe-mayadin']").first
    result.wait_for(timeout=15000)
    page.close()


def test_print_hides_navigation_and_keeps_the_verdict(base_and_browser) -> None:
    base, chromium = base_and_browser
    page = chromium.new_page()
    page.emulate_media(media="print")
    page.goto(base + PAGES["claim"], timeout=15000)
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert page.locator(".fc-verdict-box .fc-badge").is_visible()
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(base_and_browser, scheme: str) -> None:
    """Pictures for people: README images come from here (docs/assets/), after a look at them."""
    base, chromium = base_and_browser
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    for name in ("article", "profile", "claim"):
        page.goto(base + PAGES[name], timeout=15000)
        target = SHOTS / f"{name}-{scheme}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 20_000
    # dark mode really is dark: the body background is not white
    page.goto(base + PAGES["claim"], timeout=15000)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light")
    page.close()
