"""Pagefind search (the default of the shipped mkdocs.yml): the records built from the graph, the
bundle (byte-identical for the same records, filters included), the plugin option, the header
search and its filters in real Chromium, and ``benchmarks/first_search.py`` (the first search on a
1,000-claim site built with the shipped mkdocs.yml stays under 500 kB).

Nothing here skips: without the pagefind binary the bundle tests and the build fail, without
Chromium the browser tests fail (tests/browser.py raises).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from benchmarks import synth
from benchmarks.first_search import measure_first_search
from generator.pagefind import (FILTERS, OPTIONS_FILE, SIGNATURE, PagefindError, SearchRecord, _build, _cbor, _decode,
                                _executable, canonical_bundle, filter_options, fragments, search_records, write_index)
from generator.pipeline import build_site
from tests.browser import browser, serve
from tests.conftest import ROOT, edit
from tests.minisite import build_content, write_config
from tests.sitebuild import BUILD_TIMEOUT, mkdocs_env

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 15_000
FIRST_SEARCH_BUDGET = 500_000
"""Bytes the first search may download (the target at 10,000 claims)."""


# -- building sites ------------------------------------------------------------------------------
def pagefind_config(content: Path, dest: Path, *, material_search: bool = False, option: str = "pagefind") -> Path:
    """minisite's mkdocs.yml (the shipped one without its nav) with the plugins replaced: factcheck
    with ``search: <option>``, and Material's search plugin before it if ``material_search``."""
    config = write_config(content, dest)
    material = "  - search\n" if material_search else ""
    plugins = f"plugins:\n{material}  - factcheck:\n      search: {option}\n\n"
    text, count = re.subn(r"^plugins:\n(?:[ \t]+.*\n|\n)*", plugins, config.read_text(encoding="utf-8"), flags=re.M)
    assert count == 1, "mkdocs.yml has no plugins section to replace"
    assert "\n  - search" not in config.read_text(encoding="utf-8"), "the shipped mkdocs.yml lists Material's search"
    config.write_text(text, encoding="utf-8")
    return config


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          cwd=config.parent, env=mkdocs_env(), capture_output=True, text=True, timeout=180)


def build_pagefind_site(content: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    result = mkdocs_build(pagefind_config(content, dest), dest / "site")
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    assert "pagefind index of" in result.stderr, result.stderr
    return dest / "site"


# -- records ------------------------------------------------------------------------------------
def test_records_hold_what_readers_search_by_and_not_the_analysis(mini: Path) -> None:
    claim = mini / "claims" / "rathaus-blau.yml"
    edit(claim, "  language: de\n", "  language: de\n  translation: {en: The town hall is painted blue.}\n")
    # A claim quoted in English: its German translation is what a reader of this German site types.
    edit(mini / "claims" / "sonne-drei-stunden.yml", "  language: de\n",
         "  language: en\n  translation: {de: Sonnenschein drei Stunden lang., fr: Trois heures de soleil.}\n")
    graph = build_site(mini).graph
    records = {r.url: r for r in search_records(graph, directory_urls=True)}
    record = records["claims/rathaus-blau/"]
    assert isinstance(record, SearchRecord)
    assert record.title == "Ist das Rathaus blau?"
    assert record.language == "de"
    for text in ("Ist das Rathaus blau?", "Das Rathaus ist blau.", "Falsch", "Das Tagblatt", "Stadt"):
        assert text in record.content, f"{text!r} missing from the indexed text"
    for text in ("Fotos zeigen ein rotes Rathaus", "Rathausfoto", "Stadtarchiv", "example.org", "False", "City",
                 "The town hall is painted blue.", "Das Rathaus ist rot."):
        assert text not in record.content, f"{text!r} (analysis, evidence, summary or another language) is indexed"
    sun = records["claims/sonne-drei-stunden/"].content
    assert "Sonnenschein drei Stunden lang." in sun and "Trois heures" not in sun
    assert record.meta == {"title": "Ist das Rathaus blau?", "verdict": "Falsch", "claimant": "Das Tagblatt",
                           "date": "2020-02-03", "colour": graph.verdicts["falsch"].colour,
                           "lang": "de", "dir": "ltr"}
    assert "Wetter\nStadt" in records["claims/sonne-drei-stunden/"].content  # both topics, in their order
    assert record.filters == {"verdict": ["Falsch"], "topic": ["Stadt"], "claimant": ["Das Tagblatt"], "year": ["2020"]}
    assert records["claims/sonne-drei-stunden/"].filters["topic"] == ["Wetter", "Stadt"]
    assert tuple(record.filters) == FILTERS


def test_records_are_sorted_deterministic_and_leave_drafts_out() -> None:
    mini = ROOT / "tests" / "fixtures" / "mini"
    published = search_records(build_site(mini).graph, directory_urls=True)
    assert [r.url for r in published] == ["claims/rathaus-blau/", "claims/regen-zwoelf-stunden/",
                                          "claims/sonne-drei-stunden/"]  # strassen-trocken is a draft
    assert published == search_records(build_site(mini).graph, directory_urls=True)
    preview = search_records(build_site(mini, include_drafts=True).graph, directory_urls=False)
    assert "claims/strassen-trocken.html" in [r.url for r in preview]
    assert all(r.url.endswith(".html") for r in preview)


# -- the bundle ---------------------------------------------------------------------------------
def _records(n: int) -> list[SearchRecord]:
    """Records with filters of many values each (so pagefind's hash-map order shows)."""
    return [SearchRecord(url=f"claims/c{i}/", title=f"Titel {i}", language="de",
                         content=f"Titel {i}\nDie Stadtverwaltung zählt {i} Häuser.",
                         meta={"title": f"Titel {i}", "verdict": "Falsch"},
                         filters={"verdict": [["Falsch", "Richtig", "Unbelegt"][i % 3]],
                                  "topic": [f"Thema {i % 7}", f"Thema {(i + 3) % 7}"],
                                  "claimant": [f"Urheber {i % 11}"], "year": [str(2000 + i % 19)]})
            for i in range(n)]


def _bundle(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_write_index_writes_one_german_bundle_and_replaces_the_old_one(tmp_path: Path) -> None:
    stale = tmp_path / "pagefind" / "fragment" / "stale.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    stats = write_index(_records(30), tmp_path, language="de")
    bundle = tmp_path / "pagefind"
    assert stats["records"] == 30 and stats["files"] > 30
    assert stats["bytes"] == sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    assert not stale.exists()
    assert (bundle / "pagefind.js").is_file() and (bundle / "wasm.de.pagefind").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["de"] and entry["languages"]["de"]["page_count"] == 30
    assert len(list((bundle / "fragment").glob("*.pf_fragment"))) == 30


def test_write_index_gives_the_same_bundle_for_the_same_records(tmp_path: Path) -> None:
    records = [dataclasses.replace(r, meta=r.meta | {"verdict": ["Falsch", "Richtig", "Unbelegt"][i % 3]})
               for i, r in enumerate(_records(40))]
    write_index(records, tmp_path / "a", language="de")
    write_index(records, tmp_path / "b", language="de")
    first = _bundle(tmp_path / "a" / "pagefind")
    assert len(first) > 40 and first == _bundle(tmp_path / "b" / "pagefind")
    assert len([name for name in first if name.startswith("filter/")]) == len(FILTERS)


def test_filter_options_count_each_records_values_once() -> None:
    records = [SearchRecord(url=f"c{i}/", title="t", content="c", language="de", meta={},
                            filters={"verdict": [v], "topic": topics, "claimant": ["X"], "year": ["2020"]})
               for i, (v, topics) in enumerate([("Falsch", ["Ü", "A"]), ("Richtig", ["A", "A"]), ("Falsch", [])])]
    assert json.loads(filter_options(records)) == {"verdict": {"Falsch": 2, "Richtig": 1}, "topic": {"A": 2, "Ü": 1},
                                                   "claimant": {"X": 3}, "year": {"2020": 3}}
    assert "Ü".encode() in filter_options(records)  # UTF-8, not escaped
    assert filter_options([]) == b'{"verdict":{},"topic":{},"claimant":{},"year":{}}'


def test_bundle_format_is_what_canonical_bundle_rewrites() -> None:
    """pagefind 1.5's own bytes: filter chunks in varying order (so two raw bundles differ), the
    layout canonical_bundle reads, and CBOR it writes back byte for byte. Fails on an upgrade that
    changes any of it (then canonical_bundle needs a look)."""
    records = _records(60)
    raw = [asyncio.run(_build(records, "de", _executable())) for _ in range(2)]
    assert raw[0] != raw[1], "pagefind's raw bundle is stable now (Pagefind/pagefind#638 fixed?): drop canonical_bundle"
    files = raw[0]
    entry = json.loads(files["pagefind-entry.json"])
    meta = _decode(files[f"pagefind.{entry['languages']['de']['hash']}.pf_meta"])
    assert meta[0] == entry["version"] and len(meta[1]) == 60  # version, pages
    assert sorted(name for name, _ in meta[3]) == sorted(FILTERS)
    for name, chunk in meta[3]:
        values = _decode(files[f"filter/{chunk}.pf_filter"])
        assert values[0] == name and all(isinstance(v, str) and all(isinstance(p, int) for p in pages)
                                         for v, pages in values[1])
    for path, data in files.items():  # every CBOR file decodes and encodes back to pagefind's bytes
        if path.endswith((".pf_meta", ".pf_filter", ".pf_index")):
            assert SIGNATURE + _cbor(_decode(data)) == gzip.decompress(data), path
    same = [canonical_bundle(files) for files in raw]
    assert same[0] == same[1]
    assert {k: v for k, v in same[0].items() if k.startswith(("fragment/", "index/"))} == \
        {k: v for k, v in files.items() if k.startswith(("fragment/", "index/"))}  # only the filters and meta change
    with pytest.raises(PagefindError, match="canonical_bundle needs updating"):
        canonical_bundle({k: v for k, v in files.items() if not k.startswith("filter/")})


def test_a_second_bundle_rewrites_only_what_changed(tmp_path: Path) -> None:
    # `mkdocs serve --dirty` keeps site/: after an edit only the changed files are written again.
    from generator.pagefind import IndexJob

    records = _records(30)
    first = IndexJob(records, language="de")
    first.write(tmp_path)
    bundle = tmp_path / "pagefind"
    before = {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}
    edited = [dataclasses.replace(r, content=r.content + " Nachtrag.") if i == 3 else r for i, r in enumerate(records[:-1])]
    second = IndexJob(edited, language="de")
    second.write(tmp_path, previous=first)
    after = {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}
    fresh = tmp_path / "fresh"
    IndexJob(edited, language="de").write(fresh)
    assert {p.relative_to(bundle): p.read_bytes() for p in after} == \
        {p.relative_to(fresh / "pagefind"): p.read_bytes() for p in (fresh / "pagefind").rglob("*") if p.is_file()}
    kept = [p for p in after if p in before and before[p] == after[p]]
    assert len(kept) > 20 and len(after) < len(before)  # most fragments untouched; the dropped record's is gone


def test_missing_binary_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere" / "pagefind"))
    with pytest.raises(PagefindError, match=r"pagefind binary was not found .*pip install 'pagefind\[bin\]'"):
        write_index(_records(1), tmp_path, language="de")


def test_failing_binary_is_a_clear_error_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'cannot run here' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    with pytest.raises(PagefindError, match="pagefind failed.*cannot run here"):
        write_index(_records(1), tmp_path / "site", language="de")


# -- plugin option ------------------------------------------------------------------------------
def test_a_failing_indexer_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'no index today' >&2\nexit 3\n")
    fake.chmod(0o755)
    config = write_config(ROOT / "tests" / "fixtures" / "mini", tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)],
                            cwd=tmp_path, env=mkdocs_env() | {"PAGEFIND_BINARY_PATH": str(fake)},
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 1
    assert "search: pagefind: pagefind failed (exit code 3): no index today" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "index.html").read_text() == "the last good site"  # stopped before MkDocs emptied it


def test_pagefind_with_materials_search_too_fails_a_strict_build(tmp_path: Path) -> None:
    config = pagefind_config(ROOT / "tests" / "fixtures" / "mini", tmp_path, material_search=True)
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "search: pagefind is set, but Material's search plugin is configured too" in result.stderr


def test_material_without_its_plugin_fails_a_strict_build(tmp_path: Path) -> None:
    config = pagefind_config(ROOT / "tests" / "fixtures" / "mini", tmp_path, option="material")
    result = mkdocs_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "search: material is set, but Material's search plugin is not configured" in result.stderr


def test_shipped_config_gives_pagefind_with_filters(tmp_path: Path) -> None:
    site = build_content(ROOT / "tests" / "fixtures" / "mini", tmp_path)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "search").exists()
    assert 'id="fc-search"' in html and "factcheck-search.js" in html and 'class="md-search"' not in html
    for name, label in (("verdict", "Bewertung"), ("topic", "Thema"), ("claimant", "Urheber"), ("year", "Jahr")):
        assert re.search(rf'<span class="fc-search__filter-name">{label}</span>\s*<select class="fc-search__select" '
                         rf'name="{name}" data-filter="{name}" disabled>', html), name
    assert "<legend class=\"fc-search__legend\">Suche eingrenzen</legend>" in html
    assert 'data-verdict-order="[&#34;Richtig&#34;, &#34;Teils richtig&#34;, &#34;Falsch&#34;, &#34;Unbelegt&#34;]"' in html
    assert len(list((site / "pagefind" / "filter").glob("*.pf_filter"))) == len(FILTERS)
    # The menus' options: the three published claims' values (the draft's are not there).
    assert json.loads((site / "pagefind" / OPTIONS_FILE).read_text(encoding="utf-8")) == {
        "verdict": {"Falsch": 1, "Richtig": 1, "Teils richtig": 1}, "topic": {"Stadt": 2, "Wetter": 2},
        "claimant": {"Das Tagblatt": 3}, "year": {"2020": 3}}


def test_materials_search_plugin_in_mkdocs_yml_keeps_materials_search(tmp_path: Path) -> None:
    # `search: auto` (the default) with Material's plugin listed: Material's search, no Pagefind.
    site = build_content(ROOT / "tests" / "fixtures" / "mini", tmp_path, extra_config="\nplugins:\n  - search\n  - factcheck\n")
    html = (site / "index.html").read_text(encoding="utf-8")
    assert not (site / "pagefind").exists() and (site / "search" / "search_index.json").is_file()
    assert "fc-search" not in html and "factcheck-search.js" not in html
    # Material's search dialog, with the accessible name main.html gives it.
    assert '<div class="md-search" data-md-component="search" role="dialog" aria-label="Suche">' in html


# -- in the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("pagefind") / "content"
    synth.generate(content, 60)
    return content


@pytest.fixture(scope="module")
def pagefind_site(synthetic: Path) -> Path:
    return build_pagefind_site(synthetic, synthetic.parent / "pagefind-build")


@pytest.fixture(scope="module")
def material_site(synthetic: Path) -> Path:
    return build_content(synthetic, synthetic.parent / "material-build", extra_config="\nplugins:\n  - search\n  - factcheck\n")


def _published(content: Path) -> dict[str, dict]:
    claims = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((content / "claims").glob("*.yml"))}
    return {cid: c for cid, c in claims.items() if c["status"] == "published"}


def _verdict_labels(content: Path) -> dict[str, str]:
    scale = yaml.safe_load((content / "verdicts.yml").read_text(encoding="utf-8"))
    return {v["key"]: v["label"]["de"] for v in scale["verdicts"]}


@pytest.fixture(scope="module")
def rare_word(synthetic: Path) -> tuple[str, str]:
    """(claim id, word): a word of a published claim's title that few claims' indexed text contains,
    so that claim is certain to be among the first ten results."""
    records = search_records(build_site(synthetic).graph, directory_urls=True)
    texts = [r.content.lower() for r in records]
    best: tuple[int, str, str] | None = None
    for record in records:
        for word in re.findall(r"[^\W\d_]{6,}", record.title):
            hits = sum(word.lower() in t for t in texts)
            if best is None or hits < best[0]:
                best = (hits, record.url.split("/")[1], word)
    assert best is not None and best[0] <= 5, best
    return best[1], best[2]


@pytest.fixture(scope="module")
def served(pagefind_site: Path) -> Iterator[str]:
    """The site's URL, below /site/ as on a project's GitHub Pages: every link must be relative."""
    with serve(pagefind_site.parent) as url:
        yield url + "site/"


@contextmanager
def chromium_page(**options: object) -> Iterator[tuple[object, dict[str, list]]]:
    """A fresh page (no cache) and what it did: responses, errors."""
    seen: dict[str, list] = {"responses": [], "errors": []}
    with browser() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE", **options)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("response", lambda r: seen["responses"].append(r))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        try:
            yield page, seen
        finally:
            context.close()


def _settle(page, seconds: float = 0.5) -> None:
    page.wait_for_timeout(int(seconds * 1000))  # let the last result fragments arrive


def _result_for(page, claim_id: str):
    link = page.locator(f".fc-search__link[href$='/claims/{claim_id}/']")
    return page.locator(".fc-search__result").filter(has=link)


@pytest.mark.browser
def test_header_search_finds_a_claim_shows_its_verdict_and_opens_it(synthetic: Path, served: str,
                                                                     rare_word: tuple[str, str]) -> None:
    claims, labels = _published(synthetic), _verdict_labels(synthetic)
    target, word = rare_word
    start = served + f"claims/{next(c for c in claims if c != target)}/"  # two folders below the site root
    with chromium_page() as (page, seen):
        page.goto(start, wait_until="load")
        page.wait_for_load_state("networkidle")
        early = [r.url for r in seen["responses"] if "/pagefind/" in r.url]
        assert not early, f"Pagefind loaded before the reader opened the search: {early}"
        before = len(seen["responses"])

        page.get_by_role("button", name="Suche", exact=True).click()
        field = page.get_by_role("searchbox", name="Suche")
        assert field.evaluate("el => el === document.activeElement"), "opening the search does not focus its field"
        field.press_sequentially(word, delay=30)
        result = _result_for(page, target)
        result.wait_for()
        assert result.locator(".fc-search__link").text_content() == claims[target]["title"]
        assert result.locator(".fc-badge").text_content() == labels[claims[target]["verdict"]]
        assert word.lower() in result.locator(".fc-search__excerpt mark").first.text_content().lower()
        assert re.fullmatch(r"1 Suchergebnis|\d+ Suchergebnisse", page.locator(".fc-search__status").text_content())
        _settle(page)
        search = seen["responses"][before:]
        # The test server sends no compression: the decoded body length is what went over the wire.
        sizes = {urlsplit(r.url).path: len(r.body()) for r in search if r.ok}
        assert any(p.endswith(".pf_index") for p in sizes) and any(p.endswith(".pf_fragment") for p in sizes), sizes
        assert 0 < sum(sizes.values()) < FIRST_SEARCH_BUDGET, sizes
        assert all(r.url.startswith(served) for r in search), [r.url for r in search]

        result.locator(".fc-search__link").click()
        page.wait_for_url(served + f"claims/{target}/")
        assert page.locator("article h1").first.evaluate(
            "el => Array.from(el.childNodes).filter(n => !(n.classList && n.classList.contains('headerlink')))"
            ".map(n => n.textContent).join('').trim()") == claims[target]["title"]
        assert page.locator(".fc-verdict-box .fc-badge").get_attribute("data-verdict") == claims[target]["verdict"]
    assert not seen["errors"], seen["errors"]


def _option_counts(page, name: str) -> dict[str, int]:
    texts = page.locator(f"select[data-filter='{name}'] option").all_text_contents()
    return {m.group(1): int(m.group(2)) for t in texts if (m := re.fullmatch(r"(.+) \((\d+)\)", t))}


def _wait_for_count(page, n: int) -> None:
    status = page.locator(".fc-search__status")
    expected = "1 Suchergebnis" if n == 1 else f"{n} Suchergebnisse" if n else "Keine Suchergebnisse"
    page.wait_for_function("([el, text]) => el.textContent === text", arg=[status.element_handle(), expected])
    # and the first results are shown (each waits for its fragment)
    page.wait_for_function("n => document.querySelectorAll('.fc-search__result').length === n", arg=min(n, 10))


@pytest.mark.browser
def test_filters_by_verdict_topic_claimant_and_year_narrow_the_results(synthetic: Path, served: str) -> None:
    claims, labels = _published(synthetic), _verdict_labels(synthetic)
    topics = {t["id"]: t["label"]["de"] for t in yaml.safe_load((synthetic / "topics.yml").read_text(encoding="utf-8"))["topics"]}
    claimants = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in (synthetic / "claimants").glob("*.yml")}
    verdicts = [labels[c["verdict"]] for c in claims.values()]
    years = [str(c["published"])[:4] for c in claims.values()]
    with chromium_page() as (page, seen):
        page.goto(served, wait_until="load")
        page.locator(".fc-search__toggle").click()
        menu = page.get_by_role("combobox", name="Bewertung")
        page.wait_for_function("el => !el.disabled", arg=menu.element_handle())
        # Every menu offers the published claims' values with their counts (drafts are not indexed).
        assert _option_counts(page, "verdict") == {v: verdicts.count(v) for v in set(verdicts)}
        assert _option_counts(page, "year") == {y: years.count(y) for y in set(years)}
        topic_counts = _option_counts(page, "topic")
        assert topic_counts == {topics[t]: sum(t in c["topics"] for c in claims.values())
                                for t in {t for c in claims.values() for t in c["topics"]}}
        assert set(_option_counts(page, "claimant")) == {claimants[c["claim"]["claimant"]] for c in claims.values()}
        order = list(_option_counts(page, "verdict"))  # the scale's order, not the alphabet
        scale = [v["label"]["de"] for v in yaml.safe_load((synthetic / "verdicts.yml").read_text(encoding="utf-8"))["verdicts"]]
        assert order == [v for v in scale if v in order]
        assert list(_option_counts(page, "year")) == sorted(set(years), reverse=True)
        for name in ("Thema", "Urheber", "Jahr"):
            assert page.get_by_role("combobox", name=name).is_enabled()

        # A filter alone lists every claim it matches.
        verdict = max(set(verdicts), key=verdicts.count)
        menu.select_option(verdict)
        wanted = [cid for cid, c in claims.items() if labels[c["verdict"]] == verdict]
        _wait_for_count(page, len(wanted))
        assert set(page.locator(".fc-search__result .fc-badge").all_text_contents()) == {verdict}
        # Two filters: both must hold.
        year = next(str(claims[cid]["published"])[:4] for cid in wanted)
        page.get_by_role("combobox", name="Jahr").select_option(year)
        both = [cid for cid in wanted if str(claims[cid]["published"])[:4] == year]
        _wait_for_count(page, len(both))
        _settle(page)
        shown = {link.split("/claims/")[1].strip("/") for link in
                 page.locator(".fc-search__link").evaluate_all("els => els.map(e => e.href)")}
        assert shown <= set(both) and len(shown) == min(len(both), 10)  # ten shown at first
        # Words and a filter: only the claims with both.
        target = both[0]
        word = max(re.findall(r"[^\W\d_]{6,}", claims[target]["title"]), key=len)
        page.get_by_role("searchbox", name="Suche").press_sequentially(word, delay=20)
        _result_for(page, target).wait_for()
        _settle(page)
        assert set(page.locator(".fc-search__result .fc-badge").all_text_contents()) == {verdict}
        # The reset button clears the filters; the words stay.
        reset = page.get_by_role("button", name="Filter zurücksetzen")
        reset.click()
        assert menu.input_value() == "" and page.get_by_role("combobox", name="Jahr").input_value() == ""
        assert reset.is_hidden()
        assert page.get_by_role("searchbox", name="Suche").input_value() == word
    assert not seen["errors"], seen["errors"]


@pytest.mark.browser
def test_filters_work_with_the_keyboard(synthetic: Path, served: str) -> None:
    with chromium_page() as (page, seen):
        page.goto(served, wait_until="load")
        page.keyboard.press("/")
        menu = page.locator("select[data-filter='verdict']")
        page.wait_for_function("el => !el.disabled", arg=menu.element_handle())
        page.keyboard.press("Tab")  # from the field to the close button, then to the first menu
        page.keyboard.press("Tab")
        assert menu.evaluate("el => el === document.activeElement"), "Tab does not reach the verdict menu"
        page.keyboard.press("ArrowDown")  # chooses the next value, as in any menu (not a jump to the results)
        assert menu.evaluate("el => el === document.activeElement")
        value = menu.input_value()
        assert value != ""
        _wait_for_count(page, _option_counts(page, "verdict")[value])
        page.keyboard.press("Escape")
        assert page.locator("#fc-search").is_hidden()
    assert not seen["errors"], seen["errors"]


@pytest.mark.browser
def test_header_search_works_with_the_keyboard_alone(served: str, rare_word: tuple[str, str]) -> None:
    target, word = rare_word
    with chromium_page() as (page, seen):
        page.goto(served, wait_until="load")
        page.keyboard.press("/")
        page.keyboard.type(word, delay=30)
        _result_for(page, target).wait_for()
        # Results are shown as you type and may be drawn again when the last keystroke's search
        # ends; ten quick presses failed once on a loaded machine, so walk slowly and a bit longer.
        for _ in range(30):  # arrow keys walk from the field through the result links
            page.keyboard.press("ArrowDown")
            page.wait_for_timeout(50)
            if (page.evaluate("document.activeElement.getAttribute('href')") or "").endswith(f"/claims/{target}/"):
                break
        else:
            pytest.fail("ArrowDown never reached the result")
        page.keyboard.press("Enter")
        page.wait_for_url(served + f"claims/{target}/")

        toggle = page.locator(".fc-search__toggle")
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Escape")
        assert page.locator("#fc-search").is_hidden()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.evaluate("el => el === document.activeElement"), "Escape does not return focus to the button"
    assert not seen["errors"], seen["errors"]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_search_has_no_serious_accessibility_violations(served: str, rare_word: tuple[str, str],
                                                            scheme: str) -> None:
    assert AXE.is_file(), "axe-core missing: run `npm ci` (the README's test command does)"
    target, word = rare_word
    with chromium_page(color_scheme=scheme) as (page, seen):
        page.goto(served, wait_until="load")
        page.locator(".fc-search__toggle").click()
        page.locator("#fc-search-input").press_sequentially(word, delay=30)
        _result_for(page, target).wait_for()
        # The filters filled in, one chosen (so the reset button shows too).
        menu = page.locator("select[data-filter='year']")
        page.wait_for_function("el => !el.disabled", arg=menu.element_handle())
        menu.select_option(index=1)
        page.locator(".fc-search__reset").wait_for(state="visible")
        page.wait_for_timeout(300)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(
                {include: [['#fc-search'], ['.fc-search__toggle']]}, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""")
        background = page.locator("#fc-search").evaluate("el => getComputedStyle(el).backgroundColor")
    assert violations == []
    assert (background == "rgb(255, 255, 255)") == (scheme == "light")
    assert not seen["errors"], seen["errors"]


@pytest.mark.browser
def test_first_search_benchmark_measures_both_backends(pagefind_site: Path, material_site: Path,
                                                      rare_word: tuple[str, str]) -> None:
    _, word = rare_word
    pagefind = measure_first_search(pagefind_site, word, backend="pagefind", timeout_s=30)
    material = measure_first_search(material_site, word, backend="material", timeout_s=30)
    for measured in (pagefind, material):
        assert measured["results"] > 0 and measured["total_bytes"] > 0, measured
        assert measured["total_bytes"] == sum(measured["files"].values())
    assert "pagefind/pagefind.js" in pagefind["files"] and any(f.endswith(".pf_index") for f in pagefind["files"])
    assert pagefind["total_bytes"] < FIRST_SEARCH_BUDGET, pagefind
    assert "search/search_index.json" in material["files"], material


@pytest.mark.browser
def test_record_text_in_results_stays_text(mini: Path, tmp_path: Path) -> None:
    payload = """<img src=x onerror="document.title='xss'"><script>document.title='xss'</script> &amp; <mark>"""
    edit(mini / "claims" / "rathaus-blau.yml", "  text: Das Rathaus ist blau.", "  text: " + json.dumps(f"Rathausfarbe {payload}"))
    site = build_pagefind_site(mini, tmp_path / "build")
    with serve(site) as base, chromium_page() as (page, seen):
        page.goto(base, wait_until="load")
        title = page.title()
        page.locator(".fc-search__toggle").click()
        page.locator("#fc-search-input").press_sequentially("Rathausfarbe", delay=30)
        excerpt = _result_for(page, "rathaus-blau").locator(".fc-search__excerpt")
        excerpt.wait_for()
        page.wait_for_timeout(300)
        assert payload in excerpt.text_content()  # as the editor wrote it, entities and all
        assert page.locator("#fc-search img, #fc-search script").count() == 0
        assert page.title() == title
    assert not seen["errors"], seen["errors"]


@pytest.mark.browser
def test_first_search_with_the_shipped_mkdocs_yml_at_1000_claims_stays_under_500_kb(tmp_path: Path) -> None:
    # The repository's mkdocs.yml as shipped (navigation and all), only pointed at a synthetic tree.
    content = tmp_path / "content"
    synth.generate(content, 1000)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", f"docs_dir: {content}", 1)
    config = config.replace("custom_dir: theme_overrides", f"custom_dir: {ROOT / 'theme_overrides'}", 1)
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=tmp_path,
                            env=mkdocs_env(), capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    assert not (site / "search").exists()
    claim = next(p for p in sorted((content / "claims").glob("*.yml")) if "\nstatus: published\n" in p.read_text(encoding="utf-8"))
    title = yaml.safe_load(claim.read_text(encoding="utf-8"))["title"]
    word = max(re.findall(r"[^\W\d_]{4,}", title), key=lambda w: (len(w), w))
    first = measure_first_search(site, word, backend="pagefind", timeout_s=30)
    assert first["results"] > 0, first
    # The menus' options come from one small file; Pagefind's filter chunks only when a filter is used.
    assert f"pagefind/{OPTIONS_FILE}" in first["files"] and first["files"][f"pagefind/{OPTIONS_FILE}"] < 5_000, first
    assert not [f for f in first["files"] if f.endswith(".pf_filter")], first["files"]
    assert 0 < first["total_bytes"] < FIRST_SEARCH_BUDGET, first


def test_bundle_of_the_same_records_comes_from_the_build_cache(mini: Path, tmp_path: Path) -> None:
    """The bundle is a function of the search records: a build whose records are those of the build
    before takes it from ``.cache/factcheck`` without starting pagefind (an edit of an analysis
    changes no record), and one whose records changed indexes again."""
    def build() -> tuple[str, dict[str, bytes]]:
        result = mkdocs_build(pagefind_config(mini, tmp_path), tmp_path / "site")
        assert result.returncode == 0, result.stderr
        line = next(line for line in result.stderr.splitlines() if "pagefind index of" in line)
        bundle = tmp_path / "site" / "pagefind"
        return line, {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}

    line, first = build()
    assert "after it was begun" in line
    assert (tmp_path / ".cache" / "factcheck" / "pagefind.pickle").is_file()
    edit(mini / "claims" / "rathaus-blau.yml", "analysis: Fotos zeigen ein rotes Rathaus.",
         "analysis: Fotos und Pläne zeigen ein rotes Rathaus.")
    line, second = build()
    assert "from the build cache" in line and second == first
    edit(mini / "claims" / "rathaus-blau.yml", "title: Ist das Rathaus blau?", "title: Ist das Rathaus wirklich blau?")
    line, third = build()
    assert "after it was begun" in line and third != first
    assert any(r["meta"]["title"] == "Ist das Rathaus wirklich blau?" for r in fragments(tmp_path / "site" / "pagefind"))
