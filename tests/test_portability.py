"""Not tied to one engine: the same site builds with ProperDocs (the maintained MkDocs 1.x fork, which
loads our plugin from its `properdocs.plugins` entry point), and `factcheck render OUT` gives a
Markdown tree that plain MkDocs without our plugin, and Zensical, build with every claim page."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from generator.cli import main
from generator.pipeline import build_site
from tests.sitebuild import BUILD_TIMEOUT, ROOT, build_repo_site, copy_project, mkdocs_env

GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.fixture(scope="module")
def published() -> dict[str, str]:
    """Claim id → title of every published claim in content/."""
    site = build_site(ROOT / "content")
    return {cid: claim.title for cid, claim in site.graph.claims.items()}


@pytest.fixture(scope="module")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("mkdocs"))


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, check=False, cwd=cwd, env=mkdocs_env(), capture_output=True, text=True,
                            timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, f"{' '.join(argv[:4])} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
    return result


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- ProperDocs


def test_plugin_is_registered_for_both_engines() -> None:
    for group in ("mkdocs.plugins", "properdocs.plugins"):
        (entry,) = [e for e in entry_points(group=group) if e.name == "factcheck"]
        assert entry.value == "generator.plugin:FactcheckPlugin"


def test_properdocs_builds_the_same_site(tmp_path: Path, mkdocs_site: Path, published: dict[str, str]) -> None:
    project = copy_project(tmp_path / "properdocs")
    result = run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", "site"], project)
    assert "factcheck:" in result.stderr, "the factcheck plugin did not run under ProperDocs"
    ours, theirs = site_files(mkdocs_site), site_files(project / "site")
    assert sorted(ours) == sorted(theirs)
    claim_pages = [f"claims/{cid}/index.html" for cid in published]
    assert claim_pages and all(page in ours for page in claim_pages)
    differing = [name for name in ours if ours[name] != theirs[name]]
    # Only the engine's name and version in <meta name="generator"> may differ.
    for name in differing:
        assert name.endswith(".html"), f"{name} differs between MkDocs and ProperDocs"
        assert GENERATOR_META.sub(b"", ours[name]) == GENERATOR_META.sub(b"", theirs[name]), \
            f"{name} differs beyond the generator tag"
        assert GENERATOR_META.search(ours[name]) and GENERATOR_META.search(theirs[name])


# --------------------------------------------------------------------------- factcheck render OUT, without our plugin


def render_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``factcheck render`` into docs/ beside the repository's mkdocs.yml with `- factcheck` removed."""
    project = tmp_path / "rendered"
    project.mkdir()
    assert main(["--content", str(ROOT / "content"), "render", str(project / "docs")]) == 0
    capsys.readouterr()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config, plugins_removed = re.subn(r"^\s*- factcheck\s*\n", "", config, flags=re.MULTILINE)
    assert plugins_removed == 1
    config, docs = re.subn(r"^docs_dir: content$", "docs_dir: docs", config, flags=re.MULTILINE)
    assert docs == 1
    config = config.replace("custom_dir: theme_overrides", f"custom_dir: {ROOT / 'theme_overrides'}")
    assert "factcheck" not in config
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def assert_claim_pages(site: Path, published: dict[str, str]) -> None:
    assert published
    for cid, title in published.items():
        page = site / "claims" / cid / "index.html"
        assert page.is_file(), f"no page for claim {cid}"
        text = page.read_text(encoding="utf-8")
        assert title.replace('"', "&quot;") in text or title in text, f"{cid}: title not on its page"
        assert 'data-verdict="' in text, f"{cid}: no verdict"


def test_rendered_tree_builds_with_plain_mkdocs(tmp_path: Path, capsys, published: dict[str, str]) -> None:
    project = render_project(tmp_path, capsys)
    run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", "site"], project)
    assert_claim_pages(project / "site", published)
    # Every page the plugin generates is in the tree, and the hand-written pages came along.
    docs = {p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*.md")}
    assert set(build_site(ROOT / "content").pages) <= docs
    assert {"methodology.md", "about.md", "corrections-policy.md"} <= docs
    assert (project / "site" / "methodology" / "index.html").is_file()


def test_rendered_tree_builds_with_zensical(tmp_path: Path, capsys, published: dict[str, str]) -> None:
    project = render_project(tmp_path, capsys)
    result = run([sys.executable, "-m", "zensical", "build", "--strict", "-f", "mkdocs.yml"], project)
    assert "Build finished" in result.stdout + result.stderr
    assert_claim_pages(project / "site", published)
    assert (project / "site" / "index.html").is_file()
