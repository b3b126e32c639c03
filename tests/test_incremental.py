"""``mkdocs build/serve --dirty``: after editing one record only the pages whose Markdown changed
are rebuilt, and they come out byte-identical to a full build."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.sitebuild import copy_project, mkdocs_env

EDITED = "raqqa-abzugsverhandlungen"
UNTOUCHED = "mayadin-t2-naechste-ziele"


def build(project: Path, site: Path, *extra: str) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(site), *extra], cwd=project,
                            env=mkdocs_env(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr


def pages(site: Path) -> dict[Path, bytes]:
    # The search index and sitemap of a --dirty *build* hold only what was rebuilt (a MkDocs and
    # Material limitation; `serve --dirty` keeps the previous index); pages are what must match.
    return {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_dirty_rebuild_skips_unchanged_pages_and_matches_a_full_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    incremental = project / "site"
    build(project, incremental, "--dirty")
    assert (project / ".cache" / "factcheck" / "claims" / f"{EDITED}.md").is_file()
    assert not list((project / "content").rglob(".cache")), "the cache never goes into the docs folder"
    untouched = incremental / "claims" / UNTOUCHED / "index.html"
    before = untouched.stat().st_mtime_ns
    time.sleep(1.1)  # file systems with one-second timestamps

    record = project / "content" / "claims" / f"{EDITED}.yml"
    text = record.read_text(encoding="utf-8")
    start = text.index("\nsummary:")
    end = text.index("\n", start + 1)
    record.write_text(text[:start] + "\nsummary: Neu formuliertes Fazit für den Test." + text[end:], encoding="utf-8")
    build(project, incremental, "--dirty")

    assert untouched.stat().st_mtime_ns == before, "an unchanged claim page was rebuilt"
    edited = (incremental / "claims" / EDITED / "index.html").read_text(encoding="utf-8")
    assert "Neu formuliertes Fazit für den Test." in edited
    full = tmp_path / "full"
    build(project, full)
    assert pages(incremental) == pages(full)
