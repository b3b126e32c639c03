"""Markdown fields of records → HTML that is safe to show, whatever the record says.

Records come through pull requests, some from outside the newsroom. Their Markdown may contain
raw HTML; we convert it and then run the result through nh3 (the Rust ``ammonia`` sanitiser)
with an allowlist: ordinary formatting, links and tables stay; scripts, event handlers, iframes,
styles and ``javascript:``/``data:`` URLs go, however they are encoded.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import nh3

from .cache import Store, digest, versions

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "h3", "h4",
                "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "sub", "abbr", "q", "s",
                # what the site's Markdown extensions make: admonition, details, def_list, footnotes, md_in_html
                "div", "span", "details", "summary", "dl", "dt", "dd", "mark", "kbd", "del", "ins", "small"}
ALLOWED_ATTRIBUTES = {"*": {"class", "id", "title", "lang", "dir"}, "a": {"href", "hreflang"}, "th": {"align"},
                      "td": {"align"}, "q": {"cite"}, "ol": {"start"}, "details": {"open"}}
URL_SCHEMES = {"http", "https", "mailto"}
RESERVED_PREFIXES = ("md-", "fc-", "__")
"""Classes and ids of Material (``md-``), of our pages (``fc-``) and of Material's toggles (``__search``,
``__drawer``): a record may not imitate a verdict badge or clobber the page's own elements."""
_SAFE_ID = re.compile(r"[A-Za-z][\w:.-]*\Z")
DROPPED_EXTENSIONS = {"toc", "markdown.extensions.toc", "pymdownx.snippets", "pymdownx.b64",
                      "markdown_include.include", "mdx_include"}
"""Never applied to record fields: ``toc`` (the page adds heading ids and permalinks itself,
``headings.py``), and extensions that read files from the build machine into the page."""


@dataclass(frozen=True)
class MarkdownConfig:
    """The Markdown extensions (names, as in mkdocs.yml) and their settings applied to record fields."""

    extensions: tuple[str, ...] = ("tables", "sane_lists")
    configs: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def from_mkdocs(cls, extensions: list[Any], configs: dict[str, Any]) -> MarkdownConfig:
        """The site's ``markdown_extensions`` (MkDocs' ``config.markdown_extensions`` and ``mdx_configs``)."""
        names = tuple(e for e in extensions if isinstance(e, str) and e not in DROPPED_EXTENSIONS)
        return cls(names, tuple((k, v) for k, v in sorted(configs.items()) if k in names))


def _attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if not c.startswith(RESERVED_PREFIXES)]
        return " ".join(kept) or None
    if attribute == "id":
        return value if _SAFE_ID.match(value) and not value.startswith(RESERVED_PREFIXES) else None
    return value


_config = MarkdownConfig()
_MD = markdown.Markdown(extensions=list(_config.extensions), output_format="html")


def configure(config: MarkdownConfig) -> None:
    """Use ``config`` for the following conversions (one converter, reset between fields: building a
    Markdown instance costs more than converting)."""
    global _config, _MD, _last
    if config != _config:
        _MD = markdown.Markdown(extensions=list(config.extensions), extension_configs=dict(config.configs),
                                output_format="html")
        _config, _last = config, {}


def markdown_to_safe_html(text: str) -> str:
    return sanitize_html(markdown_to_html(text))


def markdown_to_html(text: str) -> str:
    """Python-Markdown's output, not yet sanitised (what the cache keeps)."""
    _MD.reset()
    return _MD.convert(text)


def _convert(text: str) -> tuple[str, str]:
    raw = markdown_to_html(text)
    return raw, sanitize_html(raw)


def sanitize_html(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", attribute_filter=_attribute)


PARALLEL_FROM = 2000
"""Fields to convert before worker processes pay off (below this, the conversion takes ~2 s at most)."""


def _workers() -> int:
    """Worker processes to use: one per core, but only where forking is safe.

    Fork, because "spawn" and "forkserver" start by importing the caller's main script again,
    which breaks any script without an ``if __name__ == "__main__"`` guard. Forking is safe on
    Linux while this is the only thread: under ``mkdocs serve`` (a server and a file watcher run)
    a child could inherit a lock another thread holds, so there the conversion stays in-process.
    """
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return min(len(os.sched_getaffinity(0)), 8)


_last: dict[str, tuple[str, str]] = {}
"""The previous run's conversions (text → Python-Markdown's output, sanitised HTML): under ``mkdocs
serve`` one edit changes one field, and the rest come from here. Only the latest run's texts are
kept, so it never grows beyond one site's prose."""


def convert_many(texts: Iterable[str], *, remember: bool = False, cache: Path | None = None) -> dict[str, str]:
    """Every distinct Markdown text → safe HTML. Python-Markdown is the generator's slowest step (a
    millisecond a field); with thousands of fields it runs in worker processes on every core, while
    MkDocs, single-threaded, would leave the others idle. With ``remember``, the next call converts
    only texts this one did not see. With ``cache`` (a folder), texts converted in any earlier run
    with the same extensions and versions are not converted again; what the cache holds is
    Python-Markdown's output, sanitised anew on every run (a tenth of the conversion's cost), so a
    planted cache file cannot put anything on a page that a record could not."""
    global _last
    wanted = sorted(set(texts))
    store = Store.open(cache, "markdown", cache_version()) if cache is not None else None
    keys = {text: digest(text) for text in wanted} if store is not None else {}
    done: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    for text in wanted:
        cached = store.get(keys[text]) if store is not None else None
        if text in _last:
            done[text] = _last[text]
        elif isinstance(cached, str):
            done[text] = (cached, sanitize_html(cached))
        else:
            missing.append(text)
    workers = _workers() if len(missing) >= PARALLEL_FROM else 1
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            converted = list(pool.map(_convert, missing, chunksize=max(1, len(missing) // (workers * 8))))
    else:
        converted = [_convert(text) for text in missing]
    done.update(zip(missing, converted))
    if store is not None:
        for text, (raw, _safe) in done.items():  # the store keeps every text of this run
            store.put(keys[text], raw)
        store.save()
        if not remember:
            store.close()
    _last = done if remember else {}
    return {text: safe for text, (_raw, safe) in done.items()}


def cache_version() -> str:
    """What a cached conversion depends on besides the text: the extensions with their settings,
    and the versions of Python-Markdown and pymdown-extensions."""
    return versions("markdown", "pymdown-extensions") + "; " + _stable((_config.extensions, _config.configs))


def _stable(value: object) -> str:
    """A text for settings that is the same in every process (a function's repr holds its address)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_stable(k)}: {_stable(v)}" for k, v in sorted(value.items(), key=lambda i: str(i[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stable(v) for v in value) + "]"
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)
