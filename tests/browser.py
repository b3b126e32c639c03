"""Helpers for the browser tests: serve a built site on 127.0.0.1 and drive Chromium.

Playwright cannot download its own browsers here, so we point it at the binary named by the
environment variable CHROMIUM, or Debian's /usr/bin/chromium (installed by .ci/run); GitHub's runner
sets CHROMIUM to its Google Chrome (.github/workflows/checks.yml). The one place that reads it is
benchmarks/first_search.py. If the browser is missing the tests fail: a skipped browser test would
hide a broken site.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# One static server and one browser path for the tests and the benchmark.
from benchmarks.first_search import CHROMIUM, serve  # noqa: F401

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM to a Chromium binary")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
