"""The page-output cache (``generator/pagecache.py``): a second ``mkdocs build`` serves the themed
output of unchanged generated pages from ``.cache/factcheck/pages/`` and comes out byte-identical to
a build without it; anything that goes into a page's render changes its key."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pagecache
from tests.conftest import edit
from tests.minisite import write_config
from tests.sitebuild import ROOT, mkdocs_env

EDITED = "rathaus-blau"
OTHER = "sonne-drei-stunden"
LAST_LOG = [""]
"""The page-output cache's line in the last build's log."""
SERVED = re.compile(r"page-output cache: (\d+) pages from it, (\d+) themed and kept, (\d+) old entries removed")


def build(project: Path, content: Path, *, site: str = "site", extra: str = "", factcheck: str = "",
          custom_dir: Path | None = None) -> tuple[Path, int, int]:
    """``mkdocs build --strict`` in ``project`` (its cache is ``project/.cache``); returns the site and
    the numbers of pages served from the cache and themed (and kept) in this build."""
    config = write_config(content, project, extra, factcheck=factcheck)
    if custom_dir is not None:
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace(f"custom_dir: {ROOT / 'theme_overrides'}", f"custom_dir: {custom_dir}"),
                          encoding="utf-8")
    out = project / site
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(out)],
                            cwd=project, env=mkdocs_env(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    found = SERVED.search(result.stderr)
    assert found, f"no page-output cache line in the log:\n{result.stderr}"
    LAST_LOG[0] = result.stderr[found.start():].split("\n", 1)[0]
    return out, int(found[1]), int(found[2])


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def claim_page(site: Path, claim_id: str) -> str:
    return (site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")


def test_second_build_serves_unchanged_pages_and_matches_a_build_without_cache(mini: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    first, served, themed = build(project, mini, site="first")
    assert served == 0 and themed >= 10, "a cold build themes every generated page outside the navigation"
    entries = [p for p in (project / ".cache" / "factcheck" / pagecache.FOLDER).rglob("*") if p.is_file()]
    assert len(entries) == themed

    edit(mini / "claims" / f"{EDITED}.yml", "analysis: Fotos zeigen ein rotes Rathaus.",
         "analysis: Fotos und der Bauplan zeigen ein rotes Rathaus.")
    warm, served, rethemed = build(project, mini, site="warm")
    # The edited claim and the pages that show its analysis are themed again; the rest come from the cache.
    assert served > 0 and rethemed >= 1 and served + rethemed == themed
    assert "Bauplan" in claim_page(warm, EDITED)
    assert claim_page(warm, OTHER) == claim_page(first, OTHER)

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    cold, served_cold, _ = build(fresh, mini)
    assert served_cold == 0
    assert files(warm) == files(cold), "served from the cache, the site must be the bytes a build without it writes"
    # The entries of the first build's version of the edited pages are gone: one build's pages only.
    assert len([p for p in (project / ".cache" / "factcheck" / pagecache.FOLDER).rglob("*") if p.is_file()]) == themed


def test_served_output_is_the_cached_entry(mini: Path, tmp_path: Path) -> None:
    """MkDocs really writes what the cache holds (it reads the ``template`` the plugin sets in the
    page's metadata when it builds the page): a planted marker in an entry reaches the site. If an
    MkDocs release picked the template earlier, this fails, while every other test would still pass."""
    project = tmp_path / "project"
    project.mkdir()
    build(project, mini, site="first")
    folder = project / ".cache" / "factcheck" / pagecache.FOLDER
    planted = 0
    for path in folder.rglob("*"):
        if path.is_file():
            text = pagecache._DEFLATE.decompress(path.read_bytes()).decode("utf-8")
            if f"/claims/{OTHER}/" in text and "<title>" in text:
                path.write_bytes(pagecache._DEFLATE.compress(text.replace("</body>", "<!-- planted --></body>").encode(), 1))
                planted += 1
    assert planted >= 1
    second, served, _ = build(project, mini, site="second")
    assert served > 0
    assert "<!-- planted -->" in claim_page(second, OTHER)


@pytest.mark.parametrize("event", ["page_context", "env"])
def test_an_entry_gone_missing_is_rendered_as_usual(mini: Path, tmp_path: Path, event: str) -> None:
    """Entries are looked up when the pages are keyed and read when each is built; one removed in
    between (another build pruning, a cleaned folder) is rendered by the theme as always. A hook
    with ``on_page_context`` sees pages, so pages are keyed by their content; with ``on_env`` only,
    they are keyed by what their views read and were not rendered at all when the entry vanished."""
    project = tmp_path / "project"
    project.mkdir()
    first, _, _ = build(project, mini, site="first")
    hook = tmp_path / "vanish.py"
    remove = "        shutil.rmtree(Path(config.config_file_path).parent / '.cache' / 'factcheck' / 'pages', ignore_errors=True)\n"
    if event == "page_context":
        hook.write_text(
            "import shutil\nfrom pathlib import Path\nfrom mkdocs.plugins import event_priority\n\ndone = []\n\n"
            "@event_priority(1000)  # before the plugin reads the entry\n"
            "def on_page_context(context, page, config, nav):\n"
            "    if not done:  # once, when the first page is built: every page is keyed by then\n"
            + remove + "        done.append(page)\n    return context\n", encoding="utf-8")
    else:
        hook.write_text("import shutil\nfrom pathlib import Path\n\n\ndef on_env(env, config, files):\n    if True:\n"
                        + remove + "    return env\n", encoding="utf-8")
    extra = f"\nhooks:\n  - {hook}\n"
    _, _, themed = build(project, mini, site="keyed", extra=extra)  # the same hook in the key: now the keys match
    assert LAST_LOG[0].endswith("what their views read" if event == "env" else "(other plugins see pages)")
    second, served, rethemed = build(project, mini, site="second", extra=extra)
    assert served == 0 and rethemed == themed, "every entry was removed before it was read, and is kept again"
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    cold, _, _ = build(fresh, mini, extra=extra)
    assert files(second) == files(cold)
    assert claim_page(second, OTHER) == claim_page(first, OTHER)


def test_other_plugins_post_page_runs_once_on_served_pages(mini: Path, tmp_path: Path) -> None:
    """The cache keeps the theme's output before any plugin's ``on_post_page``, so a plugin that
    changes the output changes a served page exactly once, as a themed one."""
    hook = tmp_path / "stamp.py"
    hook.write_text("def on_post_page(output, page, config):\n    return output + '<!-- stamped -->'\n",
                    encoding="utf-8")
    extra = f"\nhooks:\n  - {hook}\n"
    project = tmp_path / "project"
    project.mkdir()
    build(project, mini, site="first", extra=extra)
    second, served, _ = build(project, mini, site="second", extra=extra)
    assert served > 0
    page = claim_page(second, OTHER)
    assert page.count("<!-- stamped -->") == 1 and page.endswith("<!-- stamped -->")


@pytest.mark.parametrize("change", ["template", "setting", "navigation", "hook"])
def test_what_goes_into_every_page_changes_every_key(mini: Path, tmp_path: Path, change: str) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme_overrides", theme)
    hook = tmp_path / "hook.py"
    hook.write_text("def on_post_page(output, page, config):\n    return output\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    extra = f"\nhooks:\n  - {hook}\n"
    _, _, themed = build(project, mini, site="first", custom_dir=theme, extra=extra)
    if change == "template":
        edit(theme / "partials" / "fc-meta.html", "{#-", "<meta name=\"fc-test\" content=\"changed\">\n{#-")
    elif change == "setting":
        extra += "extra:\n  generator: false\n"
    elif change == "navigation":
        (mini / "extra-page.md").write_text("# Impressum\n\nAdresse.\n", encoding="utf-8")
    else:
        hook.write_text("def on_post_page(output, page, config):\n    return output  # changed\n", encoding="utf-8")
    second, served, rethemed = build(project, mini, site="second", custom_dir=theme, extra=extra)
    assert served == 0 and rethemed == themed
    if change == "template":
        assert 'name="fc-test"' in claim_page(second, OTHER)
    if change == "navigation":
        assert "Impressum" in claim_page(second, OTHER)


def test_cache_pages_false_themes_every_page_and_keeps_nothing(mini: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = write_config(mini, project, factcheck="cache_pages: false")
    for site in ("one", "two"):
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d",
                                 str(project / site)], cwd=project, env=mkdocs_env(), capture_output=True, text=True,
                                timeout=180)
        assert result.returncode == 0, result.stderr
        assert not SERVED.search(result.stderr)
    assert not (project / ".cache" / "factcheck" / pagecache.FOLDER).exists()


def test_keys_hold_no_memory_addresses() -> None:
    """Config values that print with their address (a function as a slugify setting, a plain object)
    would give every build new keys; they are named by module and name instead."""
    class Thing:
        pass

    value = {"slugify": test_keys_hold_no_memory_addresses, "object": Thing(), "set": {"b", "a"}}
    assert pagecache.plain(value) == {
        "slugify": f"{__name__}.test_keys_hold_no_memory_addresses",
        "object": f"{__name__}.test_keys_hold_no_memory_addresses.<locals>.Thing",
        "set": ["a", "b"]}


def test_build_date_is_in_the_key_only_where_a_template_shows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs hands templates the build date (the newest record's, via SOURCE_DATE_EPOCH). Material's
    page templates do not show it, so a newer record need not re-render every page; a site template
    that shows it puts it into every key."""
    plain, dated = tmp_path / "plain", tmp_path / "dated"
    for folder in (plain, dated):
        folder.mkdir()
        (folder / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    (dated / "partials").mkdir()
    (dated / "partials" / "footer.html").write_text("<p>{{ build_date_utc }}</p>\n", encoding="utf-8")

    def key(folder: Path, epoch: str) -> str:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        return pagecache.fingerprint(config={"site_name": "x"}, theme_dirs=[folder], packaged=[], theme={"name": "m"},
                                     plugins={}, nav=None, globals_={}, base=str(tmp_path))

    assert key(plain, "1500000000") == key(plain, "1600000000")
    assert key(dated, "1500000000") != key(dated, "1600000000")


# -- keys by what each view reads (views.Views.reads) ---------------------------------------------
SITE_WIDE = {"site", "scale", "verdicts", "topics", "people"}
"""Graph attributes in every key (pagecache.Reads.site): reading them needs no declaration."""
GROUPS = {"by_verdict": "verdicts", "by_topic": "topics", "by_claimant": "claimants"}


class _Seen(dict):  # type: ignore[type-arg]
    """A graph mapping that notes each key looked up; iterating over it notes "*" (everything)."""

    def __init__(self, data: dict, name: str, seen: set) -> None:  # type: ignore[type-arg]
        super().__init__(data)
        self.name, self.seen = name, seen

    def __getitem__(self, key: str) -> object:
        self.seen.add((self.name, key))
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.seen.add((self.name, key))
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.seen.add((self.name, key))
        return super().__contains__(key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.seen.add((self.name, "*"))
        return super().__iter__()

    def items(self):  # type: ignore[no-untyped-def]
        self.seen.add((self.name, "*"))
        return super().items()

    def values(self):  # type: ignore[no-untyped-def]
        self.seen.add((self.name, "*"))
        return super().values()

    def keys(self):  # type: ignore[no-untyped-def]
        self.seen.add((self.name, "*"))
        return super().keys()


class _Recorder:
    """A Graph that notes what is read from it: records and lists by key, methods by argument."""

    def __init__(self, graph: object) -> None:
        self._graph = graph
        self.seen: set[tuple[str, ...]] = set()

    def __getattr__(self, name: str) -> object:
        value = getattr(self._graph, name)
        if name in SITE_WIDE:
            return value
        if isinstance(value, dict):
            return _Seen(value, name, self.seen)
        if callable(value):
            def call(*args: object) -> object:
                self.seen.add((name, *(str(a) for a in args)))
                return value(*args)
            return call
        self.seen.add((name,))
        return value


def _allowed(declared: list[tuple[str, ...]], site: object) -> set[tuple[str, ...]]:
    """What a page may read, given what ``reads`` declares: a declared part and what it stands for
    (a page of a group is read by reading the group: its list, or the claims sorted newest first)."""
    out = set(declared)
    for dep in declared:
        if dep[0] in ("chunk", "group"):
            section, key = dep[1], dep[2]
            out |= {(attr, key) for attr, name in GROUPS.items() if name == section}
            out |= {("newest_first",)} if section == "latest" else set()
            out |= {("by_month",)} if section == "months" else set()
            out.add(("claims", "*")) if section == "latest" else None  # newest_first(): every claim, sorted
    return out


@pytest.mark.parametrize("tree", ["mini", "repository", "synthetic"])
def test_reads_cover_what_each_view_reads(tree: str, mini: Path, tmp_path: Path) -> None:
    """``Views.reads`` declares what each page's view reads, so that a page can be served from the
    cache without being rendered. Every page's view is built here from a graph that notes each
    read; anything read and not declared would let a page stay stale after an edit."""
    from benchmarks import synth
    from generator.pipeline import build_site
    from generator.views import Views

    if tree == "repository":
        content = ROOT / "content"
    elif tree == "synthetic":
        content = tmp_path / "synthetic"
        synth.generate(content, 60)
    else:
        content = mini
    site = build_site(content, include_drafts=True)
    keyed = 0
    for spec in site.specs.values():
        declared = site.views.reads(spec)
        if declared is None:
            continue
        keyed += 1
        recorder = _Recorder(site.graph)
        views = Views(recorder, site.labels, directory_urls=site.views.directory_urls,  # type: ignore[arg-type]
                      site_url=site.views.site_url, pages=site.views.pages)
        views.verdict_views, views.entry_html, views._prose = site.views.verdict_views, site.views.entry_html, site.views._prose
        views.view(spec)
        undeclared = recorder.seen - _allowed(declared, site)
        assert not undeclared, f"{spec.src_uri}: its view reads {sorted(undeclared)}, which Views.reads does not list"
        for dep in declared:
            site.views.read_value(dep)  # each declared part has a value
    assert keyed >= len(site.graph.claims), "claim pages (and listings, articles) are keyed by their reads"


EDITS = [
    # (file, old, new, what it tests): applied one after the other, each followed by a warm build
    ("claims/sonne-drei-stunden.yml", "title: Schien danach drei Stunden die Sonne?",
     "title: Schien danach noch drei Stunden die Sonne?", "a related claim's title (shown on rathaus-blau's page)"),
    ("claimants/tagblatt.yml", "name: Das Tagblatt", "name: Das Neue Tagblatt", "the claimant of every claim"),
    ("articles/tagblatt-2020-01-01.yml", "title: Regen und Sonne am Neujahrstag",
     "title: Regen, dann Sonne am Neujahrstag", "an article quoted by the claims"),
    ("claims/sonne-drei-stunden.yml", "published: 2020-02-02", "published: 2020-01-20", "the order of every listing"),
    ("topics.yml", "label: {de: Stadt, en: City}", "label: {de: Stadtleben, en: City}", "a topic"),
    ("people/anna.yml", "name: Anna Beispiel", "name: Anna Muster", "an author (a site-wide record)"),
]


def test_pages_keyed_by_their_reads_match_a_cold_build_after_every_kind_of_edit(mini: Path, tmp_path: Path) -> None:
    """A page served without being rendered must be the page a build without cache writes, whichever
    record changed: one its view reads through another claim (a related claim's title), a claimant,
    an article, the order of the listings, a site-wide record."""
    project = tmp_path / "project"
    project.mkdir()
    # A hand-written page linking to a heading of a served page: MkDocs checks the link against the
    # page's heading ids (an unknown one is a warning, and --strict fails), which come from the entry.
    (mini / "links.md").write_text(f"# Links\n\n[Analyse](claims/{OTHER}.md#analyse)\n", encoding="utf-8")
    _, _, themed = build(project, mini, site="first")
    assert LAST_LOG[0].endswith("keyed by what their views read")
    _, served, _ = build(project, mini, site="again")  # nothing changed: every page served, the link still checks
    assert served == themed
    for n, (name, old, new, what) in enumerate(EDITS):
        edit(mini / name, old, new)
        warm, served, rethemed = build(project, mini, site=f"warm{n}")
        fresh = tmp_path / f"fresh{n}"
        fresh.mkdir()
        cold, _, _ = build(fresh, mini)
        assert files(warm) == files(cold), f"after editing {what}, the warm build differs from a cold one"
        assert served + rethemed == themed
        if n == 0:
            assert served > 0, "pages that do not show the edited claim come from the cache"
            assert "noch drei Stunden" in claim_page(warm, EDITED)
