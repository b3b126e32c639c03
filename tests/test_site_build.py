"""End to end: a real ``mkdocs build --strict`` of this repository's content, checked in the HTML."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from tests.sitebuild import ROOT, build_repo_site, copy_project, mkdocs_env

CLAIMS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content" / "claims").glob("*.yml"))}
VERDICTS = {v["key"]: v for v in yaml.safe_load((ROOT / "content" / "verdicts.yml").read_text(encoding="utf-8"))["verdicts"]}


class _Links(HTMLParser):
    def __init__(self, css_class: str | None) -> None:
        super().__init__()
        self.css_class = css_class
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.css_class and self.css_class not in (values.get("class") or "").split():
            return
        for name in ("href", "src"):
            if values.get(name):
                self.hrefs.append(values[name] or "")


def links_of(page: Path, css_class: str | None = None) -> list[str]:
    parser = _Links(css_class)
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("repo"))


def claim_html(site: Path, claim_id: str) -> str:
    return (site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("claim_id", sorted(CLAIMS))
def test_claim_page_shows_its_verdict(site: Path, claim_id: str) -> None:
    html = claim_html(site, claim_id)
    key = CLAIMS[claim_id]["verdict"]
    label = VERDICTS[key]["label"]["de"]
    assert f'<p class="fc-verdict-box__badge"><span class="fc-badge" data-verdict="{key}"' in html
    assert f"</span> {label}</span>" in html


@pytest.mark.parametrize("claim_id", sorted(CLAIMS))
def test_related_and_backlinks_resolve(site: Path, claim_id: str) -> None:
    hrefs = links_of(site / "claims" / claim_id / "index.html")
    for other in CLAIMS[claim_id].get("related", []):
        assert f"../{other}/" in hrefs, f"{claim_id} does not link its related claim {other}"
    for other, record in CLAIMS.items():
        if claim_id in record.get("related", []):
            assert f"../{other}/" in hrefs, f"{claim_id} does not show the backlink from {other}"


def test_every_internal_link_and_asset_resolves(site: Path) -> None:
    broken = []
    # 404.html is served at any depth, so MkDocs gives it absolute links from site_url; skip it.
    for page in sorted(p for p in site.rglob("*.html") if p.name != "404.html"):
        for href in links_of(page):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} → {href}")
    assert broken == []


def test_search_index_has_every_claim_raqqa_and_the_verdicts(site: Path) -> None:
    # The shipped mkdocs.yml searches with Pagefind: one record per published claim (not the
    # articles or hand-written pages), German stemming, filters by verdict, topic, claimant, year.
    from generator.pagefind import fragments

    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["de"]
    records = fragments(site / "pagefind")
    published = sorted(p.stem for p in (ROOT / "content" / "claims").glob("*.yml")
                       if yaml.safe_load(p.read_text(encoding="utf-8"))["status"] == "published")
    assert [r["url"].strip("/").rsplit("/", 1)[1] for r in records] == published
    assert all(r["url"].startswith("claims/") for r in records)  # the browser adds the base path
    assert "Raqqa" in " ".join(r["content"] for r in records)
    assert any("Teils richtig" in r["content"] for r in records), "verdict labels must be searchable"
    assert all(set(r["filters"]) == {"verdict", "topic", "claimant", "year"} for r in records)
    scale = yaml.safe_load((ROOT / "content" / "verdicts.yml").read_text(encoding="utf-8"))
    labels = {v["label"]["de"] for v in scale["verdicts"]}
    assert {v for r in records for v in r["filters"]["verdict"]} <= labels


def test_claims_stay_out_of_the_navigation(site: Path) -> None:
    nav = links_of(site / "index.html", "md-nav__link")
    assert "latest/" in nav and "verdicts/" in nav and "methodology/" in nav
    assert [href for href in nav if "claims/" in href] == []


def test_records_are_not_published_as_files(site: Path) -> None:
    assert list(site.rglob("*.yml")) == []


def test_broken_record_stops_the_build_and_keeps_the_last_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    record = project / "content" / "claims" / "zivilrat-stammesaelteste.yml"
    lines = record.read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, line in enumerate(lines, 1) if line.startswith("verdict:"))
    lines[line_no - 1] = "verdict: mostly_true"
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("last good build", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=mkdocs_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert (f"content/claims/zivilrat-stammesaelteste.yml:{line_no}: verdict: 'mostly_true' is not a verdict"
            in result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "last good build"


def test_hand_written_file_cannot_shadow_a_generated_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "content" / "feed.xml").write_text("<feed/>", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=mkdocs_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "feed.xml: a hand-written file has the path of a generated one; rename it" in result.stderr
