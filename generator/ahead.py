"""Render stage, beside MkDocs: page bodies rendered on the other core while MkDocs builds pages.

MkDocs reads every page, then themes and writes every page, one at a time on one core; each
generated page's body (its template, then heading ids: ``Site.body`` and ``Site.finish``) was
~10 s of that at 10,000 claims. Under ``mkdocs build``, when no other plugin or hook sees pages
before they are themed, a process forked once the page list is final (on_nav) renders the bodies
in the order MkDocs will theme them and appends each to a spool file. The pages are read and
rendered empty (``GeneratedPage.rendered_beside``), and each takes its content from the spool
when MkDocs themes it (``GeneratedPage.fill``, from the plugin's on_page_context): by then the
process has had all of MkDocs' reading loop to get ahead.

Why a spool file and not a pipe: a pipe holds 64 kB, so a child writing into one could never get
more than a few pages ahead and would live as long as the page loop. Forked late, it shares the
build's memory, and every page either process then touches is copied for one of them; the
sooner it is done and gone, the less of that there is, and it is gone long before MkDocs' own
peak at the end of the build. The file is anonymous (removed when closed), in the build cache
folder, each body deflated. A pipe carries one byte per body written, so the build never reads
what is not there yet.

Nothing depends on the child for correctness: a page asked for out of order, a child that fails
or dies, or a platform without fork means the page is rendered in-process as before (a template
error is then raised there, with its file and line).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from .cards import DEFLATER
from .headings import Heading

if TYPE_CHECKING:
    from .pipeline import Site

_DEFLATE = DEFLATER.module

WRITTEN, END, FAILED = b".", b"E", b"!"
"""What the pipe carries: one body appended; every body appended (a last entry holds the child's
seconds); the child stopped at a page it could not render."""


class Rendered(NamedTuple):
    """One page's HTML as ``Site.finish`` made its body (heading ids, permalinks), and its headings."""

    content: str
    headings: tuple[Heading, ...]


class BodiesBeside:
    """The bodies of ``order`` (src_uris, in the order MkDocs reads them), rendered by a process of
    its own. ``take`` them in that order; ``close`` when the build ends (or fails)."""

    def __init__(self, site: Site, order: list[str], folder: Path) -> None:
        self.order = order
        self.taken = 0
        self.seconds: float | None = None
        """The child's own time, once it reported having rendered every body."""
        self.waited = 0.0
        """Seconds the build waited for a body not yet written."""
        self._available = 0
        self._finished = False
        self._offset = 0
        self._spool = _spool(folder)
        read_end, write_end = os.pipe()
        fork = multiprocessing.get_context("fork")
        self._process: multiprocessing.process.BaseProcess | None = fork.Process(
            target=_render_all, args=(site, order, self._spool.fileno(), write_end, read_end),
            name="factcheck-bodies", daemon=True)
        self._process.start()
        os.close(write_end)
        self._signals: int | None = read_end

    @classmethod
    def start(cls, site: Site, order: list[str], folder: Path) -> BodiesBeside | None:
        """The job, or None where forking is unsafe (another thread runs, e.g. under ``mkdocs
        serve``) or impossible (not Linux), or there is nothing to render."""
        if not order or sys.platform != "linux" or threading.active_count() > 1:
            return None
        try:
            return cls(site, order, folder)
        except OSError:  # no temporary file or pipe to be had: the build renders them itself
            return None

    def take(self, src_uri: str) -> Rendered | None:
        """The next body if it is ``src_uri``'s; None (from then on) if MkDocs asks for another page,
        or the child failed: the caller renders it itself."""
        if self._signals is None or self.taken >= len(self.order) or self.order[self.taken] != src_uri:
            self.close()
            return None
        if not self._available and not self._wait():
            self.close()
            return None
        self._available -= 1
        uri, content, headings = pickle.loads(_DEFLATE.decompress(self._read_entry()))
        if uri != src_uri:  # cannot happen unless the spool is corrupt: render it here instead
            self.close()
            return None
        self.taken += 1
        if self.taken == len(self.order):
            self._finish()
        return Rendered(content, headings)

    def _wait(self) -> bool:
        """Block until the child has written another body; False if none will come."""
        assert self._signals is not None
        start = time.perf_counter()
        while not self._available and not self._finished:
            chunk = os.read(self._signals, 65536)
            if not chunk:  # the child ended without saying so (killed)
                self._finished = True
            self._available += chunk.count(WRITTEN)
            if END in chunk or FAILED in chunk:
                self._finished = True
        self.waited += time.perf_counter() - start
        return self._available > 0

    def _read_entry(self) -> bytes:
        fd = self._spool.fileno()
        size = int.from_bytes(os.pread(fd, 4, self._offset), "little")
        data = _pread_all(fd, size, self._offset + 4)
        self._offset += 4 + size
        return data

    def _finish(self) -> None:
        """Every body was taken: read the child's report and let it go."""
        assert self._signals is not None
        while not self._finished:
            self._wait()
        try:
            self.seconds = float(pickle.loads(self._read_entry()))
        except (EOFError, pickle.UnpicklingError, ValueError):  # no report: it was killed
            self.seconds = None
        self.close()

    def close(self) -> None:
        """Stop the child if it still runs, and remove the spool file. Safe to call twice."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._signals is not None:
            os.close(self._signals)
            self._signals = None
        if not self._spool.closed:
            self._spool.close()


def _spool(folder: Path) -> IO[bytes]:
    """An anonymous file in ``folder`` (the build cache), else in the system's temporary folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryFile(dir=folder, prefix=".bodies-")
    except OSError:  # a cache folder that cannot be written
        return tempfile.TemporaryFile(prefix="factcheck-bodies-")


def _pread_all(fd: int, size: int, offset: int) -> bytes:
    parts, done = [], 0
    while done < size:
        part = os.pread(fd, size - done, offset + done)
        if not part:
            raise EOFError("the spool file ended early")
        parts.append(part)
        done += len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def _render_all(site: Site, order: list[str], spool: int, signals: int, other_end: int) -> None:
    """The child: every body of ``order``, appended to the spool, one signal byte each."""
    os.close(other_end)
    gc.disable()  # its objects are frozen in the build already; a collection would only copy pages
    start, offset = time.process_time(), 0
    try:
        for src_uri in order:
            content, headings = site.finish(site.body(src_uri))
            data = _DEFLATE.compress(pickle.dumps((src_uri, content, headings), pickle.HIGHEST_PROTOCOL), 1)
            _write_all(spool, len(data).to_bytes(4, "little") + data, offset)
            offset += 4 + len(data)
            os.write(signals, WRITTEN)
    except Exception:  # the build renders this page itself, and reports the error there
        os.write(signals, FAILED)
        return
    report = pickle.dumps(time.process_time() - start)
    _write_all(spool, len(report).to_bytes(4, "little") + report, offset)
    os.write(signals, END)
