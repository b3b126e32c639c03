"""MkDocs page objects for generated pages: their HTML, title and table of contents come from the
render stage as they are, so Python-Markdown never parses them. Used by ``plugin``.
"""

from __future__ import annotations

import html
import posixpath
from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .render import Heading
from .render import Page as RenderedHTML

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


class RenderedPage(Page):
    """A generated page: its HTML, title and table of contents come from the render stage as they are."""

    rendered: RenderedHTML
    nav_key: str | None = None
    """Pages with the same key have the same navigation (main.html renders it once per key)."""

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""  # nothing for Python-Markdown; hooks that read it see an empty page
        self.meta = self.rendered.meta()

    def render(self, config: MkDocsConfig, files: Files) -> None:
        # MkDocs renders every page before it writes any, and would hold every page's HTML as a
        # string till the end: ~260 MB at 10,000 claims. The HTML stays UTF-8 in ``rendered`` and
        # becomes the page's content only while the page is written (on_page_context to
        # on_post_page); till then the content is empty, which no hook of this site reads.
        self.content = ""
        self.toc = get_toc(_toc_tokens(self.rendered.toc))
        self._title_from_render = self.rendered.title
        self.present_anchor_ids = {heading.id for heading in self.rendered.toc}


WRITTEN = RenderedHTML("", b"", ())
"""What a generated page object holds once MkDocs has written the page."""


def _toc_tokens(headings: tuple[Heading, ...]) -> list[dict[str, Any]]:
    """Flat headings → the nested tokens of Python-Markdown's toc extension, which MkDocs reads."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for heading in headings:
        token = {"level": heading.level, "id": heading.id, "name": html.escape(heading.text), "children": []}
        while stack and stack[-1]["level"] >= heading.level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def nav_key(url: str, in_nav: list[str]) -> str | None:
    """The folder of a page outside the navigation: its siblings' navigation links are the same as
    its own, unless a nav page lies below it (then a link differs, and it gets no key)."""
    if not url or any(other.startswith(url) for other in in_nav):
        return None
    return posixpath.dirname(url.rstrip("/")) + "/"
