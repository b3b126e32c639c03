"""Page bodies rendered by a process beside MkDocs' page loop (``generator/ahead.py``)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import ahead
from generator.errors import FactcheckError, Problem
from generator.pipeline import Site, build_site
from tests.conftest import ROOT
from tests.sitebuild import copy_project, mkdocs_env

SITE_URL = "https://example.github.io/faktenchecks/"


def _processes() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "factcheck-bodies"]


@pytest.fixture()
def site() -> Site:
    return build_site(ROOT / "content", site_url=SITE_URL)


def _take(job: ahead.BodiesBeside, src_uri: str) -> ahead.Rendered | None:
    """``take`` in a thread that may not hang: a test fails instead of waiting forever."""
    got: list[ahead.Rendered | None] = []
    taker = threading.Thread(target=lambda: got.append(job.take(src_uri)), daemon=True)
    taker.start()
    taker.join(timeout=60)
    assert not taker.is_alive(), f"take({src_uri!r}) hangs"
    return got[0]


def test_every_body_comes_from_the_process_beside_and_is_what_the_build_would_render(
        site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order = list(site.specs)
    expected = {src_uri: site.finish(site.body(src_uri)) for src_uri in order}
    job = ahead.BodiesBeside.start(site, order, tmp_path / "cache")
    assert job is not None
    # In this process only: the child is forked already, with the real renderer.
    monkeypatch.setattr(Site, "body", lambda self, src_uri: pytest.fail(f"{src_uri} rendered in the build's process"))
    for src_uri in order:
        rendered = _take(job, src_uri)
        assert rendered is not None, src_uri
        assert (rendered.content, rendered.headings) == expected[src_uri], src_uri
    assert job.taken == len(order) and job.seconds is not None and job.seconds > 0
    assert not _processes(), "the process ends once every body is taken"
    assert list((tmp_path / "cache").iterdir()) == [], "the spool file is anonymous and closed"


def test_a_page_asked_for_out_of_order_is_rendered_here_and_the_process_stopped(site: Site, tmp_path: Path) -> None:
    order = list(site.specs)
    job = ahead.BodiesBeside.start(site, order, tmp_path)
    assert job is not None
    assert _take(job, order[0]) is not None
    assert _take(job, order[2]) is None
    assert not _processes()
    assert _take(job, order[1]) is None, "once out of order, every page is rendered in the build's process"


def test_a_page_the_process_cannot_render_is_left_to_the_build(site: Site, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A template error in the process: the pages before it come from there; that page is rendered
    by the build, which raises the error with its file and line as without the process."""
    order = list(site.specs)
    real = Site.body

    def broken(self: Site, src_uri: str) -> str:
        if src_uri == order[2]:
            raise FactcheckError([Problem("fc/claim.html", 3, "-", "broken")])
        return real(self, src_uri)

    monkeypatch.setattr(Site, "body", broken)
    job = ahead.BodiesBeside.start(site, order, tmp_path)
    assert job is not None
    assert _take(job, order[0]) is not None and _take(job, order[1]) is not None
    assert _take(job, order[2]) is None
    assert not _processes()


def test_a_process_killed_midway_leaves_the_rest_to_the_build(site: Site, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    order = list(site.specs)
    real = Site.body

    def slow(self: Site, src_uri: str) -> str:
        if src_uri == order[1]:
            time.sleep(600)
        return real(self, src_uri)

    monkeypatch.setattr(Site, "body", slow)
    job = ahead.BodiesBeside.start(site, order, tmp_path)
    assert job is not None
    assert _take(job, order[0]) is not None
    (process,) = _processes()
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    assert _take(job, order[1]) is None
    assert not _processes()


def test_with_another_thread_running_nothing_is_forked(site: Site, tmp_path: Path) -> None:
    """Forking beside other threads (mkdocs serve: its server and file watcher) is unsafe."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert ahead.BodiesBeside.start(site, list(site.specs), tmp_path) is None
    finally:
        stop.set()
        other.join()
    assert not _processes()


def _build(project: Path, site: Path) -> tuple[dict[str, bytes], str]:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=project,
                            env=mkdocs_env(SITE_URL), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}, result.stderr


def test_the_built_site_is_the_same_with_bodies_rendered_beside_or_in_the_build(tmp_path: Path) -> None:
    """`mkdocs build` renders the generated pages' bodies beside its page loop; a hook that sees
    pages before they are themed (on_page_markdown) has them rendered in the build's own process,
    as it must see them. The two sites are the same bytes."""
    beside, beside_log = _build(copy_project(tmp_path / "beside"), tmp_path / "beside" / "site")
    project = copy_project(tmp_path / "inside")
    hook = tmp_path / "sees_pages.py"
    hook.write_text("def on_page_markdown(markdown, page, config, files):\n    return markdown\n", encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(f"\nhooks:\n  - {hook}\n")
    inside, inside_log = _build(project, project / "site")
    pages = sum(1 for name in beside if name.endswith("index.html") and not name.startswith("embed"))
    assert pages > 20
    found = [line for line in beside_log.splitlines() if "page bodies rendered in a process beside the pages" in line]
    assert len(found) == 1 and " of " in found[0]
    taken, _, total = found[0].split("factcheck: ")[1].split(" page bodies")[0].partition(" of ")
    assert taken == total and int(total) > 20, found[0]
    assert "page bodies rendered in a process beside" not in inside_log
    assert sorted(beside) == sorted(inside)
    different = [name for name in beside if beside[name] != inside[name]]
    assert different == []
