"""Heading ids, permalinks and the table of contents of a generated page, in the site's own style.

Generated pages are HTML from templates, so Python-Markdown's ``toc`` extension never sees them.
This does its part on that HTML, configured from the same ``toc`` settings of ``mkdocs.yml``
(``permalink``, ``permalink_title``, ``permalink_class``, ``permalink_leading``, ``slugify``,
``separator``, ``toc_depth``), so headings on generated and hand-written pages look alike.
A heading that already has an ``id`` keeps it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markdown.extensions.toc import slugify as markdown_slugify
from markdown.extensions.toc import unique

_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1\s*>", re.DOTALL)
_ID = re.compile(r' id="([^"]*)"')  # a literal start: the scan of a 50 kB page stays fast
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str
    """Plain text (not HTML)."""


@dataclass(frozen=True)
class HeadingStyle:
    """The ``toc`` extension's settings that shape headings. The defaults are this project's
    ``mkdocs.yml`` (``toc: permalink: true``) for callers without a site configuration."""

    permalink: bool | str = True
    permalink_title: str = "Permanent link"
    permalink_class: str = "headerlink"
    permalink_leading: bool = False
    slugify: Callable[[str, str], str] = markdown_slugify
    separator: str = "-"
    depth: tuple[int, int] = (1, 6)

    @classmethod
    def from_toc_config(cls, toc: Mapping[str, Any]) -> HeadingStyle:
        """From ``mdx_configs["toc"]`` of a MkDocs config (Python-Markdown's defaults where unset)."""
        return cls(permalink=toc.get("permalink", False), permalink_title=toc.get("permalink_title", "Permanent link"),
                   permalink_class=toc.get("permalink_class", "headerlink"),
                   permalink_leading=bool(toc.get("permalink_leading", False)),
                   slugify=toc.get("slugify", markdown_slugify), separator=toc.get("separator", "-"),
                   depth=_depth(toc.get("toc_depth", 6)))

    @property
    def permalink_text(self) -> str:
        return "¶" if self.permalink is True else str(self.permalink)


def _depth(value: int | str) -> tuple[int, int]:
    """``toc_depth``: 3 → (1, 3); "2-4" → (2, 4) (Python-Markdown's two forms)."""
    if isinstance(value, str) and "-" in value:
        top, bottom = (int(x) for x in value.split("-"))
        return top, bottom
    return 1, int(value)


_memo: dict[HeadingStyle, dict[str, tuple[str, str]]] = {}
"""Per style: a heading's inner HTML → (its text, its slug). Pages repeat the same few headings
thousands of times ("Analyse", "Belege", …), so each is worked out once."""


def add_ids(body: str, style: HeadingStyle) -> tuple[str, tuple[Heading, ...]]:
    """Give every heading of ``body`` a unique id (and a permalink, as configured); return the
    new HTML and the headings in order, for the table of contents."""
    used: set[str] = set(_ID.findall(body))  # ids already on the page are taken
    headings: list[Heading] = []
    top, bottom = style.depth
    memo = _memo.setdefault(style, {})
    if len(memo) > 100_000:  # a long `mkdocs serve` session: start afresh rather than grow
        memo.clear()
    marker = f'class="{style.permalink_class}"'
    link_start = f'<a class="{html.escape(style.permalink_class)}" href="#'
    link_end = f'" title="{html.escape(style.permalink_title)}">{html.escape(style.permalink_text)}</a>'

    def one(match: re.Match[str]) -> str:
        level, attrs, inner = int(match[1]), match[2], match[3]
        if (known := memo.get(inner)) is None:
            text = html.unescape(_TAG.sub("", inner)).strip()
            known = memo[inner] = (text, style.slugify(text, style.separator) or "_")
        text, slug = known
        if attrs and (found := _ID.search(attrs)):
            anchor = html.unescape(found[1])
        else:
            anchor = unique(slug, used) if slug in used else slug
            used.add(anchor)
            attrs = f' id="{html.escape(anchor)}"' + attrs
        if not top <= level <= bottom:
            return f"<h{level}{attrs}>{inner}</h{level}>"
        headings.append(Heading(level, anchor, text))
        if style.permalink and marker not in inner:
            link = link_start + html.escape(anchor) + link_end
            inner = link + inner if style.permalink_leading else inner + link
        return f"<h{level}{attrs}>{inner}</h{level}>"

    return _HEADING.sub(one, body), tuple(headings)


def toc_tokens(headings: tuple[Heading, ...]) -> list[dict[str, Any]]:
    """Flat headings → the nested tokens of Python-Markdown's toc extension (what MkDocs'
    ``get_toc`` reads)."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for heading in headings:
        token = {"level": heading.level, "id": heading.id, "name": html.escape(heading.text), "children": []}
        while stack and stack[-1]["level"] >= heading.level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root
