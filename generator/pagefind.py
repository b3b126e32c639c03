"""Search with Pagefind: one record per shown claim, written as a chunked static index.

Material's search index is one JSON file that the browser downloads whole before the first
result (20 MB at 10,000 claims). Pagefind splits its index into chunks and loads only the ones a
query needs, so the first search stays small at any size. Records are built from the graph, not
scraped from the built HTML: the graph already says what a reader searches by, and indexing
10,000 pages of HTML took 4 GB of memory.

Imports no MkDocs; the ``pagefind`` package is imported only when an index is written, so sites
that keep Material's search do not need it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .graph import Graph
from .i18n import Labels
from .textdir import direction

if TYPE_CHECKING:
    from pagefind.service import PagefindService

BUNDLE_DIR = "pagefind"
"""Folder in the site where the bundle goes; the theme's search partial loads it from there."""

RESPONSE_TIMEOUT_S = 120.0
"""Longest wait for one answer of the pagefind process (the bundle of 10,000 records takes seconds)."""


class PagefindError(RuntimeError):
    """Pagefind is missing or failed; the message says what to do."""


@dataclass(frozen=True)
class SearchRecord:
    """One search result: a claim page and the text it is found by."""

    url: str
    """Site-relative URL of the claim page (``claims/<id>/``); Pagefind prefixes the site's base."""
    title: str
    content: str
    """Plain text that is indexed and excerpted; Pagefind stores it unescaped."""
    language: str
    meta: dict[str, str]
    """Shown with the result: title, verdict, claimant, date (ISO), colour (the verdict's)."""

# No Pagefind filters (verdict, topic, claimant) yet: the header search offers none, and pagefind 1.5
# writes filter chunks in varying order (Pagefind/pagefind#638), which would make two builds of the
# same records differ. Without them the bundle is the same bytes every time (tested).


def search_records(graph: Graph, *, directory_urls: bool) -> list[SearchRecord]:
    """One record per claim in ``graph.claims`` (only the shown ones are there), sorted by id."""
    labels = Labels(graph.site.language)
    return [_record(graph, cid, labels, directory_urls) for cid in sorted(graph.claims)]


def _record(graph: Graph, claim_id: str, labels: Labels, directory_urls: bool) -> SearchRecord:
    claim = graph.claims[claim_id]
    verdict = graph.verdicts[claim.verdict]
    verdict_label = labels.pick(verdict.label)
    claimant = graph.claimants[claim.claim.claimant].name
    topics = [labels.pick(graph.topics[t].label) for t in claim.topics]
    translations = [claim.claim.translation[lang] for lang in sorted(claim.claim.translation)]
    # What a reader searches by. The analysis and the evidence stay out: they name many other
    # places and people, and a claim would turn up for words it only mentions in passing.
    parts = [claim.title, claim.claim.text, *translations, claim.summary, verdict_label, claimant, *topics]
    return SearchRecord(
        url=paths.url(paths.claim(claim_id), directory_urls),
        title=claim.title,
        content="\n".join(parts),
        language=graph.site.language,
        # lang/dir of the claim's text, for the result that quotes it (an Arabic claim reads right to left).
        meta={"title": claim.title, "verdict": verdict_label, "claimant": claimant,
              "date": claim.published.isoformat(), "colour": verdict.colour,
              "lang": claim.claim.language, "dir": direction(claim.claim.language)},
    )


def write_index(records: list[SearchRecord], site_dir: Path, *, language: str) -> dict[str, Any]:
    """Write the Pagefind bundle of ``records`` to ``site_dir/pagefind``; returns its stats.

    Raises ``PagefindError`` when the package or its binary is missing or the binary fails.
    """
    return IndexJob(records, language=language).write(site_dir)


class IndexJob:
    """A bundle being built in the background, from the moment the records are known.

    The work happens in the pagefind process, on another core, while MkDocs (single-threaded)
    renders the pages; ``write`` waits for it and writes the files once MkDocs has filled site_dir.
    At 10,000 claims that hides the ~6 s of indexing inside the build.
    """

    def __init__(self, records: list[SearchRecord], *, language: str) -> None:
        executable = _executable()  # a missing binary is reported at once, in the caller's thread
        self.records = len(records)
        self._start = time.perf_counter()
        self._files: dict[str, bytes] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(records, language, executable),
                                        name="pagefind-index", daemon=True)
        self._thread.start()

    def _run(self, records: list[SearchRecord], language: str, executable: Path) -> None:
        try:
            self._files = asyncio.run(_build(records, language, executable))
        except BaseException as exc:  # handed to write(), in the caller's thread
            self._error = exc

    def write(self, site_dir: Path, *, previous: IndexJob | None = None) -> dict[str, Any]:
        """Wait for the bundle and write it. With the ``previous`` job whose bundle is in place
        (``mkdocs serve --dirty`` keeps site_dir), only files that changed are written: an edit
        changes a handful of Pagefind's ~10,000 files at 10,000 claims."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        out = (site_dir / BUNDLE_DIR).resolve()
        try:
            _write_files(self._files, out, previous._files if previous is not None else None)
        except OSError as exc:
            raise PagefindError(f"could not write the search index to {out}: {exc}") from None
        return {"records": self.records, "seconds": round(time.perf_counter() - self._start, 2),
                "bytes": sum(len(data) for data in self._files.values()), "files": len(self._files)}


def _write_files(files: dict[str, bytes], out: Path, written: dict[str, bytes] | None = None) -> None:
    """Write ``files`` into ``out``; ``written``: what is there already (from the previous build)."""
    if written is None or not out.is_dir():
        if out.is_dir():  # a bundle of an earlier build would leave stale chunks beside the new ones
            shutil.rmtree(out)
        written = {}
    for name in written.keys() - files.keys():
        (out / name).unlink(missing_ok=True)
    for name, data in files.items():
        target = (out / name).resolve()
        if not target.is_relative_to(out):
            raise PagefindError(f"pagefind returned a file outside its folder: {name!r}")
        if written.get(name) == data and target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _executable() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise PagefindError("search: pagefind needs the Python package 'pagefind[bin]': "
                            "pip install 'pagefind[bin]' (or pip install -e . in this repository)") from None
    found = get_executable()
    if found is None or not found.is_file():
        where = f" (looked at {found})" if found is not None else ""
        raise PagefindError(f"the pagefind binary was not found{where}: pip install 'pagefind[bin]', "
                            "or point PAGEFIND_BINARY_PATH at a pagefind executable")
    return found


async def _build(records: list[SearchRecord], language: str, executable: Path) -> dict[str, bytes]:
    """The bundle's files (path inside the bundle → bytes), built by a pagefind process.

    The files come back in memory and we write them: pagefind's own writing answers before its
    (unflushed) writes are done, and a process ended right then leaves empty or cut files (seen in
    2 bundles of 40, and again when letting it exit in order).
    """
    service = _service_class()()
    try:
        await service.launch()
    except OSError as exc:
        raise PagefindError(f"could not start pagefind ({executable}): {exc}") from None
    try:
        index = await _call(service, service.create_index({"force_language": language}))
        # All requests are written at once, in id order, and then awaited together: one round trip
        # per record would wait on this thread getting the GIL back from MkDocs each time (at
        # 10,000 records under `mkdocs serve`, seconds). The bundle is the same bytes either way
        # (pagefind handles the messages in the order they arrive; tested).
        await _call(service, asyncio.gather(*(index.add_custom_record(url=record.url, content=record.content,
                                                                      language=record.language, meta=record.meta)
                                              for record in records)))
        files = await _call(service, index.get_files())
    finally:
        await service.close()
    return {file["path"]: file["content"] for file in sorted(files, key=lambda f: f["path"])}


async def _call(service: Any, step: Any) -> Any:
    """Await one request to the pagefind process; its failures become a ``PagefindError``."""
    try:
        return await asyncio.wait_for(step, RESPONSE_TIMEOUT_S)
    except PagefindError:
        raise
    except asyncio.TimeoutError:
        raise PagefindError(f"pagefind did not answer within {RESPONSE_TIMEOUT_S:.0f} s") from None
    except ConnectionError:  # it died before reading the request: its own last words say why
        raise await service.failure() from None
    except Exception as exc:  # the service reports errors as bare Exception(message, request)
        raise PagefindError(f"pagefind failed: {exc.args[0] if exc.args else exc}") from None


def _service_class() -> type[PagefindService]:
    from pagefind.service import PagefindService

    class PromptService(PagefindService):
        """``PagefindService`` with its own reader of the process's answers.

        pagefind 1.5's reader sleeps 0.1 s before each answer, so 10,000 records would take 17
        minutes (Pagefind/pagefind#976); and it reads with a 2 MiB line limit, which the answer
        carrying a large site's bundle exceeds. This one reads in chunks without pausing, and
        fails the waiting requests with the process's own words when it dies instead of hanging.
        """

        async def _wait_for_responses(self) -> None:
            stdout = self._backend.stdout
            assert stdout is not None
            buffer = bytearray()
            while chunk := await stdout.read(1 << 20):
                searched = len(buffer)  # a big answer arrives in many chunks: look for its end in the new one only
                buffer += chunk
                while (end := buffer.find(b",", searched)) >= 0:
                    message = bytes(buffer[:end])
                    del buffer[:end + 1]
                    searched = 0
                    if not self._dispatch(message):  # stderr shares the pipe: a panic, not an answer
                        self._fail_all(self._exited(message + b"," + bytes(buffer) + await self._rest()))
                        return
            try:  # its exit code, for the message
                await asyncio.wait_for(self._backend.wait(), 1)
            except asyncio.TimeoutError:
                pass
            self._fail_all(self._exited(bytes(buffer)))

        def _dispatch(self, message: bytes) -> bool:
            try:
                response = json.loads(base64.b64decode(message, validate=True))
            except ValueError:
                return False
            if response is None:
                return True
            payload = response["payload"]
            message_id = response.get("message_id")
            if message_id is None and payload.get("original_message"):  # a request it could not parse
                message_id = json.loads(payload["original_message"]).get("message_id")
            future = self._responses.get(message_id)
            if future is None or future.done():
                return True
            if payload["type"] == "Error":
                future.set_exception(Exception(payload["message"], payload.get("original_message")))
            else:
                future.set_result(payload)
            return True

        async def _rest(self) -> bytes:
            """What the process still prints within a moment (the rest of a panic message)."""
            assert self._backend.stdout is not None
            data = b""
            try:
                while len(data) < 8192 and (chunk := await asyncio.wait_for(self._backend.stdout.read(4096), 0.5)):
                    data += chunk
            except asyncio.TimeoutError:
                pass
            return data

        def _exited(self, output: bytes) -> PagefindError:
            code = self._backend.returncode
            text = output.decode("utf-8", "replace").strip()[-1000:]
            return PagefindError("pagefind failed" + (f" (exit code {code})" if code is not None else "")
                                 + (f": {text}" if text else ""))

        def _fail_all(self, error: PagefindError) -> None:
            self._failure = error
            for future in self._responses.values():
                if not future.done():
                    future.set_exception(error)
                    future.exception()  # marks it seen: a request that never got to wait is no "unretrieved" error

        async def failure(self) -> PagefindError:
            """Why the process is gone, once the reader has read its last output."""
            try:
                await asyncio.wait_for(asyncio.shield(self._poll_task), 2)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
            return getattr(self, "_failure", None) or self._exited(b"")

        async def close(self) -> None:
            # Not the inherited close(): it re-raises a failed request's bare error, hiding ours.
            # End of input lets the process exit by itself; it is killed only if it does not.
            self._poll_task.cancel()
            if self._backend.returncode is None:
                assert self._backend.stdin is not None
                self._backend.stdin.close()
                try:
                    await asyncio.wait_for(self._backend.wait(), 10)
                except asyncio.TimeoutError:
                    self._backend.kill()
            await self._backend.wait()

    return PromptService
