"""End-to-end: the live preview. ``mkdocs serve`` on a copy of the project must pick up an edited
record on every page that shows it, survive a broken record (and say where the problem is), and
recover once the record is fixed.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
import yaml

from tests.conftest import MINI
from tests.minisite import write_config
from tests.sitebuild import copy_project, mkdocs_env

START_TIMEOUT = 60
CHANGE_TIMEOUT = 60
HTTP_TIMEOUT = 10


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """(status, body); status 0 when the server did not answer."""
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


class Server:
    def __init__(self, proc: subprocess.Popen, log: Path, base: str) -> None:
        self.proc, self.log, self.base = proc, log, base

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = CHANGE_TIMEOUT) -> float:
        """Poll ``check`` until it holds; fails (with the log tail) after ``timeout`` s or if the server dies."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            assert self.alive(), f"mkdocs serve exited ({self.proc.returncode}) while waiting for {what}:\n{self.log_text()[-3000:]}"
            if check():
                return time.monotonic() - start
            time.sleep(0.3)
        pytest.fail(f"timed out after {timeout} s waiting for {what}; server log tail:\n{self.log_text()[-3000:]}")


@contextmanager
def mkdocs_serve(project: Path) -> Iterator[Server]:
    port = free_port()
    log = project / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
            cwd=project, env=mkdocs_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)  # own process group: killed as a whole below
    try:
        yield Server(proc, log, f"http://127.0.0.1:{port}/")
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is None:  # ignored SIGTERM: kill the group (our own session, started above)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def set_field(path: Path, key: str, value: str) -> None:
    """Replace the top-level one-line ``key: ...`` of a record."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"^{re.escape(key)}: .*$", f"{key}: {value}", text, flags=re.MULTILINE)
    assert count == 1, f"{path}: top-level {key!r} occurs {count} times"
    path.write_text(new, encoding="utf-8")


def verdict_box(html: str) -> str:
    m = re.search(r'<div class="fc-verdict-box".*?</div>', html, flags=re.DOTALL)
    return m.group(0) if m else ""


def heading(html: str) -> str:
    """The page's <h1> text, without the permalink."""
    m = re.search(r"<h1[^>]*>(.*?)(?:<a class=\"headerlink\".*?)?</h1>", html, flags=re.DOTALL)
    return unescape(m.group(1)).strip() if m else ""


def section(html: str, heading_text: str) -> str:
    """The HTML from the <h2> whose text starts with ``heading_text`` to the next <h2> (or the end)."""
    m = re.search(rf"<h2[^>]*>\s*{re.escape(heading_text)}.*?(?=<h2|</article>|$)", html, flags=re.DOTALL)
    return m.group(0) if m else ""


def entry(html: str, claim_id: str) -> tuple[str, str]:
    """(linked title, badge verdict) of the first listing entry (a list item, or a card on the front
    page) that links to ``claim_id``; ("", "") if none."""
    for li in (m.group(0) for m in re.finditer(r"<(li|article)\b[^>]*>(?:(?!</\1>).)*</\1>", html, flags=re.DOTALL)):
        link = re.search(rf'<a href="(?:[^"]*/)?{re.escape(claim_id)}/">([^<]*)</a>', li)
        if link:
            badge = re.search(r'class="fc-badge" data-verdict="([^"]*)"', li)
            return unescape(link.group(1)).strip(), badge.group(1) if badge else ""
    return "", ""


def pick_target(claims_dir: Path) -> tuple[str, str]:
    """A published claim that another record names under ``related:`` (the newest such), and that record."""
    records = {p.stem: _load(p) for p in sorted(claims_dir.glob("*.yml"))}
    published = {cid: r for cid, r in records.items() if r.get("status") == "published"}
    pairs = [(cid, other) for cid in published for other in sorted(published)
             if other != cid and cid in (published[other].get("related") or [])]
    assert pairs, "no published record names another under related:"
    newest = max(str(published[cid]["published"]) for cid, _ in pairs)
    return next((cid, other) for cid, other in pairs if str(published[cid]["published"]) == newest)


def test_live_preview_follows_record_edits(tmp_path: Path) -> None:
    t0 = time.monotonic()
    project = copy_project(tmp_path / "project")
    content = project / "content"
    target, referrer = pick_target(content / "claims")
    record_path = content / "claims" / f"{target}.yml"
    record = _load(record_path)
    old_verdict, old_title = record["verdict"], record["title"]
    language = _load(content / "site.yml").get("language", "de")
    labels = {v["key"]: v["label"].get(language) or v["label"]["en"]
              for v in _load(content / "verdicts.yml")["verdicts"]}
    new_verdict = next(k for k in labels if k != old_verdict)
    new_title = f"Livevorschau Testtitel {os.getpid()} {time.time_ns()}"

    with mkdocs_serve(project) as srv:
        claim_url = f"{srv.base}claims/{target}/"
        listing_url = f"{srv.base}verdicts/{new_verdict}/"
        old_listing_url = f"{srv.base}verdicts/{old_verdict}/"
        related_url = f"{srv.base}claims/{referrer}/"
        home_url = srv.base

        srv.wait_for("the first build", lambda: fetch(claim_url)[0] == 200, timeout=START_TIMEOUT)
        status, html = fetch(claim_url)
        assert heading(html) == old_title and f'data-verdict="{old_verdict}"' in verdict_box(html)
        assert entry(section(fetch(related_url)[1], "Verwandte Faktenchecks"), target) == (old_title, old_verdict)
        assert entry(fetch(home_url)[1], target) == (old_title, old_verdict)

        # -- a valid edit reaches every page that shows the claim ----------------------------
        started = time.monotonic()
        set_field(record_path, "title", f'"{new_title}"')
        set_field(record_path, "verdict", new_verdict)

        def claim_page_updated() -> bool:
            status, html = fetch(claim_url)
            box = verdict_box(html)
            return (status == 200 and heading(html) == new_title and f'data-verdict="{new_verdict}"' in box
                    and labels[new_verdict] in box)

        srv.wait_for("(a) the claim page to show the new title and verdict label", claim_page_updated)
        srv.wait_for(f"(b) {listing_url} to list the new title",
                     lambda: entry(fetch(listing_url)[1], target) == (new_title, new_verdict))
        status, html = fetch(old_listing_url)
        assert status == 200 and entry(html, target) == ("", ""), \
            f"{old_listing_url} still lists the claim after its verdict changed: {entry(html, target)}"
        srv.wait_for(f"(c) {related_url} to show the new title under 'Verwandte Faktenchecks'",
                     lambda: entry(section(fetch(related_url)[1], "Verwandte Faktenchecks"), target)
                     == (new_title, new_verdict))
        srv.wait_for("(d) the home page to show the new title",
                     lambda: entry(fetch(home_url)[1], target) == (new_title, new_verdict))
        edit_latency = time.monotonic() - started

        # -- a broken record: the server keeps running and names the file and the field ----------
        log_mark = len(srv.log_text())
        set_field(record_path, "verdict", "not-a-verdict")

        def error_logged() -> bool:
            text = srv.log_text()[log_mark:]
            return f"{target}.yml" in text and "verdict" in text and "not-a-verdict" in text

        srv.wait_for("the log to report the broken verdict", error_logged)
        time.sleep(3)
        assert srv.alive(), f"mkdocs serve died on a broken record:\n{srv.log_text()[-3000:]}"
        new_log = srv.log_text()[log_mark:]
        assert re.search(rf"{re.escape(target)}\.yml:\d+: verdict:", new_log), \
            f"the error does not name file, line and field:\n{new_log}"

        # -- fixed again: the page is back --------------------------------------------------
        set_field(record_path, "verdict", old_verdict)

        def restored() -> bool:
            status, html = fetch(claim_url)
            return status == 200 and f'data-verdict="{old_verdict}"' in verdict_box(html) and heading(html) == new_title

        srv.wait_for("the claim page to come back after the fix", restored)
        assert srv.alive()
    assert srv.proc.poll() is not None, "mkdocs serve still running after the test"
    print(f"\n{target}: first build + edits {time.monotonic() - t0:.1f} s; edit → all pages {edit_latency:.1f} s")


def test_served_drafts_have_no_claimreview(tmp_path: Path) -> None:
    """Under serve a draft has its page (with the banner) but no ClaimReview in its <head>."""
    project = tmp_path / "project"
    project.mkdir()
    write_config(MINI, project)
    with mkdocs_serve(project) as srv:
        draft, published = f"{srv.base}claims/strassen-trocken/", f"{srv.base}claims/rathaus-blau/"
        srv.wait_for("the first build", lambda: fetch(draft)[0] == 200, timeout=START_TIMEOUT)
        html = fetch(draft)[1]
        assert "Entwurf – nicht veröffentlicht" in html
        assert "application/ld+json" not in html[: html.index("</head>")]
        html = fetch(published)[1]
        assert html[: html.index("</head>")].count('<script type="application/ld+json">') == 1
