"""Build the repository's real site (mkdocs.yml + content/ + theme_overrides/) in a scratch folder.

Shared by the end-to-end tests: the build runs in a copy, so tests never touch the repository and
may edit records freely.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("mkdocs.yml",)
PROJECT_DIRS = ("content", "theme_overrides")
BUILD_TIMEOUT = 120


def mkdocs_env(site_url: str | None = None) -> dict[str, str]:
    """The environment of a build: ``SITE_URL`` only when given (mkdocs.yml reads it, as CI sets it);
    otherwise the local default (the preview address), which is what most tests expect."""
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("SITE_URL", None)
    if site_url is not None:
        env["SITE_URL"] = site_url
    return env


def copy_project(dest: Path) -> Path:
    """Copy mkdocs.yml, content/ and theme_overrides/ into ``dest`` (created if needed); returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, dest / name)
    return dest


def build_repo_site(dest: Path, *, site_url: str | None = None, site: Path | None = None,
                    prepare: Callable[[Path], None] | None = None) -> Path:
    """Copy the project into ``dest`` and run ``mkdocs build --strict``; returns the built site folder
    (``site``, default ``dest/site``). ``prepare`` may change the copy (e.g. its content) first."""
    copy_project(dest)
    if prepare is not None:
        prepare(dest)
    site = site or dest / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=dest,
                            env=mkdocs_env(site_url), capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, f"mkdocs build --strict failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert (site / "index.html").is_file(), f"no index.html in {site}"
    return site
