"""The build cache in ``.cache/factcheck/``: work keyed by the hash of its input, kept across runs.

At 10,000 claims, parsing the YAML (with a line number for every key) and converting the Markdown
fields are the generator's two slowest steps, and between two commits almost nothing changes.
Each step keeps one store: a mapping of content hash → result, read at the start of a run and
written back when the run produced something new. CI restores the folder with the official
cache action (both workflows), ``factcheck check`` in pre-commit and ``mkdocs serve`` use it too.

A store is only ever a cache: a missing, stale (other ``version``) or unreadable file means "start
empty", never an error. Nothing read from it is trusted more than the input it replaces:

* the parsed records still go through the schema, the link stage and everything after;
* converted Markdown is kept *before* sanitising and is sanitised again on every run;
* the file format is pickle restricted to plain containers, strings and numbers: the unpickler
  refuses every global (the "Restricting Globals" recipe of the ``pickle`` documentation), so a
  planted file cannot run code.

The file is an append log: a first pickle with the version and the entries, then one pickle per
later run with only the entries that run added. Editing one record at 10,000 claims then appends a
few kilobytes instead of rewriting 70 MB (two seconds of pre-commit's ``factcheck check``). When
the file holds more than twice the entries the latest run used (edits leave their old entries
behind), it is rewritten with the used ones only: the store never grows with history. A rewrite goes
to a temporary file that replaces the store in one step; an append is one ``write`` to a file opened
for appending. An interrupted run leaves the previous store (a torn last pickle is dropped when read,
and the next run rewrites the file), and two runs at once leave a readable store.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.generator.cache")

PROTOCOL = 5


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        # Plain containers, strings and numbers need no global; anything else is not ours.
        raise pickle.UnpicklingError(f"refused {module}.{name}: the cache holds plain data only")


def versions(*packages: str) -> str:
    """``name=version; …`` of installed distributions (``-`` for a missing one): part of the version
    of whatever they help make."""
    from importlib import metadata

    found = []
    for name in packages:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return "; ".join(found)


def write_file(path: Path, data: bytes) -> bool:
    """Write a cache file whole or not at all (a temporary beside it, then one rename: a killed
    build or a second one at the same time never leaves a torn file). False if it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        return False
    return True


def prune_files(folder: Path, keep: set[Path]) -> int:
    """Remove every file under ``folder`` but ``keep`` (what the latest build wrote or read, in a
    folder that holds one build's files); the number removed."""
    removed = 0
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path not in keep:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
    return removed


def digest(data: bytes | str) -> str:
    """The key of an input: SHA-256 of its bytes (UTF-8 for text)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


class Store:
    """One step's results by content hash, in ``folder/name.pickle``, valid for one ``version``
    (the code and library versions that made them: another version starts empty).

    ``get`` marks what this run used; ``save`` appends what ``put`` added and, when the file holds
    more than ``COMPACT_RATIO`` times the entries used, rewrites it with exactly those. ``open``
    returns the same store for the same file within a process until ``close`` (``mkdocs serve``
    runs every stage after each save: the store is read from disk once)."""

    COMPACT_RATIO = 2
    """Rewrite the file once it holds more than this many times the entries the latest run used."""

    _open: dict[tuple[Path, str], Store] = {}

    def __init__(self, folder: Path | None, name: str, version: str) -> None:
        self.path = folder / f"{name}.pickle" if folder is not None else None
        self.version = version
        self._torn = False
        self._old: dict[str, Any] = self._read()
        """Every entry in the file as last read or written (used by this run or not)."""
        self._now: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, folder: Path | None, name: str, version: str) -> Store:
        """The store for this run: entries of the previous run are found, this run's are recorded anew."""
        if folder is None:
            return cls(None, name, version)
        key = (folder.resolve() / name, version)
        store = cls._open.get(key)
        if store is None or not (store.path and store.path.is_file()):
            store = cls._open[key] = cls(folder, name, version)
        store._now, store.hits, store.misses = {}, 0, 0
        return store

    def _read(self) -> dict[str, Any]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            data = self.path.read_bytes()
            stream = io.BytesIO(data)
            stored = _PlainUnpickler(stream).load()
        except Exception as exc:  # noqa: BLE001 - any unreadable store is a cold start, not an error
            log.info(f"factcheck: cache {self.path} unreadable ({exc.__class__.__name__}); starting empty")
            self._torn = True
            return {}
        if not (isinstance(stored, dict) and stored.get("version") == self.version
                and isinstance(stored.get("entries"), dict)):
            self._torn = True  # another version's file: the first save replaces it
            return {}
        entries: dict[str, Any] = stored["entries"]
        while stream.tell() < len(data):  # the appended runs, oldest first
            try:
                # A new unpickler for each: each pickle numbers its repeated objects from 0 (one
                # unpickler would look them up among the previous pickle's).
                added = _PlainUnpickler(stream).load()
            except Exception:  # noqa: BLE001 - a torn last append: keep what came before it
                self._torn = True
                break
            if not (isinstance(added, dict) and isinstance(added.get("entries"), dict)):
                self._torn = True
                break
            entries.update(added["entries"])
        return entries

    def get(self, key: str) -> Any | None:
        found = self._old.get(key)
        if found is None:
            found = self._now.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._now[key] = found
        return found

    def put(self, key: str, value: Any) -> None:
        self._now[key] = value

    def entries(self) -> dict[str, Any]:
        """Every entry the file holds (for tests and the curious)."""
        return dict(self._old)

    def save(self) -> None:
        """Append this run's new entries to the file, or rewrite it with this run's entries only
        when it is torn, of another version, or more than ``COMPACT_RATIO`` times too big."""
        if self.path is None:
            return
        added = {key: value for key, value in self._now.items() if key not in self._old}
        rewrite = self._torn or not self.path.is_file() or (
            len(self._old) + len(added) > self.COMPACT_RATIO * max(len(self._now), 1))
        if not added and not rewrite:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if rewrite:
                self._replace({"version": self.version, "entries": self._now})
                self._old = dict(self._now)
            else:
                frame = pickle.dumps({"entries": added}, protocol=PROTOCOL)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
                try:
                    # One write, so two runs appending at once do not interleave their bytes; a
                    # short write leaves a torn pickle, which the next read drops (and rewrites).
                    written = os.write(fd, frame)
                finally:
                    os.close(fd)
                if written != len(frame):
                    raise OSError(f"short write ({written} of {len(frame)} bytes)")
                self._old.update(added)
        except OSError as exc:  # a read-only checkout still builds, only without the cache
            log.warning(f"factcheck: could not write the cache {self.path}: {exc}")
            return
        self._torn = False

    def close(self) -> None:
        """Forget the entries (a build without ``mkdocs serve``, after ``save``). The records'
        parsed YAML (its containers; the strings live on in the records) and every converted
        Markdown field would otherwise stay in memory to the end of the build, while MkDocs holds
        every page."""
        self._old, self._now = {}, {}
        if self.path is not None:
            Store._open = {key: store for key, store in Store._open.items() if store is not self}

    def _replace(self, stored: dict[str, Any]) -> None:
        assert self.path is not None
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(stored, fh, protocol=PROTOCOL)
            os.chmod(tmp, 0o644)  # mkstemp's file is private; a cache is an ordinary file
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
