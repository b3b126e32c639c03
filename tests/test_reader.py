"""Reader experience in real Chromium: accessibility (axe-core), keyboard use, the outlet chart's
numbers, language tags, print and dark mode; screenshots go to test-results/screenshots/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.browser import browser, header_search, serve
from tests.conftest import ROOT
from tests.sitebuild import build_repo_site

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-results" / "screenshots"
CLAIMS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content" / "claims").glob("*.yml"))}
SCALE = yaml.safe_load((ROOT / "content" / "verdicts.yml").read_text(encoding="utf-8"))["verdicts"]
VERDICTS = [v["key"] for v in SCALE]
LABELS = {v["key"]: v["label"]["de"] for v in SCALE}
COLOURS = {v["key"]: v["colour"] for v in SCALE}
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
    target = page.evaluate("document.activeElement.getAttribute('href')").rstrip("/").rsplit("/", 1)[1]
    tip = page.locator("a.fc-mark:focus .fc-mark__tip")
    assert tip.is_visible(), "focusing a passage shows its summary, as hovering does"
    # ... and it is this claim's summary, under its verdict's label
    assert tip.inner_text() == CLAIMS[target]["summary"]
    assert page.locator("a.fc-mark:focus .fc-mark__label").inner_text().endswith(LABELS[verdict])
    page.keyboard.press("Enter")
    page.wait_for_url(base + "claims/**", timeout=15000)
    claim_id = page.url.rstrip("/").rsplit("/", 1)[1]
    assert claim_id == target and CLAIMS[claim_id]["verdict"] == verdict
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
    # By words: Pagefind finds the claims whose indexed text names the verdict (and perhaps others
    # that use the words), each once.
    links = header_search(page, "Teils richtig")
    results = page.locator(".fc-search__result")
    found: dict[str, str] = {}
    for i in range(results.count()):
        href = links.nth(i).get_attribute("href")
        found[urlsplit(href).path.rstrip("/").rsplit("/", 1)[1]] = results.nth(i).inner_text()
    wanted = sorted(cid for cid, c in CLAIMS.items() if c["verdict"] == "teils-richtig")
    assert wanted and [cid for cid in wanted if cid not in found] == [], found
    for cid in wanted:  # each result shows the claim's title and the verdict it was found by
        assert CLAIMS[cid]["title"] in found[cid] and "Teils richtig" in found[cid], found[cid]
    # By the verdict filter, words cleared: exactly those claims.
    page.locator("#fc-search-input").fill("")
    page.get_by_role("combobox", name="Bewertung").select_option("Teils richtig")
    page.locator(".fc-search__status").filter(has_text=f"{len(wanted)} Suchergebnis").wait_for(timeout=15000)
    page.wait_for_timeout(300)
    hrefs = page.locator(".fc-search__link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert sorted(urlsplit(h).path.rstrip("/").rsplit("/", 1)[1] for h in hrefs) == wanted
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
        page.screenshot(path=str(SHOTS / f"{name}-{scheme}.png"), full_page=True)
    # What the claim picture shows, as the browser computed it: a page in the chosen scheme whose
    # text, claim and verdict badge are readable (WCAG AA, 4.5:1) and the badge in its verdict's colour.
    verdict = CLAIMS["russische-luftangriffe-mayadin"]["verdict"]
    colours = page.evaluate("""() => {
        const style = sel => getComputedStyle(document.querySelector(sel));
        const badge = style('.fc-verdict-box .fc-badge');
        return {body: getComputedStyle(document.body).backgroundColor, text: style('.md-typeset').color,
                claim: style('.fc-claim__text').color, badge: badge.backgroundColor, badge_text: badge.color};
    }""")
    background = _rgb(colours["body"])
    rgb = {key: _rgb(value, over=background) for key, value in colours.items()}
    assert (_luminance(background) < 0.1) == (scheme == "dark"), colours
    assert (_luminance(rgb["text"]) > 0.5) == (scheme == "dark"), colours
    assert _contrast(rgb["text"], background) >= 4.5, colours
    assert _contrast(rgb["claim"], background) >= 4.5, colours
    assert rgb["badge"] == _hex(COLOURS[verdict]), colours
    assert _contrast(rgb["badge_text"], rgb["badge"]) >= 4.5, colours
    page.close()


def _rgb(css: str, over: tuple[int, int, int] = (255, 255, 255)) -> tuple[int, int, int]:
    """'rgb(r, g, b)' or 'rgba(r, g, b, a)' as computed by the browser → the (r, g, b) seen on ``over``."""
    parts = [float(p) for p in css[css.index("(") + 1: css.index(")")].replace(",", " ").replace("/", " ").split()]
    alpha = parts[3] if len(parts) > 3 else 1.0
    return tuple(round(alpha * c + (1 - alpha) * o) for c, o in zip(parts[:3], over))  # type: ignore[return-value]


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG 2)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
