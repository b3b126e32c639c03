"""The MkDocs (and ProperDocs) plugin: event adapters only; the work is in ``pipeline``.

It never writes into the docs folder (that makes ``mkdocs serve`` rebuild forever, mkdocs#1933):
pages are handed to MkDocs as in-memory ``File.generated`` objects whose edit link points at the
YAML record they come from.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .errors import FactcheckError
from .pipeline import DEFAULT_SITE_URL, Site, build_site

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

NAV_PAGES = {"index.md", "latest/index.md", "verdicts/index.md", "topics/index.md", "claimants/index.md",
             "articles/index.md", "months/index.md", "corrections/index.md"}
"""Generated pages that may appear in the navigation; every other one is kept out of it, because a
nav listing every claim makes build time and site size grow quadratically with the claim count."""


class FactcheckPluginConfig(Config):
    content_dir = opt.Optional(opt.Dir(exists=True))
    """Folder with the records; defaults to ``docs_dir``."""
    drafts = opt.Choice(("serve", "always", "never"), default="serve")
    """When drafts and records in review are rendered: only under ``mkdocs serve`` by default."""


class FactcheckPlugin(BasePlugin[FactcheckPluginConfig]):
    def __init__(self) -> None:
        self.command: str = "build"
        self.content_dir = Path()
        self.site: Site | None = None
        self._own_epoch = False
        self.dirty = False

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> None:
        self.content_dir = Path(self.config.content_dir or config.docs_dir).resolve()

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs empties site_dir: a broken record stops the build with the last good
        # site still in place.
        drafts = self.config.drafts == "always" or (self.config.drafts == "serve" and self.command == "serve")
        try:
            self.site = build_site(self.content_dir, include_drafts=drafts, directory_urls=config.use_directory_urls,
                                   site_url=config.site_url or DEFAULT_SITE_URL, language=config.theme.get("language"))
        except FactcheckError as exc:
            # PluginError is printed by MkDocs as a plain "Error: ..." with exit code 1.
            raise PluginError("Fact-check records have problems:\n" + exc.report()) from None
        # MkDocs stamps the sitemap with the build date unless SOURCE_DATE_EPOCH is set; take the
        # newest record date instead, so the same content always builds to the same bytes.
        if self._own_epoch or "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(self.site.graph.epoch())
            self._own_epoch = True

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None, "on_pre_build runs first"
        for file in list(files):  # records are input, not site content
            if file.src_uri.endswith((".yml", ".yaml")) and _inside(file.abs_src_path, self.content_dir):
                files.remove(file)
        # Pages, then the other outputs (claimreview.json, claims.json, feed.xml, alias redirects).
        for src_uri, text in {**self.site.pages, **self.site.files}.items():
            if (clash := files.get_file_from_path(src_uri)) is not None:
                raise PluginError(f"{clash.src_uri}: a hand-written file has the path of a generated one; rename it")
            level = InclusionLevel.INCLUDED if src_uri in NAV_PAGES else InclusionLevel.NOT_IN_NAV
            if self.dirty:
                file = File.generated(config, src_uri, abs_src_path=_cached(config, src_uri, text), inclusion=level)
            else:
                file = File.generated(config, src_uri, content=text, inclusion=level)
            if src_uri in self.site.pages:
                file.edit_uri = self.site.origin(src_uri)
            files.append(file)
        log.info(f"factcheck: {self.site.summary()}")
        return files

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        # main.html puts this into <head>; it is escaped for a script element already.
        if self.site is not None and (script := self.site.head.get(page.file.src_uri)):
            page.meta["claimreview_jsonld"] = script
        return context

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> None:
        # docs_dir is watched already; a content_dir elsewhere must be watched too.
        if not _inside(str(self.content_dir), Path(config.docs_dir).resolve()):
            server.watch(str(self.content_dir))


def _cached(config: MkDocsConfig, src_uri: str, text: str) -> str:
    """Under ``--dirty``, back a generated file by a cache file rewritten only when its text changed.

    MkDocs counts in-memory files as always modified; a file whose modification time predates the
    built page is skipped, so after editing one record only the pages whose Markdown changed (the
    claim and the listings and claims that show it) are rebuilt. The cache lives beside mkdocs.yml,
    never in the docs folder (writing there would make ``serve`` rebuild forever).
    """
    path = Path(config.config_file_path or ".").resolve().parent / ".cache" / "factcheck" / src_uri
    data = text.encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return str(path)


def _inside(path: str | None, folder: Path) -> bool:
    return path is not None and Path(path).resolve().is_relative_to(folder)
