"""Build a site from any content tree (e.g. tests/fixtures/mini) with the repository's mkdocs.yml,
minus its navigation (which names the repository's hand-written pages)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sitebuild import ROOT, mkdocs_env


def write_config(content: Path, dest: Path, extra: str = "", *, factcheck: str = "") -> Path:
    """``factcheck``: options of our plugin as YAML lines, e.g. ``"drafts: always"``."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
    if factcheck:
        assert config.count("\n  - factcheck\n") == 1, "mkdocs.yml names the plugin differently now"
        options = "".join(f"\n      {line}" for line in factcheck.splitlines())
        config = config.replace("\n  - factcheck\n", f"\n  - factcheck:{options}\n")
    config = config.replace("docs_dir: content", f"docs_dir: {content}")
    config = config.replace("custom_dir: theme_overrides", f"custom_dir: {ROOT / 'theme_overrides'}")
    path = dest / "mkdocs.yml"
    path.write_text(config + extra, encoding="utf-8")
    return path


def build_content(content: Path, dest: Path, *, extra_config: str = "", factcheck: str = "") -> Path:
    """``mkdocs build --strict`` of ``content`` into ``dest/site``; returns the site folder."""
    dest.mkdir(parents=True, exist_ok=True)
    config = write_config(content, dest, extra_config, factcheck=factcheck)
    site = dest / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                            cwd=dest, env=mkdocs_env(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return site
