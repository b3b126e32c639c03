"""The site as deployed: this repository's content built with the address of a GitHub project page
(``SITE_URL=https://example.github.io/faktenchecks/``, as pages.yml sets it from configure-pages),
served from the same sub-path ``/faktenchecks/`` on 127.0.0.1 and driven in Chromium.

Every link, asset, the search, the feed link and an alias redirect must work under the sub-path,
and every absolute URL the site hands to machines (JSON-LD, claimreview.json, claims.json,
feed.xml, sitemap.xml, 404.html) must start with the deployed address, never the local default.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest

from generator.pipeline import DEFAULT_SITE_URL
from tests.browser import browser, header_search, serve
from tests.sitebuild import ROOT, build_repo_site

SITE_URL = "https://example.github.io/faktenchecks/"
SUB_PATH = urlsplit(SITE_URL).path  # /faktenchecks/
ALIAS, ALIASED = "raqqa-abzug-alt", "raqqa-abzugsverhandlungen"
"""A former id added to the copy's record, so the build has a redirect page to follow."""
URL = re.compile(r"https?://[^\s\"'<>\\)]+")
TIMEOUT_MS = 15_000
OTHER_SITES = ("https://schema.org", "http://www.w3.org/", "https://squidfunk.github.io/mkdocs-material/")
"""Vocabularies and the theme's footer credit: absolute URLs that rightly point elsewhere."""


def _add_alias(project: Path) -> None:
    record = project / "content" / "claims" / f"{ALIASED}.yml"
    text = record.read_text(encoding="utf-8")
    assert "\naliases:" not in text
    record.write_text(text.rstrip("\n") + f"\naliases: [{ALIAS}]\n", encoding="utf-8")


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web root: the site is built into its sub-folder ``faktenchecks/``, as Pages serves it."""
    root = tmp_path_factory.mktemp("deployed")
    build_repo_site(root / "project", site_url=SITE_URL, site=root / "www" / SUB_PATH.strip("/"), prepare=_add_alias)
    return root / "www"


@pytest.fixture(scope="module")
def site(www: Path) -> Path:
    return www / SUB_PATH.strip("/")


@pytest.fixture(scope="module")
def served(www: Path) -> Iterator[tuple[str, Any]]:
    """(base URL of the site under its sub-path, Chromium)."""
    with serve(www) as root, browser() as chromium:
        yield root.rstrip("/") + SUB_PATH, chromium


def site_file(site: Path, url_path: str) -> Path | None:
    """The file a URL path inside the site maps to, or None."""
    target = site / unquote(url_path)
    if url_path.endswith("/") or not url_path or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


# -------------------------------------------------------------------------- absolute URLs


def content_urls() -> set[str]:
    """Every URL the records themselves name (sources, outlets, articles): they point elsewhere."""
    return {m.group(0) for p in (ROOT / "content").rglob("*.yml") for m in URL.finditer(p.read_text(encoding="utf-8"))}


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def json_ld(page: Path) -> list[Any]:
    html = page.read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]


def machine_urls(site: Path) -> dict[str, list[str]]:
    """Every absolute URL the site gives machines, by where it was found."""
    found: dict[str, list[str]] = {}
    for page in sorted(site.glob("claims/*/index.html")):
        if page.parent.name != ALIAS:  # the redirect page is no claim page
            found[str(page.relative_to(site))] = [u for block in json_ld(page) for u in strings(block) if URL.fullmatch(u)]
    # canonical links (Material writes one into every page) and og: tags, where there are any
    heads = [p.read_text(encoding="utf-8").split("</head>")[0] for p in sorted(site.rglob("*.html"))]
    found["canonical"] = [u for head in heads for u in re.findall(r'<link rel="canonical" href="([^"]+)"', head)
                          if urlsplit(u).scheme]
    og = [u for head in heads for u in re.findall(r'<meta property="og:[^"]*" content="([^"]+)"', head) if URL.fullmatch(u)]
    if og:
        found["og:"] = og
    for name in ("claimreview.json", "claims.json"):
        data = json.loads((site / name).read_text(encoding="utf-8"))
        found[name] = [u for u in strings(data) if URL.fullmatch(u)]
    feed = ET.parse(site / "feed.xml").getroot()
    found["feed.xml"] = [el.text or "" for el in feed.iter() if el.tag.endswith("}id")] + \
                        [el.get("href", "") for el in feed.iter() if el.tag.endswith("}link")]
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    found["sitemap.xml"] = [el.text or "" for el in sitemap.iter() if el.tag.endswith("}loc")]
    found["404.html"] = [u for u in re.findall(r'(?:href|src)="([^"]+)"', (site / "404.html").read_text(encoding="utf-8"))
                         if urlsplit(u).scheme]
    return found


def test_every_absolute_url_for_machines_is_the_deployed_address(site: Path) -> None:
    elsewhere = content_urls()
    wrong, own = [], 0
    for where, urls in machine_urls(site).items():
        assert urls, f"no absolute URL in {where}"
        for url in urls:
            if url.startswith(SITE_URL):
                own += 1
                path = urlsplit(url).path.removeprefix(SUB_PATH)
                if site_file(site, path) is None:
                    wrong.append(f"{where}: {url} (no such page in the site)")
            elif url not in elsewhere and not url.startswith(OTHER_SITES):
                wrong.append(f"{where}: {url}")
    assert wrong == []
    claims = len(list(site.glob("claims/*/index.html"))) - 1  # minus the alias redirect
    assert own >= 4 * claims  # at least: url and @id per review, the feed's entry id and link, claims.json url


def test_the_local_default_address_appears_nowhere(site: Path) -> None:
    leaked = [str(p.relative_to(site)) for p in site.rglob("*") if p.suffix in {".html", ".json", ".xml", ".txt"}
              and DEFAULT_SITE_URL.rstrip("/") in p.read_text(encoding="utf-8", errors="replace")]
    assert leaked == []


def test_each_claim_page_names_its_deployed_address(site: Path) -> None:
    for page in sorted(site.glob("claims/*/index.html")):
        claim_id = page.parent.name
        if claim_id == ALIAS:
            continue
        (review,) = json_ld(page)
        url = f"{SITE_URL}claims/{claim_id}/"
        assert (review["url"], review["@id"], review["itemReviewed"]["@id"]) == (url, url + "#claimreview", url + "#claim")


# -------------------------------------------------------------------------- served from the sub-path


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def test_every_link_and_asset_resolves_under_the_sub_path(site: Path, served: tuple[str, Any]) -> None:
    """Every href/src of every page, resolved as the browser does against the page's served URL,
    stays inside /faktenchecks/ and names a file of the site (root-relative links would not)."""
    base, _ = served
    origin = base.removesuffix(SUB_PATH)
    broken = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        page_url = base + (rel.removesuffix("index.html") if page.name == "index.html" else rel)
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            if ref.startswith(("#", "mailto:", "data:")):
                continue
            url = urljoin(page_url, ref.replace(SITE_URL, base))  # 404.html links absolutely to the site
            if not url.startswith(origin):
                continue  # another site (a source)
            path = urlsplit(url).path
            if not path.startswith(SUB_PATH) or site_file(site, path.removeprefix(SUB_PATH)) is None:
                broken.append(f"{rel}: {ref}")
    assert broken == []


def test_pages_load_completely_in_chromium(served: tuple[str, Any]) -> None:
    """No request of these pages fails or leaves the sub-path (stylesheets, scripts, fonts, icons)."""
    base, chromium = served
    page = chromium.new_page()
    bad: list[str] = []
    page.on("requestfailed", lambda r: bad.append(f"failed {r.url}"))
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else bad.append(f"outside {r.url}"))
    for path in ("", f"claims/{ALIASED}/", "articles/southfront-2017-10-11-raqqa/", "claimants/southfront/",
                 "verdicts/", "months/", "methodology/"):
        page.goto(base + path, wait_until="networkidle", timeout=TIMEOUT_MS)
        assert page.locator("article h1").first.is_visible(), path
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", \
            f"{path}: Material's stylesheet did not load"
    page.close()
    assert bad == []


def test_search_finds_and_opens_a_claim_under_the_sub_path(served: tuple[str, Any]) -> None:
    base, chromium = served
    page = chromium.new_page()
    page.goto(base + "claims/" + ALIASED + "/", timeout=TIMEOUT_MS)  # two levels down: the index is found from here
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    result = header_search(page, "Raqqa", timeout_ms=TIMEOUT_MS).first
    href = result.evaluate("a => a.href")
    search = [u for u in seen if "/pagefind/" in u]
    assert search and all(u.startswith(base + "pagefind/") for u in search), search  # the bundle under the sub-path
    assert href.startswith(base + "claims/"), href
    result.click()
    page.wait_for_url(base + "claims/**", timeout=TIMEOUT_MS)
    assert page.locator(".fc-verdict-box .fc-badge").is_visible()
    page.close()


def test_feed_link_reaches_the_feed_whose_entries_are_the_sites_pages(site: Path, served: tuple[str, Any]) -> None:
    base, chromium = served
    page = chromium.new_page()
    page.goto(base + "verdicts/", timeout=TIMEOUT_MS)
    href = page.locator('link[rel="alternate"][type="application/atom+xml"]').evaluate("l => l.href")
    assert href == base + "feed.xml"
    response = page.request.get(href)
    assert response.status == 200
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0 and feed.entries
    for entry in feed.entries:
        assert entry.link.startswith(SITE_URL + "claims/")
        assert page.request.get(entry.link.replace(SITE_URL, base)).status == 200, entry.link
    page.close()


def test_alias_redirects_under_the_sub_path(served: tuple[str, Any]) -> None:
    base, chromium = served
    page = chromium.new_page()
    page.goto(base + f"claims/{ALIAS}/", timeout=TIMEOUT_MS)
    page.wait_for_url(base + f"claims/{ALIASED}/", timeout=TIMEOUT_MS)
    assert page.locator(".fc-verdict-box .fc-badge").is_visible()
    page.close()
