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

Writes go to a temporary file that replaces the store in one step: an interrupted run leaves the
previous store, and two runs at once leave one of them whole.
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


def digest(data: bytes | str) -> str:
    """The key of an input: SHA-256 of its bytes (UTF-8 for text)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


class Store:
    """One step's results by content hash, in ``folder/name.pickle``, valid for one ``version``
    (the code and library versions that made them: another version starts empty).

    ``get`` marks what this run used; ``save`` keeps exactly that (plus what ``put`` added), so the
    store holds one content tree's entries and never grows with history. ``open`` returns the same
    store for the same file within a process (``mkdocs serve`` runs every stage after each save:
    the store is read from disk once)."""

    _open: dict[tuple[Path, str], Store] = {}

    def __init__(self, folder: Path | None, name: str, version: str) -> None:
        self.path = folder / f"{name}.pickle" if folder is not None else None
        self.version = version
        self._old: dict[str, Any] = self._read()
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
            with self.path.open("rb") as fh:
                stored = _PlainUnpickler(io.BufferedReader(fh)).load()
        except Exception as exc:  # noqa: BLE001 - any unreadable store is a cold start, not an error
            log.info(f"factcheck: cache {self.path} unreadable ({exc.__class__.__name__}); starting empty")
            return {}
        if not (isinstance(stored, dict) and stored.get("version") == self.version
                and isinstance(stored.get("entries"), dict)):
            return {}
        return stored["entries"]

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

    def save(self) -> None:
        """Write this run's entries, if they differ from what was read."""
        if self.path is None or self._now.keys() == self._old.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump({"version": self.version, "entries": self._now}, fh, protocol=PROTOCOL)
                os.chmod(tmp, 0o644)  # mkstemp's file is private; a cache is an ordinary file
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:  # a read-only checkout still builds, only without the cache
            log.warning(f"factcheck: could not write the cache {self.path}: {exc}")
            return
        self._old = self._now
