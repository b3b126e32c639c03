"""``factcheck check`` checks without rendering, reports every file's problems in one run, and
keeps a build cache (``generator/cache.py``) that later runs use and cannot be tricked by."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from generator import cache, records, sanitize
from generator.cli import main
from generator.pipeline import Site, build_site, check_site
from generator.templates import Templates
from generator.views import Views
from tests.conftest import edit, run_cli
from tests.minisite import build_content


def _no_render(*args: object, **kwargs: object) -> None:
    raise AssertionError("check must not render pages or convert every Markdown field")


def test_check_renders_no_page(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are never finished (heading ids, the step after the template) and the Markdown fields are
    not converted in bulk. A site without its own templates gets no page template rendered; one
    with an override (``custom_dir/fc/``) gets one sample page per template, plus the embed card and
    the redirect page (a broken override must still fail ``check``)."""
    monkeypatch.setattr(Site, "page", _no_render)
    monkeypatch.setattr(Site, "finish", _no_render)
    monkeypatch.setattr(Views, "convert_prose", _no_render)
    rendered: list[str] = []
    original = Templates.render

    def counting(self: Templates, name: str, context: dict[str, object]) -> str:
        rendered.append(name)
        return original(self, name, context)

    monkeypatch.setattr(Templates, "render", counting)
    edit(mini / "claims" / "rathaus-blau.yml", "topics: [stadt]", "topics: [stadt]\naliases: [altes-rathaus]")
    plain = tmp_path / "plain.yml"
    plain.write_text("site_name: x\ntheme:\n  name: material\n", encoding="utf-8")
    themed = tmp_path / "themed.yml"
    themed.write_text("site_name: x\ntheme:\n  name: material\n  custom_dir: theme\n", encoding="utf-8")
    (tmp_path / "theme" / "fc").mkdir(parents=True)
    (tmp_path / "theme" / "fc" / "claim.html").write_text('{% extends "packaged:fc/claim.html" %}\n', encoding="utf-8")
    for config in (plain, themed):
        for command in ("check", "stats"):
            rendered.clear()
            code, out, err = run_cli(capsys, "--content", str(mini), "--config", str(config),
                                     "--cache", str(tmp_path / "cache"), command)
            assert code == 0, err
            pages = [name for name in rendered if "/partials/" not in name]  # partials: a badge per verdict
            if config is plain:
                assert pages == [], f"{command} rendered page templates of a site without overrides"
                continue
            assert len(pages) == len(set(pages)), f"{command} rendered a page template twice: {sorted(pages)}"
            assert {"fc/embed.html", "fc/redirect.html", "fc/claim.html"} <= set(rendered)


def test_check_reports_schema_and_reference_errors_together(mini: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # One claim breaks its schema; another names a claimant that does not exist and relates to the
    # broken claim (which exists: that reference is not reported).
    edit(mini / "claims" / "rathaus-blau.yml", "verdict: falsch", "verdict: falsch\nmood: grumpy")
    edit(mini / "claims" / "sonne-drei-stunden.yml", "claimant: tagblatt", "claimant: tagesblatt")
    text = (mini / "claims" / "sonne-drei-stunden.yml").read_text(encoding="utf-8")
    if "related:" not in text:
        (mini / "claims" / "sonne-drei-stunden.yml").write_text(text + "related: [rathaus-blau]\n", encoding="utf-8")
    monkeypatch.chdir(mini.parent)
    code, _out, err = run_cli(capsys, "--content", str(mini), "check")
    assert code == 1
    assert "rathaus-blau.yml:13: mood: unknown field" in err, err
    assert "sonne-drei-stunden.yml" in err and "no claimant with id 'tagesblatt'; did you mean 'tagblatt'?" in err, err
    assert "no claim with id 'rathaus-blau'" not in err, "a reference to the broken claim was reported as missing"
    assert "Traceback" not in err


def test_cached_records_are_not_parsed_again(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    cold = check_site(mini, cache_dir=store)
    assert (store / "records.pickle").is_file()
    parsed: list[str] = []
    original = records.load_yaml

    def counting(path: Path, display: str, raw: bytes | None = None):  # noqa: ANN202
        parsed.append(path.name)
        return original(path, display, raw)

    monkeypatch.setattr(records, "load_yaml", counting)
    warm = check_site(mini, cache_dir=store)
    assert parsed == []
    assert warm.counts() == cold.counts()
    assert warm.graph.claims == cold.graph.claims
    edit(mini / "claims" / "regen-zwoelf-stunden.yml", "verdict:", "verdict:")  # same bytes: still cached
    (mini / "claims" / "strassen-trocken.yml").write_text(
        (mini / "claims" / "strassen-trocken.yml").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    check_site(mini, cache_dir=store)
    assert parsed == ["strassen-trocken.yml"]


def test_messages_of_cached_records_name_the_right_line(mini: Path, tmp_path: Path) -> None:
    """The cache keeps no line numbers; a problem found in a cached record (here: the claimant it
    names was deleted) still names the line, from a second parse of that one file."""
    store = tmp_path / "cache"
    check_site(mini, cache_dir=store)
    (mini / "claimants" / "tagblatt.yml").unlink()
    with pytest.raises(Exception) as caught:
        check_site(mini, cache_dir=store)
    report = caught.value.report()  # type: ignore[attr-defined]
    assert "rathaus-blau.yml:7: claim.claimant: no claimant with id 'tagblatt'" in report, report


@pytest.mark.parametrize("cache_dir", [None, "cache"])
def test_loaded_records_hold_no_line_maps(mini: Path, tmp_path: Path, cache_dir: str | None) -> None:
    """Parsed now or taken from the cache, a loaded record keeps its data only (the line of every
    key was ~0.2 GB at 30,000 claims); a message still names its line, read from the file again."""
    raw, problems = records.load_records(mini, cache=records.records_store(tmp_path / cache_dir if cache_dir else None))
    assert problems == [] and raw
    assert [item.doc.path.name for item in raw if item.doc.known_lines is not None] == []
    claim = next(item.doc for item in raw if item.doc.path.name == "rathaus-blau.yml")
    assert claim.problem(("claim", "claimant"), "x").line == 7


def test_failed_run_writes_no_cache(mini: Path, tmp_path: Path) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "verdict: falsch", "verdict: falsch\nmood: grumpy")
    with pytest.raises(Exception):
        check_site(mini, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("content", [b"not a pickle at all", b"", pickle.dumps({"version": "old", "entries": {}})])
def test_unreadable_or_stale_cache_is_a_cold_start(mini: Path, tmp_path: Path, content: bytes) -> None:
    store = tmp_path / "cache"
    store.mkdir()
    (store / "records.pickle").write_bytes(content)
    site = check_site(mini, cache_dir=store)
    assert len(site.graph.claims) == 4
    assert records.CACHE_VERSION.encode() in (store / "records.pickle").read_bytes()


class _Planted:
    """A pickle that would create a file when loaded by an unrestricted unpickler."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (shutil.copyfile, (os.devnull, str(self.target)))


def test_planted_cache_runs_no_code(mini: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    check_site(mini, cache_dir=store)
    saved = pickle.loads((store / "records.pickle").read_bytes())
    target = tmp_path / "pwned"
    key = next(iter(saved["entries"]))
    saved["entries"][key] = (_Planted(target),)
    (store / "records.pickle").write_bytes(pickle.dumps(saved))
    cache.Store._open.clear()
    site = check_site(mini, cache_dir=store)
    assert not target.exists()
    assert len(site.graph.claims) == 4


def test_planted_markdown_is_sanitised(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Markdown cache holds Python-Markdown's output before sanitising; what it says is cleaned
    on every run, so a planted entry cannot put a script on a page."""
    store = tmp_path / "cache"
    build_site(mini, cache_dir=store)
    saved = pickle.loads((store / "markdown.pickle").read_bytes())
    analysis = "Fotos zeigen ein rotes Rathaus."
    key = cache.digest(analysis)
    assert key in saved["entries"], "the analysis was not cached"
    saved["entries"][key] = '<p onclick="steal()">Fotos</p><script>alert(1)</script>'
    (store / "markdown.pickle").write_bytes(pickle.dumps(saved))
    cache.Store._open.clear()
    sanitize._last.clear()
    converted: list[str] = []
    original = sanitize.markdown_to_html

    def counting(text: str) -> str:
        converted.append(text)
        return original(text)

    monkeypatch.setattr(sanitize, "markdown_to_html", counting)
    site = build_site(mini, cache_dir=store)
    assert analysis not in converted, "the cached conversion was not used"
    page = site.page("claims/rathaus-blau.md").html
    assert "<p>Fotos</p>" in page
    assert "script" not in page.lower().replace("<script type=\"application/ld+json\">", "")
    assert "onclick" not in page


def test_markdown_cache_depends_on_the_extensions(mini: Path, tmp_path: Path) -> None:
    from generator.pipeline import Theme
    from generator.sanitize import MarkdownConfig

    store = tmp_path / "cache"
    edit(mini / "claims" / "rathaus-blau.yml", "analysis: Fotos zeigen ein rotes Rathaus.",
         'analysis: "!!! note\\n\\n    Fotos zeigen ein rotes Rathaus."')
    plain = build_site(mini, cache_dir=store).page("claims/rathaus-blau.md").html
    assert "admonition" not in plain
    themed = build_site(mini, cache_dir=store, theme=Theme(markdown=MarkdownConfig(("tables", "admonition"))))
    assert 'class="admonition note"' in themed.page("claims/rathaus-blau.md").html


def test_cold_and_warm_builds_are_identical(mini: Path, tmp_path: Path) -> None:
    """Real MkDocs, twice in the same folder: the second build takes records, Markdown and share
    cards from ``.cache/factcheck`` beside mkdocs.yml and writes the same bytes."""
    first = build_content(mini, tmp_path / "a")
    cached = tmp_path / "a" / ".cache" / "factcheck"
    assert {p.name for p in cached.iterdir()} >= {"records.pickle", "markdown.pickle", "cards"}
    snapshot = {p.relative_to(first): p.read_bytes() for p in sorted(first.rglob("*")) if p.is_file()}
    shutil.rmtree(first)
    second = build_content(mini, tmp_path / "a")
    again = {p.relative_to(second): p.read_bytes() for p in sorted(second.rglob("*")) if p.is_file()}
    assert again.keys() == snapshot.keys()
    assert [name for name in snapshot if snapshot[name] != again[name]] == []


def test_no_cache_option_writes_nothing(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli(capsys, "--content", str(mini), "--no-cache", "check")
    assert code == 0, err
    assert not (tmp_path / ".cache").exists()
    code, _out, err = run_cli(capsys, "--content", str(mini), "check")
    assert code == 0, err
    assert (tmp_path / ".cache" / "factcheck" / "records.pickle").is_file()
    assert main(["--content", str(mini), "check"]) == 0


def _entries(store: Path) -> dict[str, dict[str, object]]:
    """Each store's entries by content hash (the file stamps left out)."""
    out = {}
    for name, version in (("records", records.CACHE_VERSION), ("markdown", sanitize.cache_version())):
        entries = cache.Store(store, name, version).entries()
        out[name] = {key: value for key, value in entries.items() if not key.startswith("stamp:")}
    return out


def test_serve_rebuilds_keep_the_whole_cache(mini: Path, tmp_path: Path) -> None:
    """Under ``mkdocs serve`` (reuse) unchanged files come from memory; the stores must still keep
    them, or the next cold build would start from nothing."""
    store = tmp_path / "cache"
    build_site(mini, cache_dir=store, reuse=True)
    first = _entries(store)
    edit(mini / "claims" / "rathaus-blau.yml", "analysis: Fotos", "analysis: Neue Fotos")
    build_site(mini, cache_dir=store, reuse=True)
    second = _entries(store)
    for name in ("records", "markdown"):
        assert set(first[name]) <= set(second[name]), f"{name}: entries of unchanged files were dropped"
        assert len(set(second[name]) - set(first[name])) == 1, f"{name}: the edited file's entry is new"
    assert len(first["records"]) == len(list(mini.rglob("*.yml")))


def _age(folder: Path, seconds: int = 3600) -> None:
    for path in folder.rglob("*.yml"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))


def test_unchanged_files_are_not_even_read(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged working tree (same path, time, size, inode) is taken from the stamps."""
    _age(mini)
    store = tmp_path / "cache"
    check_site(mini, cache_dir=store)
    read: list[str] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        if self.suffix == ".yml":
            read.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    check_site(mini, cache_dir=store)
    assert read == []
    path = mini / "claims" / "rathaus-blau.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Rathaus blau?", "Rathaus grau?"), encoding="utf-8")
    site = check_site(mini, cache_dir=store)
    assert read == ["rathaus-blau.yml"]
    assert site.graph.claims["rathaus-blau"].title == "Ist das Rathaus grau?"


def test_recently_changed_files_get_no_stamp(mini: Path, tmp_path: Path) -> None:
    """A file changed twice within the same tick at the same size keeps its stamp; so a stamp is
    kept only for files older than two seconds, and such a second change is still seen."""
    store = tmp_path / "cache"
    path = mini / "claims" / "rathaus-blau.yml"
    os.utime(path)  # just written
    check_site(mini, cache_dir=store)
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Rathaus blau?", "Rathaus grau?"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert check_site(mini, cache_dir=store).graph.claims["rathaus-blau"].title == "Ist das Rathaus grau?"


def _run(folder: Path, used: dict[str, object]) -> cache.Store:
    """One run of a step: look up every key it needs, compute and put the missing ones, save."""
    cache.Store._open.clear()
    store = cache.Store.open(folder, "step", "v1")
    for key, value in used.items():
        if store.get(key) is None:
            store.put(key, value)
    store.save()
    return store


def test_store_appends_a_run_s_new_entries(tmp_path: Path) -> None:
    """Editing one record appends its entry; the 10,000 others are not written again."""
    def record(text: str) -> tuple[dict[str, object], ...]:
        # Like parsed YAML: containers and a string used twice (pickle refers back to it by number).
        return ({"title": text, "tags": [text, "x" * 100], "n": 1},)

    tree = {f"k{i}": record(f"claim {i}") for i in range(200)}
    _run(tmp_path, tree)
    path = tmp_path / "step.pickle"
    before = path.stat()
    tree["k7-new"] = record("edited")
    del tree["k7"]
    _run(tmp_path, tree)
    after = path.stat()
    assert after.st_ino == before.st_ino, "the file was replaced, not appended to"
    assert 0 < after.st_size - before.st_size < 200
    held = cache.Store(tmp_path, "step", "v1").entries()
    assert held.keys() == set(tree) | {"k7"}
    assert held["k7-new"] == record("edited") and held["k9"] == record("claim 9")
    tree["k8-new"] = record("edited again")
    del tree["k8"]
    _run(tmp_path, tree)
    assert path.stat().st_ino == before.st_ino, "a second append replaced the file"
    hits = _run(tmp_path, tree)
    assert (hits.hits, hits.misses) == (200, 0)
    assert cache.Store(tmp_path, "step", "v1").entries()["k8-new"] == record("edited again")


def test_store_is_rewritten_when_edits_have_doubled_it(tmp_path: Path) -> None:
    """Each edit leaves its old entry behind; the file never holds more than twice what is used."""
    tree: dict[str, object] = {f"k{i}": (i,) for i in range(10)}
    _run(tmp_path, tree)
    for edit_no in range(15):
        del tree[next(iter(tree))]
        tree[f"edit{edit_no}"] = (edit_no,)
        _run(tmp_path, tree)
        held = cache.Store(tmp_path, "step", "v1").entries()
        assert set(tree) <= held.keys()
        assert len(held) <= 2 * len(tree), f"edit {edit_no}: {len(held)} entries held for {len(tree)} used"


def test_store_with_a_torn_append_keeps_what_came_before(tmp_path: Path) -> None:
    """A run killed in the middle of its append leaves a readable store: the earlier entries are
    found, the torn one is not, and the next save rewrites the file whole."""
    _run(tmp_path, {f"k{i}": (i,) for i in range(50)})
    path = tmp_path / "step.pickle"
    whole = path.stat().st_size
    _run(tmp_path, {**{f"k{i}": (i,) for i in range(50)}, "late": ("x" * 500,)})
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size - 100)
    store = _run(tmp_path, {f"k{i}": (i,) for i in range(50)})
    assert (store.hits, store.misses) == (50, 0)
    assert path.stat().st_size == whole, "the torn file was not rewritten"
    assert cache.Store(tmp_path, "step", "v1").entries().keys() == {f"k{i}" for i in range(50)}


def test_planted_append_runs_no_code(tmp_path: Path) -> None:
    _run(tmp_path, {"k": (1,)})
    target = tmp_path / "pwned"
    with (tmp_path / "step.pickle").open("ab") as fh:
        fh.write(pickle.dumps({"entries": {"evil": (_Planted(target),)}}))
    store = _run(tmp_path, {"k": (1,), "evil": ("safe",)})
    assert not target.exists()
    assert (store.hits, store.misses) == (1, 1)  # "k" found; the planted "evil" dropped, computed anew
    assert cache.Store(tmp_path, "step", "v1").entries() == {"k": (1,), "evil": ("safe",)}


def test_large_generated_files_reach_mkdocs_as_files_in_the_cache(mini: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Large generated files (the exports, image renditions) are written to ``.cache/factcheck/files/``
    and MkDocs copies them from there: held as bytes they would stay in memory while every page is
    rendered. What an earlier build put there and this one did not is removed; the site is the same
    byte for byte."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import plugin as plugin_module
    from tests.minisite import write_config

    reference = build_content(mini, tmp_path / "reference")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the plugin sets it; restored afterwards
    monkeypatch.setattr(plugin_module, "SPILL_BYTES", 2000)  # the mini site's exports are small
    seen: dict[str, str | None] = {}
    on_files = plugin_module.FactcheckPlugin.on_files

    def recording(self: plugin_module.FactcheckPlugin, files, /, *, config):  # type: ignore[no-untyped-def]
        files = on_files(self, files, config=config)
        seen.update({f.src_uri: f.abs_src_path for f in files if f.src_uri in ("claims.json", "feed.xml")})
        return files

    monkeypatch.setattr(plugin_module.FactcheckPlugin, "on_files", recording)
    dest = tmp_path / "spill"
    dest.mkdir()
    spilled = dest / ".cache" / "factcheck" / "files"
    (spilled / "media").mkdir(parents=True)
    (spilled / "media" / "deleted.jpg").write_bytes(b"from an earlier build")
    build(load_config(str(write_config(mini, dest)), site_dir=str(dest / "site")))
    assert len((reference / "claims.json").read_bytes()) > 2000 > len((reference / "feed.xml").read_bytes())
    assert seen == {"claims.json": str(spilled / "claims.json"), "feed.xml": None}
    assert not (spilled / "media" / "deleted.jpg").exists()
    site = dest / "site"
    ours = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    theirs = {p.relative_to(reference): p.read_bytes() for p in sorted(reference.rglob("*")) if p.is_file()}
    assert ours.keys() == theirs.keys()
    assert [str(name) for name in ours if ours[name] != theirs[name]] == []
