"""Load stage, part 2: find every record file under ``content/`` and parse it.

The kind of a record follows from where it lives, so editors never write ``kind:``:

    content/site.yml  content/verdicts.yml  content/topics.yml
    content/claims/<id>.yml  content/claimants/<id>.yml  content/articles/<id>.yml  content/people/<id>.yml
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

import yaml

from .cache import Store, digest
from .errors import FactcheckError, Problem
from .yamlsource import LOADER_VERSION, MAX_FILE_BYTES, Document, load_yaml

FOLDERS = {"claims": "claim", "claimants": "claimant", "articles": "article", "people": "person"}
"""Folder under content/ → kind of the one-record-per-file records inside it."""
SINGLE_FILES = {"site.yml": "site", "verdicts.yml": "verdicts", "topics.yml": "topics"}
"""Site-wide record files directly in content/."""


@dataclass
class RawRecord:
    kind: str
    doc: Document

    @property
    def stem(self) -> str:
        return self.doc.path.stem


def display_path(path: Path) -> str:
    """The path as the editor sees it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def record_files(content_dir: Path) -> list[tuple[str, Path]]:
    """Every record file as ``(kind, path)``, in a stable order. Hand-written Markdown is not ours."""
    found: list[tuple[str, Path]] = []
    for name, kind in sorted(SINGLE_FILES.items()):
        if (content_dir / name).is_file():
            found.append((kind, content_dir / name))
    for folder, kind in sorted(FOLDERS.items()):
        directory = content_dir / folder
        if directory.is_dir():
            # Names sorted as strings: comparing 14,000 Path objects took a second.
            names = sorted(entry.name for entry in os.scandir(directory) if entry.name.endswith((".yml", ".yaml")))
            found.extend((kind, directory / name) for name in names)
    return found


_last: dict[Path, tuple[tuple[int, int, int, str], Document, str | None]] = {}
"""The previous run's parsed files by path, with the modification time, size and inode they had. Under
``mkdocs serve`` the plugin runs again after every save; only files that changed (time, size or
inode) are parsed again (parsing is most of this stage). Holds the latest run's files only."""


CACHE_VERSION = f"{LOADER_VERSION}; PyYAML {yaml.__version__}; Python {sys.version_info[0]}.{sys.version_info[1]}"
"""What a cached parse depends on besides the file's bytes: the loader's code, PyYAML, Python."""


def load_records(content_dir: Path, *, reuse: bool = False, cache: Store | None = None,
                 files: list[tuple[str, Path]] | None = None) -> tuple[list[RawRecord], list[Problem]]:
    """Parse every record file; return what parsed and the problems of all that did not.

    With ``reuse``, files unchanged since the previous call with ``reuse`` are not parsed again.
    With ``cache`` (``records_store``), a file whose bytes were parsed before, in any earlier run,
    is taken from there: its data, ready for validation (line numbers are found again only for a
    message, ``Document.lines``). The caller saves the store
    once the run has succeeded (a failed run writes nothing). ``files``: ``record_files``'s list,
    when the caller has it already."""
    if not content_dir.is_dir():
        raise FactcheckError([Problem(display_path(content_dir), 0, "-", "content folder not found",
                                      "run from the project root or pass --content DIR")])
    global _last
    problems: list[Problem] = []
    records: list[RawRecord] = []
    parsed: dict[Path, tuple[tuple[int, int, int, str], Document, str | None]] = {}
    store = cache
    folders: dict[Path, str] = {}
    for kind, path in record_files(content_dir) if files is None else files:
        # display_path once per folder (it resolves the working directory on every call).
        if (shown := folders.get(path.parent)) is None:
            shown = folders[path.parent] = display_path(path.parent)
        display = path.name if shown == "." else os.path.join(shown, path.name)
        try:
            stat = path.stat()  # one system call for both questions (two were 0.2 s at 10,000)
        except OSError:
            stat = None
        if stat is None or not S_ISREG(stat.st_mode):
            problems.append(Problem(display, 0, "-", "is not a regular file", "record files are YAML text files"))
            continue
        if path.suffix == ".yaml":
            problems.append(Problem(display, 0, "-", "record files end in .yml", f"rename it to {path.stem}.yml"))
            continue
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino, display)
        try:
            hit = _last.get(path) if reuse else None
            if hit and hit[0] == stamp:
                doc, key = hit[1], hit[2]
                if store is not None and key is not None:
                    store.put(key, (doc.data,))  # still in use: the store keeps it, and its stamp
                    store.get(_stamp(path, stat))
            else:
                doc, key = _parse(path, display, stat, store)
        except FactcheckError as exc:
            problems.extend(exc.problems)
            continue
        if reuse:
            parsed[path] = (stamp, doc, key)
        records.append(RawRecord(kind, doc))
    _last = parsed
    for name in SINGLE_FILES:
        if not (content_dir / name).is_file():
            problems.append(Problem(display_path(content_dir / name), 0, "-", "required file is missing",
                                    "every site needs site.yml, verdicts.yml and topics.yml; see README"))
    return records, problems


def records_store(folder: Path | None) -> Store | None:
    """The parsed-records store in the build cache folder (None: no cache)."""
    return Store.open(folder, "records", CACHE_VERSION) if folder is not None else None


STAMP_AFTER_NS = 2_000_000_000
"""A file's stamp is trusted only if it was last changed this long before it was read: a file
changed again within the same clock tick, at the same size, would keep its stamp ("racy git")."""


def _stamp(path: Path, stat: os.stat_result) -> str:
    return f"stamp:{path}:{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}"


def _parse(path: Path, display: str, stat: os.stat_result, store: Store | None) -> tuple[Document, str | None]:
    """One file, its data only, and its content hash (None without a store). The line of every key
    is found again only for a message (``Document.lines``), whether the data came from the cache
    or was parsed now: kept, the line maps of 30,000 records were ~0.2 GB beside pagefind at the
    build's peak."""
    doc, key = _read(path, display, stat, store)
    doc.known_lines = None
    return doc, key


def _read(path: Path, display: str, stat: os.stat_result, store: Store | None) -> tuple[Document, str | None]:
    """One file, from the cache when its bytes were parsed before; and its content hash.

    Like git's index, the store also remembers each file's stamp (path, modification time, size,
    inode) → content hash: an unchanged working tree is then not even read (pre-commit's
    ``factcheck check``). A fresh clone has new stamps; its files are read and hashed."""
    if store is None or stat.st_size > MAX_FILE_BYTES:  # too big: load_yaml refuses it unread
        return load_yaml(path, display), None
    stamp = _stamp(path, stat)
    if isinstance(key := store.get(stamp), str) and (hit := store.get(key)) is not None:
        return Document(path, display, hit[0], None), key
    raw = path.read_bytes()
    key = digest(raw)
    if len(raw) == stat.st_size and stat.st_mtime_ns < time.time_ns() - STAMP_AFTER_NS:
        store.put(stamp, key)
    if (hit := store.get(key)) is not None:
        return Document(path, display, hit[0], None), key
    doc = load_yaml(path, display, raw)
    store.put(key, (doc.data,))  # the data only: a tuple, as a value of None would read as a miss
    return doc, key
