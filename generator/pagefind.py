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
import gzip
import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .cache import Store, digest, versions
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
    filters: dict[str, list[str]] = field(default_factory=dict)
    """What the header search filters by (``FILTERS``): the values as readers see them."""


FILTERS = ("verdict", "topic", "claimant", "year")
"""Pagefind filters of each record, in the order the header search shows them. pagefind 1.5 writes
their chunks in varying order (Pagefind/pagefind#638); ``canonical_bundle`` puts them in order."""

OPTIONS_FILE = "fc-filters.json"
"""In the bundle: each filter's values with their number of claims, for the header search's menus.
Pagefind's own ``filters()`` would fetch every filter chunk (page lists that grow with the site:
100 kB at 10,000 claims) before a reader has chosen anything; this file is a few kB at any size,
and Pagefind fetches a filter's chunk only when a search uses it."""


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
    # The claim in its own words and in the site's language (a German site's reader searches an
    # Arabic claim by its German translation); translations into other languages stay out.
    translations = [claim.claim.translation[lang] for lang in sorted(claim.claim.translation)
                    if lang == graph.site.language and lang != claim.claim.language]
    # What a reader searches by: what was claimed, by whom, the verdict and the topics. The
    # analysis and the evidence stay out (they name many other places and people, and a claim would
    # turn up for words it only mentions in passing), and so does the summary: it was half of the
    # indexed text, and pagefind's memory grows with the text (at 10,000 claims ~0.6 GB with it,
    # ~0.35 GB without; README "Search"). The excerpt of a result is then the claim itself.
    parts = [claim.title, claim.claim.text, *translations, verdict_label, claimant, *topics]
    return SearchRecord(
        url=paths.url(paths.claim(claim_id), directory_urls),
        title=claim.title,
        content="\n".join(parts),
        language=graph.site.language,
        # lang/dir of the claim's text, for the result that quotes it (an Arabic claim reads right to left).
        meta={"title": claim.title, "verdict": verdict_label, "claimant": claimant,
              "date": claim.published.isoformat(), "colour": verdict.colour,
              "lang": claim.claim.language, "dir": direction(claim.claim.language)},
        filters={"verdict": [verdict_label], "topic": topics, "claimant": [claimant],
                 "year": [str(claim.published.year)]},
    )


def filter_options(records: list[SearchRecord]) -> bytes:
    """``OPTIONS_FILE``: {filter: {value: number of records}}, sorted, as UTF-8 JSON."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FILTERS}
    for record in records:
        for name, values in record.filters.items():
            bucket = counts.setdefault(name, {})
            for value in dict.fromkeys(values):  # a value twice in one record counts once, as in Pagefind
                bucket[value] = bucket.get(value, 0) + 1
    return json.dumps({name: dict(sorted(values.items())) for name, values in counts.items()},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_index(records: list[SearchRecord], site_dir: Path, *, language: str) -> dict[str, Any]:
    """Write the Pagefind bundle of ``records`` to ``site_dir/pagefind``; returns its stats.

    Raises ``PagefindError`` when the package or its binary is missing or the binary fails.
    """
    return IndexJob(records, language=language).write(site_dir)


CACHE_NAME = "pagefind"
"""The bundle's store in the build cache (``cache.py``): the bundle of the last records indexed."""


def _cache_version() -> str:
    """What else makes the bundle: the bundle layout we write and the pagefind that indexes."""
    return f"bundle 1; {versions('pagefind', 'pagefind-bin')}; binary={os.environ.get('PAGEFIND_BINARY_PATH', '')}"


def bundle_key(records: list[SearchRecord], language: str) -> str:
    """The bundle is a function of the records and the language: their hash is its key."""
    return digest(json.dumps([language, [[r.url, r.title, r.content, r.language, r.meta, r.filters] for r in records]],
                             ensure_ascii=False, sort_keys=True, separators=(",", ":")))


class IndexJob:
    """A bundle being built in the background, from the moment the records are known.

    The work happens in the pagefind process; ``write`` waits for it and writes the files once
    MkDocs has filled site_dir. ``mkdocs build`` waits for it at once (``wait``), so that
    pagefind's memory is not added to MkDocs' at its largest; under ``mkdocs serve`` it runs on
    beside the rest of the build.

    With a ``cache_dir`` (the build cache), the bundle of the same records is taken from there and
    pagefind is not started: an edit that changes nothing a reader searches by (an analysis, a
    source, a summary) leaves the records as they were. Each newly built bundle is kept there.
    """

    def __init__(self, records: list[SearchRecord], *, language: str, cache_dir: Path | None = None) -> None:
        self.records = len(records)
        self._start = time.perf_counter()
        self._files: dict[str, bytes] = {}
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.from_cache = False
        store = Store(cache_dir, CACHE_NAME, _cache_version()) if cache_dir is not None else None
        key = bundle_key(records, language) if store is not None else ""
        if store is not None and _is_bundle(found := store.get(key)):
            self._files, self.from_cache = found, True
            store.save()  # only rewrites the file when it holds older bundles too
            return
        executable = _executable()  # a missing binary is reported at once, in the caller's thread
        self._thread = threading.Thread(target=self._run, args=(records, language, executable, store, key),
                                        name="pagefind-index", daemon=True)
        self._thread.start()

    def _run(self, records: list[SearchRecord], language: str, executable: Path, store: Store | None,
             key: str) -> None:
        try:
            files = canonical_bundle(asyncio.run(_build(records, language, executable)))
            self._files = files | {OPTIONS_FILE: filter_options(records)}
            if store is not None:
                store.put(key, self._files)
                store.save()  # the older bundle stays until the file holds twice what this run used
        except BaseException as exc:  # handed to write(), in the caller's thread
            self._error = exc

    def wait(self) -> None:
        """Wait until the bundle is built; the pagefind process has ended and its memory is free
        when this returns. Raises what made it fail (``PagefindError``)."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error

    def write(self, site_dir: Path, *, previous: IndexJob | None = None) -> dict[str, Any]:
        """Wait for the bundle and write it. With the ``previous`` job whose bundle is in place
        (``mkdocs serve --dirty`` keeps site_dir), only files that changed are written: an edit
        changes a handful of Pagefind's ~10,000 files at 10,000 claims."""
        self.wait()
        out = (site_dir / BUNDLE_DIR).resolve()
        try:
            _write_files(self._files, out, previous._files if previous is not None else None)
        except OSError as exc:
            raise PagefindError(f"could not write the search index to {out}: {exc}") from None
        return {"records": self.records, "seconds": round(time.perf_counter() - self._start, 2),
                "bytes": sum(len(data) for data in self._files.values()), "files": len(self._files),
                "from_cache": self.from_cache}


def _is_bundle(found: Any) -> bool:
    return (isinstance(found, dict) and "pagefind-entry.json" in found
            and all(isinstance(k, str) and isinstance(v, bytes) for k, v in found.items()))


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
    """The bundle's files (path inside the bundle → bytes) as a pagefind process builds them (see
    ``canonical_bundle`` for what differs between two runs).

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
                                                                      language=record.language, meta=record.meta,
                                                                      filters=record.filters or None)
                                              for record in records)))
        files = await _call(service, index.get_files())
    finally:
        await service.close()
    return {file["path"]: file["content"] for file in files}


# -- the same bundle for the same records -------------------------------------------------------
# pagefind 1.5 writes each filter's values in hash-map order, so a filter chunk, the metadata file
# that names the chunks by their hash and pagefind-entry.json that names the metadata file differ
# from build to build (Pagefind/pagefind#638: fixed for fragments in 1.3, not for these). Everything
# else (fragments, index chunks, the page numbering) is the same every time. So those three are
# rewritten here with the values and filters sorted and new names from their content.
#
# Internal format (pagefind 1.5, not a public API): every .pf_* file is gzip of b"pagefind_dcd"
# followed by CBOR; a filter chunk is [name, [[value, [page numbers]], ...]], the metadata file is
# [version, pages, index chunks, [[filter name, chunk hash], ...], sorts, ...], and
# pagefind-entry.json names it as languages.<lang>.hash. tests/test_pagefind.py
# (test_bundle_format_is_what_canonical_bundle_rewrites) fails loudly when an upgrade changes it.

SIGNATURE = b"pagefind_dcd"


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` (path → bytes) of a bundle with its filter chunks and metadata in sorted order and
    named by their content; the browser's Pagefind reads them as before."""
    try:
        return _canonical(files)
    except PagefindError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, OSError, EOFError) as exc:  # a file missing, cut or changed
        raise PagefindError(f"the pagefind bundle is not laid out as pagefind 1.5 lays it out ({type(exc).__name__}: "
                            f"{exc}); generator/pagefind.py canonical_bundle needs updating") from None


def _canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(files)
    entry_bytes = out["pagefind-entry.json"]
    entry = json.loads(entry_bytes)
    for language in sorted(entry["languages"]):
        old_hash = entry["languages"][language]["hash"]
        meta = _decode(out.pop(f"pagefind.{old_hash}.pf_meta"))
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise PagefindError(f"pagefind's metadata file has an unknown layout (pagefind {entry.get('version')})")
        named = []
        for name, chunk in sorted(meta[3]):
            values = _decode(out.pop(f"filter/{chunk}.pf_filter"))
            if not (isinstance(values, list) and len(values) == 2 and values[0] == name):
                raise PagefindError(f"pagefind's filter chunk of {name!r} has an unknown layout")
            data = _encode([name, sorted(values[1])])
            new = f"{language}_{_digest(data, 7)}"
            out[f"filter/{new}.pf_filter"] = data
            named.append([name, new])
        meta[3] = named
        data = _encode(meta)
        new_hash = f"{language}_{_digest(data, 10)}"
        out[f"pagefind.{new_hash}.pf_meta"] = data
        # A replacement in the text, so the rest of the file stays pagefind's own bytes.
        entry_bytes = entry_bytes.replace(json.dumps(old_hash).encode(), json.dumps(new_hash).encode(), 1)
    out["pagefind-entry.json"] = entry_bytes
    return dict(sorted(out.items()))


def fragments(bundle: Path) -> list[dict[str, Any]]:
    """The records of a written bundle as the browser reads them (url, content, meta, filters),
    sorted by URL: for tests and checks of a built site. A fragment is gzip of the signature and JSON."""
    found = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        if not raw.startswith(SIGNATURE):
            raise PagefindError(f"{path}: no 'pagefind_dcd' signature: unknown pagefind format")
        found.append(json.loads(raw[len(SIGNATURE):]))
    return sorted(found, key=lambda f: f["url"])


def _digest(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def _decode(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise PagefindError("a pagefind index file lacks its 'pagefind_dcd' signature: unknown pagefind format")
    value, end = _cbor_item(raw, len(SIGNATURE))
    if end != len(raw):
        raise PagefindError("a pagefind index file has data after its CBOR value: unknown pagefind format")
    return value


def _encode(value: Any) -> bytes:
    # mtime=0: no time stamp in the gzip header, so the bytes depend on the content only.
    return gzip.compress(SIGNATURE + _cbor(value), compresslevel=6, mtime=0)


def _cbor_item(data: bytes, at: int) -> tuple[Any, int]:
    """The CBOR data item at ``at`` and where it ends: the subset pagefind writes (integers, text,
    byte strings, arrays, maps, all of definite length; false, true, null)."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise PagefindError(f"unsupported CBOR item (major type {major}, info {info}) in a pagefind index file")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        chunk = data[at:at + arg]
        return (chunk.decode("utf-8") if major == 3 else bytes(chunk)), at + arg
    if major in (4, 5):
        items = []
        for _ in range(arg * (2 if major == 5 else 1)):
            item, at = _cbor_item(data, at)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), at
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], at
    raise PagefindError(f"unsupported CBOR item (major type {major}, info {info}) in a pagefind index file")


def _cbor(value: Any) -> bytes:
    """CBOR of ``value`` with the shortest heads, as pagefind (minicbor) writes them."""
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_cbor(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_cbor(k) + _cbor(v) for k, v in value.items())
    raise TypeError(f"no CBOR for {type(value).__name__}")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError(f"integer too large for CBOR: {arg}")


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
