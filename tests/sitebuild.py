"""Build the repository's real site (mkdocs.yml + content/ + theme_overrides/) in a scratch folder.

Shared by the end-to-end tests: the build runs in a copy, so tests never touch the repository and
may edit records freely.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("mkdocs.yml",)
PROJECT_DIRS = ("content", "theme_overrides")
BUILD_TIMEOUT = 120


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("SITE_URL", None)  # the local default (the preview address) is what the tests expect
    return env


def copy_project(dest: Path) -> Path:
    """Copy mkdocs.yml, content/ and theme_overrides/ into ``dest`` (created if needed); returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, dest / name)
    return dest


def build_repo_site(dest: Path) -> Path:
    """Copy the project into ``dest`` and run ``mkdocs build --strict``; returns the built site folder."""
    copy_project(dest)
    site = dest / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                            cwd=dest, env=mkdocs_env(), capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, f"mkdocs build --strict failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert (site / "index.html").is_file(), f"no index.html in {site}"
    return site
