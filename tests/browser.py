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


def header_search(page, query: str, *, timeout_ms: int = 15_000):
    """Search ``query`` with the site's header search (Pagefind, theme_overrides/partials/
    pagefind-search.html) as a reader does: open it, type key by key. Returns the result links,
    once the first is shown."""
    page.locator(".fc-search__toggle").click()
    field = page.locator("#fc-search-input")
    field.wait_for(state="visible", timeout=timeout_ms)
    field.press_sequentially(query, delay=30)
    links = page.locator(".fc-search__result .fc-search__link")
    links.first.wait_for(state="visible", timeout=timeout_ms)
    page.wait_for_timeout(300)  # the rest of the first ten results arrive
    return links
