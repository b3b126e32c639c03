"""What a reader's browser downloads for the first search on a built site, measured in Chromium.

    python benchmarks/first_search.py SITE_DIR QUERY --backend pagefind   # or --backend material

Serves ``SITE_DIR`` on 127.0.0.1, opens the home page in headless Chromium (Debian's, at
``/usr/bin/chromium`` or ``$CHROMIUM``), searches the way a reader does (Material: click the header's
search field and type; Pagefind: open the header search of ``theme_overrides`` and type) and waits
for the results. It prints JSON: the bytes of every file the search needed, their total, and the
number of results shown.

Self-contained (it imports nothing from ``tests/``); the browser tests serve their sites with this
module's ``serve``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]

Backend = Literal["material", "pagefind"]

SEARCH_ASSETS: dict[str, re.Pattern[str]] = {
    "material": re.compile(r"(^|/)(search/search_index\.json|assets/javascripts/(workers/search\.|lunr/))"),
    "pagefind": re.compile(r"(^|/)pagefind/"),
}
"""Files that belong to a backend's search even when fetched before the reader starts searching:
Material's page script fetches its whole index and worker as soon as a page loads."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, uncompressed; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def measure_first_search(site_dir: Path, query: str, *, backend: Backend, timeout_s: float = 60) -> dict[str, Any]:
    """Bytes the browser transfers for the first search of ``query`` on the built site ``site_dir``.

    Counted: every response to a request made after the page finished loading and the reader
    started the search (index chunks, JS, WASM, result fragments), plus the backend's search files
    fetched earlier (Material loads ``search_index.json`` and its worker with every page). Sizes are
    the encoded (on-the-wire) body sizes Chromium reports; this server sends no compression, so they
    equal the decoded sizes. A fresh browser context: nothing is cached.

    Returns ``{"backend", "query", "files": {site path: bytes}, "total_bytes", "requests",
    "results", "results_total", "seconds"}``; ``results`` is the number of results shown,
    ``results_total`` the number the page reports (``None`` if it shows none as a number).
    """
    if backend not in SEARCH_ASSETS:
        raise ValueError(f"backend must be 'material' or 'pagefind', not {backend!r}")
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir} has no index.html: build the site first")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM to a Chromium binary")
    with serve(site_dir) as base, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
            context.set_default_timeout(timeout_s * 1000)
            page = context.new_page()
            return _measure(page, base, query, backend)
        finally:
            chromium.close()


def _measure(page: Any, base: str, query: str, backend: Backend) -> dict[str, Any]:
    late: set[Any] = set()  # requests made after the search started
    in_flight: set[Any] = set()
    responses: list[Any] = []
    started = False

    def on_request(request: Any) -> None:
        in_flight.add(request)
        if started:
            late.add(request)

    page.on("request", on_request)
    page.on("requestfinished", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: in_flight.discard(r))
    page.on("response", lambda r: responses.append(r))
    page.goto(base, wait_until="load")
    page.wait_for_load_state("networkidle")  # Material's search is ready (and the page is idle)
    began = time.perf_counter()
    started = True
    field = _open_search(page, backend)
    field.press_sequentially(query, delay=30)  # both UIs react to key events, not to fill()
    results, total = _wait_for_results(page, backend)
    _settle(page, in_flight)  # e.g. the fragments of the shown results
    seconds = time.perf_counter() - began
    files: dict[str, int] = {}
    for response in responses:
        path = urlsplit(response.url).path.lstrip("/")
        if response.url.startswith(base) and (response.request in late or SEARCH_ASSETS[backend].search(path)):
            files[path] = files.get(path, 0) + _body_size(response)
    return {"backend": backend, "query": query, "files": dict(sorted(files.items(), key=lambda kv: -kv[1])),
            "total_bytes": sum(files.values()), "requests": len(files), "results": results,
            "results_total": total, "seconds": round(seconds, 2)}


def _settle(page: Any, in_flight: set[Any], quiet_ms: int = 500, limit_ms: int = 30_000) -> None:
    """Wait until no request has been open for ``quiet_ms`` (Playwright's networkidle fires once per page)."""
    quiet = waited = 0
    while quiet < quiet_ms and waited < limit_ms:
        page.wait_for_timeout(50)
        waited += 50
        quiet = quiet + 50 if not in_flight else 0


def _open_search(page: Any, backend: Backend) -> Any:
    if backend == "material":
        field = page.locator("input.md-search__input")
        if not field.is_visible():  # narrow layout: the input hides behind the header's search toggle
            page.locator("label.md-header__button[for='__search']").click()
    else:
        field = page.locator("#fc-search-input")
        page.locator(".fc-search__toggle").click()
    field.click()
    return field


def _wait_for_results(page: Any, backend: Backend) -> tuple[int, int | None]:
    if backend == "material":
        items, status = ".md-search-result__item", ".md-search-result__meta"
    else:
        items, status = ".fc-search__result", ".fc-search__status"
    before = page.locator(status).text_content() or ""
    # Results shown, or a status that changed to a count-less message ("no results").
    page.wait_for_function("([items, status, before]) => document.querySelector(items) !== null"
                           " || ((document.querySelector(status)?.textContent ?? before) !== before"
                           " && !/\\d/.test(document.querySelector(status).textContent))",
                           arg=[items, status, before])
    text = page.locator(status).text_content() or ""
    number = re.search(r"\d[\d.,]*", text)
    return page.locator(items).count(), int(re.sub(r"\D", "", number.group())) if number else None


def _body_size(response: Any) -> int:
    try:
        size = int(response.request.sizes()["responseBodySize"])
    except Exception:  # noqa: BLE001 - sizes are not reported for every response
        size = 0
    if size > 0:
        return size
    try:  # worker scripts report 0: count their (here identical) decoded body
        return len(response.body())
    except Exception:  # noqa: BLE001 - e.g. a redirect has no body
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site_dir", type=Path, help="a built site (mkdocs build -d SITE_DIR)")
    parser.add_argument("query", help="what the reader types, e.g. a word of a claim title")
    parser.add_argument("--backend", choices=sorted(SEARCH_ASSETS), required=True)
    parser.add_argument("--timeout", type=float, default=60, help="seconds for each wait (default 60)")
    args = parser.parse_args(argv)
    result = measure_first_search(args.site_dir, args.query, backend=args.backend, timeout_s=args.timeout)
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
