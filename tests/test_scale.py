"""Scale: synthetic sites of 100 and 300 claims built with real MkDocs grow linearly, claim pages
stay out of the navigation, and ``benchmarks/run.py`` runs end to end (CI's benchmark smoke test).

The full benchmark (N = 100, 1,000, 10,000) is ``python benchmarks/run.py --sizes 100 1000 10000``;
see README "Performance".
"""

from __future__ import annotations

import json
import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks import synth
from generator.pipeline import build_site
from tests.minisite import build_content
from tests.sitebuild import ROOT, mkdocs_env

SIZES = (100, 300)


class _NavLinks(HTMLParser):
    """hrefs of the navigation links (``md-nav__link``) of a Material page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "md-nav__link" in (values.get("class") or "").split() and values.get("href"):
            self.hrefs.append(values["href"] or "")


def nav_targets(site: Path, page: Path) -> list[str]:
    """The site paths (``latest/``, ``claims/x/``) the navigation of ``page`` links to; anchors dropped."""
    parser = _NavLinks()
    parser.feed(page.read_text(encoding="utf-8"))
    here = page.parent.relative_to(site).as_posix()
    out = []
    for href in parser.hrefs:
        path = href.split("#")[0]
        if path and "://" not in path:
            out.append(posixpath.normpath(posixpath.join(here, path)).removeprefix("./") + "/")
    return out


def site_bytes(site: Path, *, skip_theme: bool = False) -> int:
    return sum(p.stat().st_size for p in site.rglob("*")
               if p.is_file() and not (skip_theme and p.relative_to(site).parts[0] == "assets"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[synth.Tree, Path]]:
    out = {}
    for n in SIZES:
        base = tmp_path_factory.mktemp(f"scale-{n}")
        tree = synth.generate(base / "content", n)
        out[n] = (tree, build_content(base / "content", base / "build"))
    return out


def test_synthetic_tree_is_valid_and_deterministic(tmp_path: Path) -> None:
    first = synth.generate(tmp_path / "a", 40)
    second = synth.generate(tmp_path / "b", 40)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert first.summary() == second.summary() and len(first.claims) == 40
    site = build_site(tmp_path / "a", include_drafts=True)  # what `factcheck check` runs
    assert len(site.graph.claims) == 40
    assert sum(len(marks) for marks in site.graph.marks.values()) >= 40  # every quote found in its article
    urls = [line for p in (tmp_path / "a").rglob("*.yml") for line in p.read_text(encoding="utf-8").splitlines()
            if "http" in line]
    assert urls and all("https://example.org/" in line for line in urls)


def test_site_size_grows_linearly(built: dict[int, tuple[synth.Tree, Path]]) -> None:
    (small_tree, small), (large_tree, large) = built[SIZES[0]], built[SIZES[1]]
    per_small = site_bytes(small) / len(small_tree.claims)
    per_large = site_bytes(large) / len(large_tree.claims)
    assert per_large <= 1.3 * per_small, f"bytes per claim {per_small:.0f} at {SIZES[0]} → {per_large:.0f} at {SIZES[1]}"
    content_small = site_bytes(small, skip_theme=True) / len(small_tree.claims)
    content_large = site_bytes(large, skip_theme=True) / len(large_tree.claims)
    assert content_large <= 1.3 * content_small
    # A claim page must not grow with the number of claims (it would if every claim were in the nav).
    mean = {n: sum(p.stat().st_size for p in pages) / len(pages)
            for n, pages in ((n, list((site / "claims").glob("*/index.html"))) for n, (_, site) in built.items())}
    assert mean[SIZES[1]] <= 1.1 * mean[SIZES[0]], mean


def test_no_claim_page_in_any_navigation(built: dict[int, tuple[synth.Tree, Path]]) -> None:
    tree, site = built[SIZES[1]]
    claims = sorted((site / "claims").glob("*/index.html"))
    assert len(claims) > 0.9 * len(tree.claims)
    pages = [site / "index.html", site / "latest" / "index.html", site / "latest" / "2" / "index.html",
             site / "verdicts" / "falsch" / "index.html", site / "topics" / "index.html",
             site / "months" / "index.html", claims[0], claims[len(claims) // 2], claims[-1],
             next((site / "articles").glob("*/index.html"))]
    for page in pages:
        targets = nav_targets(site, page)
        assert "latest/" in targets, f"{page}: navigation not found (links: {targets[:10]})"
        in_nav = [t for t in targets if t.startswith("claims/") and t != "claims/"]
        assert not in_nav, f"{page.relative_to(site)} has claim pages in its navigation: {in_nav[:5]}"
        # The navigation of pages outside it is rendered once per folder and reused (main.html):
        # from every folder, every link must still lead to a built page.
        broken = [t for t in targets if not (site / t / "index.html").is_file()]
        assert not broken, f"{page.relative_to(site)}: navigation links to missing pages {broken}"


def test_benchmark_script_smoke(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "100", "--out", str(out)],
                            cwd=tmp_path, env=mkdocs_env(), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"commit", "machine", "results", "scaling_exponents", "targets", "sizes"} <= set(report)
    assert {"nproc", "cpu_model", "ram_bytes", "python", "packages"} <= set(report["machine"])
    (run,) = report["results"]
    assert run["n"] == 100
    assert {"synth", "generator", "build", "site", "rebuild", "build_pagefind", "site_pagefind", "rebuild_pagefind",
            "first_search"} <= set(run)
    assert {"load", "validate", "link", "render"} <= set(run["generator"]["stages_s"])
    for build in (run["build"], run["build_pagefind"]):
        assert build["wall_s"] > 0 and build["peak_tree_rss_mib"] >= build["peak_rss_mib"] > 0
    assert run["site"]["search_index_bytes"] > run["site"]["search_index_gzip_bytes"] > 0
    assert run["site_pagefind"]["pagefind_files"] > 100 and run["site_pagefind"]["search_index_bytes"] == 0
    for backend in ("material", "pagefind"):  # a real search in Chromium found the edited claim's title word
        assert run["first_search"][backend]["results"] > 0 and run["first_search"][backend]["total_bytes"] > 0
    for rebuild in (run["rebuild"], run["rebuild_pagefind"]):
        assert rebuild["edit_visible"] and 0 < rebuild["rebuild_s"] < rebuild["first_build_s"] * 5
    assert run["generator"]["yaml_loader"].endswith("CSafeLoader")
    assert "targets at N=100" in result.stdout and "first_search_bytes.pagefind" in result.stdout
