"""The generator's own words: one data file per language (``generator/labels/<lang>.yml``).

A site adds a language, or rewords one, by putting ``fc/labels/<lang>.yml`` into its theme
``custom_dir`` (looked up before the packaged files): no Python changes. Material's own strings
(search box, navigation) come from Material for the theme's ``language``.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from .errors import FactcheckError, Problem

PACKAGED = Path(__file__).resolve().parent / "labels"
REFERENCE = "en"
"""The language every other labels file is checked against (it has every key)."""
MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class LabelTable:
    language: str
    labels: dict[str, str]
    months: tuple[str, ...]
    date_format: str
    source: str
    """The file it was read from (for messages)."""


def _read(path: Path) -> dict[str, object]:
    """One labels file. Plain YAML (no tags, no aliases needed): the safe loader, size-capped."""
    where = str(path)
    if path.stat().st_size > MAX_BYTES:
        raise FactcheckError([Problem(where, 0, "-", f"labels file larger than {MAX_BYTES // 1024} KiB",
                                      "a labels file holds a few dozen short strings")])
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FactcheckError([Problem(where, mark.line + 1 if mark else 0, "-", f"not valid YAML: {exc}",
                                      "compare with generator/labels/en.yml")]) from None
    if not isinstance(data, dict):
        raise FactcheckError([Problem(where, 0, "-", "not a mapping", "compare with generator/labels/en.yml")])
    return data


def find(language: str, search: Sequence[Path] = ()) -> Path | None:
    """The labels file for ``language`` ("de", or "de-CH" falling back to "de"): the site's
    ``<custom_dir>/fc/labels`` first, then the packaged ones."""
    tags = [language, language.split("-")[0].split("_")[0]]
    for tag in dict.fromkeys(tags):
        for folder in [*(Path(d) / "fc" / "labels" for d in search), PACKAGED]:
            if (path := folder / f"{tag}.yml").is_file():
                return path
    return None


@functools.lru_cache(maxsize=32)
def load_table(path: Path) -> LabelTable:
    """Read and check one labels file against the English reference: every key present, none unknown."""
    data = _read(path)
    where = str(path)
    reference = _read(PACKAGED / f"{REFERENCE}.yml")
    problems = []
    labels = data.get("labels")
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise FactcheckError([Problem(where, 0, "labels", "missing or not a mapping of strings",
                                      "compare with generator/labels/en.yml")])
    wanted = set(reference["labels"])  # type: ignore[arg-type]
    for key in sorted(wanted - set(labels)):
        problems.append(Problem(where, 0, f"labels.{key}", "missing",
                                f"translate it from generator/labels/en.yml: {reference['labels'][key]!r}"))  # type: ignore[index]
    for key in sorted(set(labels) - wanted):
        close = difflib.get_close_matches(key, wanted, n=1)
        problems.append(Problem(where, 0, f"labels.{key}", "unknown label",
                                f"did you mean {close[0]!r}?" if close else "remove it"))
    months = data.get("months")
    if not isinstance(months, list) or len(months) != 12 or not all(isinstance(m, str) for m in months):
        problems.append(Problem(where, 0, "months", "needs the twelve month names, January first", ""))
    fmt = data.get("date_format")
    if not isinstance(fmt, str) or not all(part in fmt for part in ("{day}", "{month}", "{year}")):
        problems.append(Problem(where, 0, "date_format", "needs {day}, {month} and {year}",
                                'e.g. "{day}. {month} {year}"'))
    if problems:
        raise FactcheckError(problems)
    return LabelTable(path.stem, dict(labels), tuple(months), fmt, where)  # type: ignore[arg-type]


class Labels:
    """The labels of one language; English for a language without a labels file."""

    def __init__(self, language: str, search: Sequence[Path] = ()) -> None:
        path = find(language, search) or PACKAGED / f"{REFERENCE}.yml"
        self.table = load_table(path)
        self.language = language
        """The site's language: record texts (verdict labels, topics) are picked in it."""
        self.labels_language = self.table.language
        """The language of the labels themselves: English where the site's has no labels file."""
        self.found = path.stem in (language, language.split("-")[0].split("_")[0])
        self._labels = self.table.labels
        # Each label is also an attribute (`t.analysis` in templates): a plain attribute is the
        # cheapest lookup Jinja has, and a page shows dozens of labels.
        self.__dict__.update({k: v for k, v in self._labels.items() if not hasattr(type(self), k) and k not in self.__dict__})

    def __call__(self, key: str, **values: object) -> str:
        return self._labels[key].format(**values) if values else self._labels[key]

    def __getattr__(self, key: str) -> str:
        """Only reached for a name that is no label (labels are instance attributes)."""
        raise AttributeError(f"no label {key!r}; labels are listed in generator/labels/en.yml")

    def date(self, day: date) -> str:
        month = self.table.months[day.month - 1]
        return self.table.date_format.format(day=day.day, month=month, year=day.year)

    def month(self, key: str) -> str:
        """'2026-11' → 'November 2026'."""
        year, month = key.split("-")
        return f"{self.table.months[int(month) - 1]} {year}"

    def pick(self, texts: dict[str, str]) -> str:
        """The text in the site language, else English, else the first one given."""
        return texts.get(self.language) or texts.get("en") or next(iter(texts.values()), "")
