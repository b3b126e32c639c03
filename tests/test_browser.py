"""End-to-end: the real site (repo's mkdocs.yml, content/, theme_overrides/), built with
``mkdocs build --strict``, served on 127.0.0.1 and driven in headless Chromium.

Chromium is launched inside each test (not in a fixture), so a missing browser makes the test
FAIL rather than error out in setup or skip.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from tests.browser import browser, header_search, serve
from tests.sitebuild import build_repo_site

pytestmark = pytest.mark.browser

TIMEOUT_MS = 15_000
"""Every Playwright wait and navigation; a test must finish well under 60 s."""
TEST_BUDGET_S = 45
ARTICLE = "southfront-2017-10-11-raqqa"


# -- records, read straight from the YAML ------------------------------------------------------
def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def site_language(content: Path) -> str:
    return _load(content / "site.yml").get("language", "de")


def verdict_labels(content: Path) -> dict[str, str]:
    """verdict key → label in the site language (German)."""
    lang = site_language(content)
    return {v["key"]: v["label"].get(lang) or v["label"]["en"] for v in _load(content / "verdicts.yml")["verdicts"]}


def claim_record(content: Path, claim_id: str) -> dict:
    path = content / "claims" / f"{claim_id}.yml"
    assert path.is_file(), f"no record {path} for claim page {claim_id!r}"
    return _load(path)


def published_claims(content: Path) -> list[dict]:
    records = [_load(p) for p in sorted((content / "claims").glob("*.yml"))]
    return [r for r in records if r.get("status") == "published"]


def claim_id_from_url(url: str) -> str:
    """``http://127.0.0.1:N/claims/<id>/?h=x#y`` → ``<id>``."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    assert len(parts) == 2 and parts[0] == "claims", f"not a claim page URL: {url}"
    return parts[1]


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("browser-site"))


@pytest.fixture(scope="module")
def content(site: Path) -> Path:
    """The records the site was built from (the copy, not the working tree)."""
    return site.parent / "content"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        assert url.startswith("http://127.0.0.1:")
        yield url


@pytest.fixture(autouse=True)
def _time_budget() -> Iterator[None]:
    start = time.monotonic()
    yield
    elapsed = time.monotonic() - start
    assert elapsed < TEST_BUDGET_S, f"browser test took {elapsed:.1f} s (budget {TEST_BUDGET_S} s)"


# -- a page with everything it did recorded ------------------------------------------------------
@dataclass
class Recorder:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@contextmanager
def open_page() -> Iterator[tuple[object, Recorder]]:
    rec = Recorder()
    with browser() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("request", lambda r: rec.requests.append(r.url))
        page.on("requestfailed", lambda r: rec.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: rec.bad_status.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("console", lambda m: rec.console_errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
        try:
            yield page, rec
        finally:
            context.close()


def badge_label(locator) -> str:
    """The text of a ``.fc-badge`` without its (aria-hidden) icon glyph."""
    return locator.evaluate(
        "el => Array.from(el.childNodes)"
        ".filter(n => !(n.classList && n.classList.contains('fc-badge__icon')))"
        ".map(n => n.textContent).join('').trim()")


def verdict_badge(page):
    badge = page.locator(".fc-verdict-box .fc-badge")
    badge.first.wait_for(state="visible")
    assert badge.count() == 1, f"{page.url}: expected one verdict badge, found {badge.count()}"
    return badge


# -- tests --------------------------------------------------------------------------------------
def test_search_finds_claim_and_shows_its_verdict(base_url: str, content: Path) -> None:
    labels = verdict_labels(content)
    with open_page() as (page, rec):
        page.goto(base_url, wait_until="load")
        # The header search of the shipped mkdocs.yml: Pagefind, loaded when the reader opens it.
        claim_links = header_search(page, "Raqqa")
        hrefs = [claim_links.nth(i).get_attribute("href") for i in range(claim_links.count())]
        hrefs = [h for h in hrefs if "/claims/" in h]
        assert hrefs, "search for 'Raqqa' shows no result linking to a claim page"
        assert all(h.startswith(base_url) or not urlsplit(h).netloc for h in hrefs), hrefs

        claim_links.first.click()
        page.wait_for_url("**/claims/**")
        claim_id = claim_id_from_url(page.url)
        record = claim_record(content, claim_id)

        badge = verdict_badge(page)
        shown = badge_label(badge)
        assert shown in labels.values(), f"badge text {shown!r} is not a verdict label of verdicts.yml"
        assert shown == labels[record["verdict"]], (
            f"{claim_id}: badge says {shown!r}, record's verdict {record['verdict']!r} is {labels[record['verdict']]!r}")
        assert badge.get_attribute("data-verdict") == record["verdict"]
        heading = page.locator("article h1").first.evaluate(
            "el => Array.from(el.childNodes).filter(n => !(n.classList && n.classList.contains('headerlink')))"
            ".map(n => n.textContent).join('').trim()")
        assert heading == record["title"]
    assert not rec.page_errors, rec.page_errors


def test_annotated_article_marks_every_claim(base_url: str, content: Path) -> None:
    claims = published_claims(content)
    assert claims, "no published claim records"
    labels = verdict_labels(content)
    article_url = urljoin(base_url, f"articles/{ARTICLE}/")
    with open_page() as (page, rec):
        page.goto(article_url, wait_until="load")
        marks = page.locator("a.fc-mark")
        marks.first.wait_for(state="attached")
        found = [{"href": marks.nth(i).get_attribute("href"),
                  "verdict": marks.nth(i).get_attribute("data-verdict"),
                  "text": marks.nth(i).locator("mark").text_content()} for i in range(marks.count())]

        targets: dict[str, tuple[str, str]] = {}
        for record in claims:
            quote = record["claim"]["appearances"][0]["quote"]
            matching = [m for m in found if m["text"] == quote]
            assert matching, f"{record['id']}: no a.fc-mark whose <mark> text is the quote {quote[:60]!r}…"
            assert len(matching) == 1, f"{record['id']}: the quote is marked {len(matching)} times"
            mark = matching[0]
            assert mark["verdict"] == record["verdict"], (
                f"{record['id']}: mark has data-verdict={mark['verdict']!r}, record says {record['verdict']!r}")
            url = urljoin(article_url, mark["href"])
            assert url.startswith(base_url), f"{record['id']}: mark links off-site: {url}"
            assert claim_id_from_url(url) == record["id"], f"mark for {record['id']} links to {url}"
            targets[record["id"]] = (url, record["verdict"])

        for claim_id, (url, verdict) in targets.items():
            response = page.goto(url, wait_until="domcontentloaded")
            assert response is not None and response.status == 200, f"{url}: {response and response.status}"
            badge = verdict_badge(page)
            assert badge.get_attribute("data-verdict") == verdict, f"{claim_id}: badge verdict differs from the mark"
            assert badge_label(badge) == labels[verdict]
    # (failed requests are not checked here: leaving a page quickly aborts its search worker's loads)
    assert not rec.page_errors, rec.page_errors


def test_no_console_errors_and_no_third_party_requests(base_url: str, content: Path) -> None:
    claim_id = published_claims(content)[0]["id"]
    urls = [base_url, urljoin(base_url, f"claims/{claim_id}/"), urljoin(base_url, f"articles/{ARTICLE}/")]
    with open_page() as (page, rec):
        for url in urls:
            response = page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, f"{url}: {response and response.status}"
            page.wait_for_load_state("networkidle")
        # The search, too, loads only from this site (Pagefind's script, WASM, index and filters).
        header_search(page, "Raqqa")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
    assert rec.requests, "no requests recorded"
    foreign = [u for u in rec.requests if not u.startswith(base_url)]
    assert not foreign, f"requests to other hosts than {base_url}: {foreign}"
    assert not rec.failed, f"failed requests: {rec.failed}"
    assert not rec.bad_status, f"HTTP errors: {rec.bad_status}"
    assert not rec.console_errors, f"console errors: {rec.console_errors}"
    assert not rec.page_errors, f"uncaught page errors: {rec.page_errors}"
