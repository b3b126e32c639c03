"""MkDocs pages for generated pages: ``Page`` subclasses, one per kind, as Material's blog plugin
does it (``Post``, ``View``). Used by ``plugin``.

A generated page goes through MkDocs' page lifecycle like a hand-written one:

* ``read_source`` renders the page's body template (``fc/claim.html`` …) into ``page.markdown``,
  so ``on_page_markdown`` of other plugins and hooks gets the page as HTML (valid Markdown: raw
  HTML blocks) and may change it; the title and search settings go into ``page.meta``, as front
  matter would;
* ``render`` adds heading ids and permalinks in the site's ``toc`` style and sets ``content``,
  ``toc`` and ``present_anchor_ids`` (what Python-Markdown would have produced; it is skipped:
  at 10,000 claims its parse was more than half of the build); ``on_page_content``,
  ``on_page_context`` and ``on_post_page`` then see and may change the page as usual.

Each page is rendered when MkDocs reads it, one at a time; nothing keeps a copy of every page.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, ClassVar

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .cards import DEFLATER
from .errors import FactcheckError
from .headings import toc_tokens
from .pagecache import TEMPLATE

_DEFLATE = DEFLATER.module
"""zlib's interface: ISA-L's where installed (pyproject: x86-64, ARM64), else Python's zlib."""

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    from .pipeline import Site


class GeneratedPage(Page):
    """A page the generator makes from records; ``template`` names its body template."""

    template: ClassVar[str] = ""
    site: Site
    nav_key: str | None = None
    """Pages with the same key have the same navigation (main.html renders it once per key)."""
    output_inputs: str | None = None
    """Hash of what the page brings to the theme's render (``pagecache.page_inputs``), if it may be cached."""
    output_key: str | None = None
    """Its key in the page-output cache (``plugin._use_outputs``)."""
    output_served: bool = False
    """Whether this build wrote it from the page-output cache."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, site: Site) -> None:
        super().__init__(title, file, config)
        self.site = site

    output_hit: bool = False
    """Whether its themed output was found in the page-output cache before the page was read
    (``plugin._key_by_reads``): its body is then not rendered at all."""
    _meta: dict[str, object] | None = None

    def page_meta(self) -> dict[str, object]:
        """What the page says in its front matter and ``<head>``, computed once (the plugin may
        need it for the page's cache key before MkDocs reads the page)."""
        if self._meta is None:
            src_uri = self.file.src_uri
            self._meta = self.site.specs[src_uri].meta()
            # Description, Open Graph and Twitter values, noindex (theme_overrides/partials/fc-meta.html).
            self._meta.update(self.site.meta(src_uri))
            if script := self.site.head.get(src_uri):
                # main.html puts this into <head>; it is escaped for a script element already.
                self._meta["claimreview_jsonld"] = script
        return self._meta

    def read_source(self, config: MkDocsConfig) -> None:
        self.meta, self._meta = self.page_meta(), None
        if self.output_hit:
            # The cache's template writes the kept output (on_page_context of the plugin reads it).
            self.meta["template"] = TEMPLATE
            self.markdown = ""
            return
        try:
            # Under `--dirty` the file is backed by the body as last rendered (plugin._cached).
            self.markdown = self.file.content_string if self.file.abs_src_path else self.site.body(self.file.src_uri)
        except FactcheckError as exc:
            raise PluginError(f"Page template problem:\n{exc.report()}") from None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        if self.output_hit:
            # Nothing to render: the output is kept, and its heading ids come with it.
            self.content, self.toc, self.present_anchor_ids = "", get_toc([]), set()
            return
        self.set_content(self.markdown)
        # MkDocs keeps every page's content until it has written them all; the body it came
        # from need not stay too (at 10,000 claims that would be another ~250 MB).
        self.markdown = ""

    def set_content(self, body: str) -> None:
        """Heading ids in the site's style, ``content``, ``toc`` and ``present_anchor_ids`` from a body
        (what Python-Markdown would have produced)."""
        self.content, headings = self.site.finish(body)
        self.toc = get_toc(toc_tokens(headings))
        self.present_anchor_ids = {heading.id for heading in headings}

    packed: bytes | None = None

    def pack(self) -> str:
        """After every plugin's on_page_content: hold the content compressed until the page is
        written. MkDocs renders all pages before it writes any, so every page's content is in
        memory at once: reading the 14,812 pages of 10,000 claims added 204 MiB to the process
        with the content as UTF-8, 97 MiB with it deflated (the rest is MkDocs' page objects).
        ISA-L (as for the share cards) deflates ~380 MB/s, so this costs ~1 s at 10,000 claims
        (zlib, where ISA-L has no wheel: ~4 s). Returns the empty content."""
        if self.content:
            self.packed, self.content = _DEFLATE.compress(self.content.encode("utf-8"), 1), ""
        return self.content or ""

    def unpack(self) -> None:
        """Before any plugin's on_page_context: the content as it was."""
        if self.packed is not None:
            self.content, self.packed = _DEFLATE.decompress(self.packed).decode("utf-8"), None


class HomePage(GeneratedPage):
    template = "fc/home.html"


class ClaimPage(GeneratedPage):
    template = "fc/claim.html"


class ListingPage(GeneratedPage):
    template = "fc/listing.html"


class ClaimantPage(GeneratedPage):
    template = "fc/claimant.html"


class ArticlePage(GeneratedPage):
    template = "fc/article.html"


class IndexPage(GeneratedPage):
    template = "fc/index.html"


class ScalePage(GeneratedPage):
    template = "fc/verdicts.html"


class CorrectionsPage(GeneratedPage):
    template = "fc/corrections.html"


PAGE_CLASSES: dict[str, type[GeneratedPage]] = {cls.template: cls for cls in (
    HomePage, ClaimPage, ListingPage, ClaimantPage, ArticlePage, IndexPage, ScalePage, CorrectionsPage)}
"""Body template → page class."""


def nav_key(url: str, in_nav: list[str]) -> str | None:
    """The folder of a page outside the navigation: its siblings' navigation links are the same as
    its own, unless a nav page lies below it (then a link differs, and it gets no key)."""
    if not url or any(other.startswith(url) for other in in_nav):
        return None
    return posixpath.dirname(url.rstrip("/")) + "/"
