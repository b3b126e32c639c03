"""The MkDocs (and ProperDocs) plugin: event adapters only; the work is in ``pipeline``.

It never writes into the docs folder (that makes ``mkdocs serve`` rebuild forever, mkdocs#1933):
pages are handed to MkDocs as in-memory ``File.generated`` objects whose edit link points at the
YAML record they come from.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from markupsafe import escape
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import cards as card_images
from . import pagecache, pagefind
from .cache import prune_files, write_file
from .errors import FactcheckError
from .headings import HeadingStyle
from .meta import page_description
from .pages import PAGE_CLASSES, GeneratedPage, nav_key
from .pipeline import DEFAULT_SITE_URL, Site, Theme, build_site
from .sanitize import MarkdownConfig

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page
    from jinja2 import Environment
    from mkdocs.structure.nav import Navigation

    from .graph import Graph

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
    search = opt.Choice(("auto", "pagefind", "material"), default="auto")
    """Search backend. ``pagefind``: a chunked Pagefind index of the claims, built before the pages
    are rendered and written into ``site/pagefind/``, with the header search box (and filters by verdict, topic, claimant
    and year) of ``theme_overrides``; the first search stays small at any size. ``material``:
    Material's search plugin (one index file the browser loads whole; fine for small sites).
    ``auto`` (the default): Material's where mkdocs.yml lists its ``search`` plugin, else Pagefind."""
    cache_pages = opt.Type(bool, default=True)
    """``mkdocs build`` keeps each generated page's themed output in ``.cache/factcheck/pages/`` and
    reuses it while nothing that went into it changed (``pagecache.py``); false renders every page."""


SPILL_BYTES = 64 * 1024
"""Generated files at least this large go to MkDocs as files in the cache, not as bytes (_spill)."""
SPILL_DIR = "files"
"""Their folder in ``.cache/factcheck/`` (outputs, not inputs: the workflows do not cache it)."""

MATERIAL_SEARCH = {"search", "material/search"}
"""Names under which Material's search plugin appears in ``config.plugins``."""


class FactcheckPlugin(BasePlugin[FactcheckPluginConfig]):
    def __init__(self) -> None:
        self.command: str = "build"
        self.content_dir = Path()
        self.site: Site | None = None
        self._own_epoch = False
        self.dirty = False
        self._index: pagefind.IndexJob | None = None
        self._last_index: pagefind.IndexJob | None = None
        """Under serve: the job whose bundle is in site_dir (an edit then rewrites only what changed)."""
        self._directory_urls = True
        self.search: Literal["pagefind", "material"] = "pagefind"
        """The search backend in effect (the ``search`` option with ``auto`` resolved)."""
        self._cache_dir = Path(".cache", "factcheck")
        self._spilled: set[Path] = set()
        """Files written by _spill in this build."""
        self._written: dict[str, bytes] = {}
        """src_uri → bytes of each generated file as last written to the --dirty cache."""
        self.theme = Theme()
        self._outputs: pagecache.PageOutputs | None = None
        """The page-output cache, under `mkdocs build` (serve has --dirty and a quick reload)."""
        self._nav: Navigation | None = None
        self._by_reads = False
        """Pages are keyed by what their views read, before they are rendered (``_key_by_reads``)."""

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> None:
        self.content_dir = Path(self.config.content_dir or config.docs_dir).resolve()
        self._directory_urls = config.use_directory_urls
        self._cache_dir = Path(config.config_file_path or ".").resolve().parent / ".cache" / "factcheck"
        # The site's own look: templates and labels in custom_dir/fc/, its Markdown extensions for
        # record fields, its toc settings for heading ids and permalinks.
        custom_dir = config.theme.custom_dir
        self.theme = Theme(custom_dirs=(Path(custom_dir),) if custom_dir else (),
                           markdown=MarkdownConfig.from_mkdocs(config.markdown_extensions, config.mdx_configs),
                           headings=HeadingStyle.from_toc_config(config.mdx_configs.get("toc", {})))
        self.search = _search_backend(self.config.search, MATERIAL_SEARCH & set(config.plugins))
        # Last, so that the site's and Material's templates come first: it holds only the template
        # of a page served from the page-output cache (Theme.dirs is MkDocs' list of theme folders;
        # the template loader is made from it when the build starts, after on_config).
        config.theme.dirs.append(str(pagecache.THEME_DIR))
        cache = self.config.cache_pages and self.command in ("build", "gh-deploy") and not self.dirty
        self._outputs = pagecache.PageOutputs(self._cache_dir / pagecache.FOLDER) if cache else None
        # Unless another plugin or hook sees or changes pages before they are themed: then a page
        # must be rendered for its key to hold what they did (``_key_outputs``).
        self._by_reads = self._outputs is not None and not _page_handlers(config.plugins, self)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Runs before MkDocs empties site_dir: a broken record stops the build with the last good
        # site still in place.
        drafts = self.config.drafts == "always" or (self.config.drafts == "serve" and self.command == "serve")
        self._index = None
        gc.unfreeze()  # what an earlier build under `serve` froze (below) may be garbage now
        try:
            self.site = build_site(self.content_dir, include_drafts=drafts, directory_urls=config.use_directory_urls,
                                   site_url=config.site_url or DEFAULT_SITE_URL, language=config.theme.get("language"),
                                   reuse=self.command == "serve", theme=self.theme,
                                   on_graph=self._start_index if self.search == "pagefind" else None,
                                   cards_dir=self._cache_dir / "cards", cache_dir=self._cache_dir)
        except FactcheckError as exc:
            # PluginError is printed by MkDocs as a plain "Error: ..." with exit code 1.
            raise PluginError("Fact-check records have problems:\n" + exc.report()) from None
        except pagefind.PagefindError as exc:
            raise PluginError(f"search: pagefind: {exc}") from None
        # The records, graph and views live to the end of the build: out of the cyclic garbage
        # collector's sight (CPython's gc.freeze), its full collections while MkDocs reads and
        # writes the pages no longer walk their millions of objects again and again (2.9 s of a
        # warm 10,000-claim build). on_post_build hands them back. Reference counting still frees
        # what is dropped in between.
        gc.freeze()
        if not self.site.labels.found:
            log.warning(f"factcheck: no labels for language {self.site.labels.language!r}; English stands in. "
                        f"Add fc/labels/{self.site.labels.language}.yml to the theme's custom_dir "
                        "(copy generator/labels/en.yml)")
        # MkDocs stamps the sitemap with the build date unless SOURCE_DATE_EPOCH is set; take the
        # newest record date instead, so the same content always builds to the same bytes.
        if self._own_epoch or "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(self.site.graph.epoch())
            self._own_epoch = True

    def _start_index(self, graph: Graph) -> None:
        # Called by build_site as soon as the graph is linked. Pagefind indexes in its own process;
        # on_post_build writes the bundle into site_dir.
        records = pagefind.search_records(graph, directory_urls=self._directory_urls)
        self._index = pagefind.IndexJob(records, language=graph.site.language, cache_dir=self._cache_dir)
        if self.command != "serve":
            # `mkdocs build` waits for it here, while this process is at its smallest (~0.43 GB
            # at 10,000 claims): pagefind needs ~0.4 GB for seconds, and beside MkDocs' own ~0.9 GB
            # at the end of the build the two came to 1.35 GB. Under `serve` (memory is not the
            # point there, a quick reload is) it runs on beside the rest of the build.
            self._index.wait()

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None, "on_pre_build runs first"
        # Records are input, not site content. (String prefixes: resolving 14,000 paths took a second.)
        folders = {str(self.content_dir), self.config.content_dir or config.docs_dir}
        inside = tuple(folder.rstrip(os.sep) + os.sep for folder in folders)
        for file in list(files):
            if file.src_uri.endswith((".yml", ".yaml")) and (file.abs_src_path or "").startswith(inside):
                files.remove(file)
        # Pages, then the other outputs (claimreview.json, claims.json, feed.xml, alias redirects).
        # Each page is a Page subclass (pages.py), made here so that MkDocs' navigation uses it;
        # its body is rendered only when MkDocs reads the page.
        titles = _nav_titles(config.nav or [])
        for src_uri, spec in self.site.specs.items():
            # Under --dirty, the body is rendered now, to tell which pages changed (see _cached).
            body = self.site.body(src_uri).encode("utf-8") if self.dirty else None
            file = self._add(files, config, src_uri, body, InclusionLevel.INCLUDED if src_uri in NAV_PAGES
                             else InclusionLevel.NOT_IN_NAV)
            file.edit_uri = self.site.origin(src_uri)
            PAGE_CLASSES[spec.template](titles.get(src_uri), file, config, self.site)
        for src_uri, data in self.site.files.items():
            self._add(files, config, src_uri, data, InclusionLevel.NOT_IN_NAV)
        self._prune_spilled()
        if (cards := self.site.cards) is not None:
            # Share cards go into site_dir from the card cache by the plugin, not as MkDocs files
            # (cards.CardJob: beside the pages under `mkdocs build`, after them under serve); MkDocs
            # has emptied site_dir by now.
            for src_uri in cards.files:
                if (clash := files.get_file_from_path(src_uri)) is not None:
                    raise PluginError(f"{clash.src_uri}: a hand-written file has the path of a share card; rename it")
            cards.publish(Path(config.site_dir))
            stats = cards.stats
            how = "in a process beside the pages" if cards.beside else f"{self.site.timings.get('cards', 0) * 1000:.0f} ms"
            log.info(f"factcheck: share cards: {stats.cards}, {stats.drawn} drawn, {stats.reused} from the cache "
                     f"({how})")
        log.info(f"factcheck: {self.site.summary()}")
        # MkDocs has them now (the large ones as files in the cache, see _spill); the dict would
        # keep them in memory to the end of the build too.
        self.site.files = {}
        return files

    def _add(self, files: Files, config: MkDocsConfig, src_uri: str, data: bytes | None, level: InclusionLevel) -> File:
        if (clash := files.get_file_from_path(src_uri)) is not None:
            raise PluginError(f"{clash.src_uri}: a hand-written file has the path of a generated one; rename it")
        if self.dirty and data is not None:
            file = File.generated(config, src_uri, abs_src_path=self._cached(src_uri, data), inclusion=level)
        elif (data is not None and len(data) >= SPILL_BYTES and self.command != "serve"  # serve: a quick reload first
              and (spilled := self._spill(src_uri, data))):
            file = File.generated(config, src_uri, abs_src_path=spilled, inclusion=level)
        else:
            # A page's body is rendered when MkDocs reads it (pages.GeneratedPage.read_source).
            file = File.generated(config, src_uri, content=data if data is not None else b"", inclusion=level)
        files.append(file)
        return file

    def _spill(self, src_uri: str, data: bytes) -> str | None:
        """Write a large generated file (claims.json, claimreview.json, image renditions) to
        ``.cache/factcheck/files/`` and let MkDocs copy it from there: held as bytes in a
        ``File``, it stays in memory to the end of the build, while every page is rendered (the
        two exports alone are ~93 MB at 10,000 claims). None if the cache cannot be written."""
        path = self._cache_dir / SPILL_DIR / src_uri
        if not write_file(path, data):
            log.debug(f"factcheck: {src_uri} kept in memory, the cache is not writable")
            return None
        self._spilled.add(path)
        return str(path)

    def _prune_spilled(self) -> None:
        """Remove the files a previous build spilled and this one did not (a deleted image)."""
        prune_files(self._cache_dir / SPILL_DIR, self._spilled)
        self._spilled = set()

    def _cached(self, src_uri: str, data: bytes) -> str:
        """Under ``--dirty``, back a generated file by a cache file rewritten only when its text changed.

        MkDocs counts in-memory files as always modified; a file whose modification time predates the
        built page is skipped, so after editing one record only the pages whose content changed (the
        claim and the listings and claims that show it) are rebuilt. The cache lives beside mkdocs.yml,
        never in the docs folder (writing there would make ``serve`` rebuild forever). Under ``serve``
        the texts of the last build are remembered, so unchanged pages cost no file access at all.
        """
        path = self._cache_dir / src_uri
        if self._written.get(src_uri) == data:
            self._written[src_uri] = data  # keep the new object, so the old one can go
            return str(path)
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        self._written[src_uri] = data
        return str(path)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        # Pages outside the navigation in one folder share their navigation (main.html renders it once).
        in_nav = [page.url for page in nav.pages]
        for file in files.documentation_pages():
            if isinstance(file.page, GeneratedPage):
                file.page.nav_key = nav_key(file.page.url, in_nav)
        self._nav = nav
        if self._by_reads and self._outputs is not None:
            self._key_by_reads(self._outputs, nav, config, files)
        return nav

    def _key_by_reads(self, outputs: pagecache.PageOutputs, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """Key every page outside the navigation by what its view reads (``views.Views.reads``) and
        the site's fingerprint, before any page is read: a page found in the cache is then neither
        rendered nor themed (at 10,000 claims its body alone took ~10 s of a build)."""
        assert self.site is not None, "on_pre_build runs first"
        shared = self._fingerprint(config, nav, self._globals())
        reads = pagecache.Reads(self.site)
        for file in files.documentation_pages():
            page = file.page
            if not isinstance(page, GeneratedPage) or page.nav_key is None:
                continue
            spec = self.site.specs[file.src_uri]
            if (digest := reads.page(spec)) is None:
                continue
            page.output_key = pagecache.key(shared, pagecache.reads_inputs(page, spec, page.page_meta(), digest))
            page.output_hit = outputs.has(page.output_key)

    def _fingerprint(self, config: MkDocsConfig, nav: Navigation | None, globals_: dict[str, Any]) -> str:
        return pagecache.fingerprint(
            config=config, theme_dirs=config.theme.dirs, theme=config.theme, plugins=config.plugins, nav=nav,
            globals_={k: v for k, v in globals_.items() if k.startswith("fc_")}, packaged=_packaged_theme_dirs(),
            base=str(Path(config.config_file_path or ".").resolve().parent))

    def _set_globals(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals.update(self._globals())
        return env

    def _globals(self) -> dict[str, Any]:
        """What the plugin adds to the theme's Jinja globals (the page-output cache keys them)."""
        # main.html renders the navigation of pages outside it once per folder; a new build
        # (serve reloads) may have a new navigation, so the cache starts empty each time.
        # The header search (main.html, partials/pagefind-search.html): its words and the verdicts
        # in the order of the scale (the filter lists them so, not alphabetically).
        return {"fc_nav_cache": {}, "fc_search": self._search_context() if self.search == "pagefind" else None}

    @event_priority(-100)  # last: the keys hold what every other plugin's on_env did to the globals
    def _key_outputs(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        if self._outputs is not None and not self._by_reads:
            self._use_outputs(self._outputs, env, config, files)
        return env

    on_env = CombinedEvent(_set_globals, _key_outputs)

    def _use_outputs(self, outputs: pagecache.PageOutputs, env: Environment, config: MkDocsConfig, files: Files) -> None:
        """Key every page of the page-output cache by its content (when other plugins or hooks see
        pages: ``_by_reads`` is off); a page whose output is kept gets the cache's template (MkDocs
        reads ``template`` from the page's metadata when it builds the page)."""
        shared = self._fingerprint(config, self._nav, env.globals)
        for file in files.documentation_pages():
            page = file.page
            if isinstance(page, GeneratedPage) and page.output_inputs is not None:
                page.output_key = pagecache.key(shared, page.output_inputs)
                if outputs.has(page.output_key):
                    page.meta["template"] = pagecache.TEMPLATE

    def _search_context(self) -> dict[str, Any]:
        assert self.site is not None, "on_pre_build runs first"
        labels = self.site.labels
        verdicts = [labels.pick(v.label) for v in self.site.graph.verdicts.values()]
        return {"labels": {key: labels(key) for key in ("search_filters", "search_any", "search_reset", "verdict",
                                                          "search_topic", "claimant", "search_year")},
                "filters": pagefind.FILTERS, "verdict_order": verdicts}

    @event_priority(-100)  # last: every other plugin's on_page_content has seen and changed the page
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if isinstance(page, GeneratedPage):
            page.content = html
            if (self._outputs is not None and not self._by_reads and page.nav_key is not None
                    and "template" not in page.meta):
                # Pages outside the navigation only: their output does not depend on where they sit in it.
                page.output_inputs = pagecache.page_inputs(page)
            return page.pack()  # held as UTF-8 till on_page_context (see GeneratedPage.pack)
        # Hand-written pages: description from their front matter, else their first sentences.
        if self.site is not None:
            description = str(page.meta.get("description") or page_description(html))
            page.meta["fc_og"] = self.site.default_meta(page.title or config.site_name, description)
            if "description" not in page.meta:
                page.meta["description"] = str(escape(description))  # Material writes it unescaped
        return html

    @event_priority(100)  # first: every other plugin's on_page_context sees the page's content
    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if isinstance(page, GeneratedPage):
            page.unpack()
            if page.meta.get("template") == pagecache.TEMPLATE and self._outputs is not None and page.output_key:
                entry = self._outputs.get(page.output_key)
                if entry is not None:
                    context["fc_page_output"], anchors = entry
                    page.present_anchor_ids = set(anchors)
                    page.output_served = True
                else:
                    # The entry went missing since it was found: the template renders the page as
                    # usual (and _keep_output keeps it again); a page keyed by reads has no body yet.
                    context["fc_page_output"] = None
                    if page.output_hit:
                        page.set_content(page.site.body(page.file.src_uri))
        return context

    @event_priority(100)  # first: the theme's output as it is, before any plugin changes it
    def _keep_output(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if isinstance(page, GeneratedPage) and page.output_key and self._outputs is not None and not page.output_served:
            self._outputs.put(page.output_key, output, page.present_anchor_ids or ())
        return output

    @event_priority(-100)  # last, so every other plugin's on_post_page still sees page.content
    def _drop_content(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        # The page is written: its HTML can go (MkDocs would keep every page's to the end).
        if isinstance(page, GeneratedPage):
            page.content = None
        return output

    on_post_page = CombinedEvent(_keep_output, _drop_content)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()
        if self.site is not None and self.site.cards is not None:
            start = time.perf_counter()
            try:
                self.site.cards.wait()
            except card_images.CardError as exc:
                raise PluginError(f"share cards: {exc}") from None
            waited, stats = time.perf_counter() - start, self.site.cards.stats
            if self.site.cards.beside:
                # The process's own seconds are not the build's: "(… ms)" is kept for what the build
                # waited, as the benchmark reads stage times from the last parenthesis.
                log.info(f"factcheck: share cards drawn in {stats.draw_seconds:.1f} s and copied in "
                         f"{stats.copy_seconds:.1f} s beside the pages (cards_wait {waited * 1000:.0f} ms)")
            else:
                log.info(f"factcheck: share cards copied into the site (cards_copy {waited * 1000:.0f} ms)")
        if self.site is not None:
            log.info(f"factcheck: {len(self.site.specs)} pages rendered from templates "
                     f"(render {self.site.render_seconds * 1000:.0f} ms)")
        if self._outputs is not None:
            removed = self._outputs.prune()
            log.info(f"factcheck: page-output cache: {self._outputs.hits} pages from it, {self._outputs.stored} "
                     f"themed and kept, {removed} old entries removed; pages keyed by "
                     + ("what their views read" if self._by_reads else "their content (other plugins see pages)"))
        # After MkDocs has written (and, before that, emptied) site_dir, so the bundle stays.
        if self._index is None:
            return
        job, self._index = self._index, None
        try:
            stats = job.write(Path(config.site_dir), previous=self._last_index if self.dirty else None)
        except pagefind.PagefindError as exc:
            raise PluginError(f"search: pagefind: {exc}") from None
        self._last_index = job if self.command == "serve" else None
        how = "from the build cache (the same records as before)" if stats["from_cache"] else \
            f"{stats['seconds']:.1f} s after it was begun"
        log.info(f"factcheck: pagefind index of {stats['records']} claims written to {pagefind.BUNDLE_DIR}/ "
                 f"({stats['files']} files, {stats['bytes'] / 1e6:.1f} MB), {how}")

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        if self.site is not None and self.site.cards is not None:
            self.site.cards.cancel()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> None:
        # docs_dir is watched already; a content_dir elsewhere must be watched too.
        if not _inside(str(self.content_dir), Path(config.docs_dir).resolve()):
            server.watch(str(self.content_dir))


def _search_backend(option: str, material: set[str]) -> Literal["pagefind", "material"]:
    """The backend for the ``search`` option, given the names of Material's search plugin that
    mkdocs.yml lists (``material``)."""
    if option == "auto":
        return "material" if material else "pagefind"
    if option == "pagefind" and material:
        # Both would build an index and the header would show Material's box; a warning fails --strict.
        log.warning("factcheck: search: pagefind is set, but Material's search plugin is configured too; "
                    "remove 'search' from the plugins in mkdocs.yml")
    elif option == "material" and not material:
        log.warning("factcheck: search: material is set, but Material's search plugin is not configured, so the "
                    "site has no search; add 'search' to the plugins in mkdocs.yml or use search: pagefind")
    return "pagefind" if option == "pagefind" else "material"


PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "page_context")
"""Events in which a plugin sees a page's source or content before it is themed."""


def _page_handlers(plugins: Mapping[str, Any], own: object) -> list[str]:
    """Names of the other plugins and hooks (MkDocs keeps a hook as its module) handling one of
    ``PAGE_EVENTS``: a page served by ``_key_by_reads`` would reach them unread and empty."""
    return sorted(name for name, plugin in plugins.items() if plugin is not own
                  and any(callable(getattr(plugin, f"on_{event}", None)) for event in PAGE_EVENTS))


def _packaged_theme_dirs() -> list[Path]:
    """MkDocs' and Material's own folders: the page-output cache knows them by their version."""
    import mkdocs
    import material

    return [Path(mkdocs.__file__).parent, Path(material.__file__).parent]


def _nav_titles(nav: list[Any]) -> dict[str, str]:
    """src_uri → the title mkdocs.yml's ``nav`` gives it (``- Faktenchecks: latest/index.md``).
    Pages made in on_files keep their nav title only if they are given it."""
    titles: dict[str, str] = {}
    for item in nav:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    titles[value] = title
                elif isinstance(value, list):
                    titles.update(_nav_titles(value))
    return titles


def _inside(path: str | None, folder: Path) -> bool:
    return path is not None and Path(path).resolve().is_relative_to(folder)
