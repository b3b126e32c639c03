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


def test_an_entry_gone_missing_is_rendered_as_usual(mini: Path, tmp_path: Path) -> None:
    """Entries are looked up when the pages are keyed and read when each is built; one removed in
    between (another build pruning, a cleaned folder) is rendered by the theme as always."""
    project = tmp_path / "project"
    project.mkdir()
    first, _, _ = build(project, mini, site="first")
    hook = tmp_path / "vanish.py"
    hook.write_text(
        "import shutil\nfrom pathlib import Path\nfrom mkdocs.plugins import event_priority\n\ndone = []\n\n"
        "@event_priority(1000)  # before the plugin reads the entry\n"
        "def on_page_context(context, page, config, nav):\n"
        "    if not done:  # once, when the first page is built: every page is keyed by then\n"
        "        shutil.rmtree(Path(config.config_file_path).parent / '.cache' / 'factcheck' / 'pages', ignore_errors=True)\n"
        "        done.append(page)\n"
        "    return context\n", encoding="utf-8")
    extra = f"\nhooks:\n  - {hook}\n"
    _, _, themed = build(project, mini, site="keyed", extra=extra)  # the same hook in the key: now the keys match
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
