"""The page-output cache: a generated page's themed HTML, kept from one ``mkdocs build`` to the next.

MkDocs renders every page through the theme on every build (its only incremental mode, ``--dirty``,
warns and leaves stale pages), and between two commits almost every page comes out the same. So the
theme's output of each generated page outside the navigation (Material's ``base.html`` with the
navigation, header and footer around the page's body) is kept in ``.cache/factcheck/pages/``, keyed
by a hash of everything that goes into that render (at 10,000 claims a build after one edit went
from 0.84× a cold build to 0.44×; README "Performance"):

* the site (``fingerprint``): the loaded configuration (``mkdocs.yml`` with ``!ENV`` resolved: site
  URL, theme options, extra, Markdown settings), every plugin's and hook's name, settings and source
  file, every file of every theme folder (``custom_dir``'s by content; MkDocs' and Material's own by
  their version), the navigation (titles, URLs, nesting), the Jinja globals the plugin adds, the
  build date MkDocs hands templates (only if a site template reads it), and the versions of MkDocs,
  Material, Jinja, MarkupSafe, Python-Markdown and pymdown-extensions;
* the page, by default (``reads_inputs``): its URL, metadata (description, share data, ClaimReview
  JSON-LD …), edit and canonical URLs, its spec, and what its view reads (``Reads``: the records and
  lists ``views.Views.reads`` declares, the site-wide records, labels and settings, and the
  generator's own files). The key is known before the page is read, so a page found in the cache
  is not rendered at all;
* or, when another plugin or hook sees pages before they are themed (``plugin.PAGE_EVENTS``), the
  page as they left it (``page_inputs``): URL, title, content, table of contents, metadata, edit
  and canonical URLs. Every body is then rendered; only the theme's render is saved.

A page whose key is in the cache is rendered with ``fc/page-output.html``, a template that writes the
kept output as it is, named through the page's ``template`` metadata as MkDocs documents it (and read
by MkDocs when it builds the page, after every plugin's ``on_env``). An entry holds the page's
heading ids too (MkDocs checks links to them). Every other page is rendered as always and its
output kept for the next build. Other plugins' ``on_post_page`` handlers run on either.

Only pages outside the navigation are kept (claims, listings, articles …: all but eight): their
navigation links are the same on every one (``pages.nav_key``), so no part of their output depends on
where they sit in it. Nothing is trusted that was not made from the same inputs; a changed record
changes the reads (or the content) of its pages and so their keys. What a key does not cover is a
template that reads the list of *all* pages (MkDocs' ``pages`` variable; Material's templates do
not): README "How it works".

One file per page, deflated (ISA-L where installed), named by its key; entries this build did not use
are removed at its end, so the folder holds one build's pages.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .cache import prune_files, versions, write_file
from .cards import DEFLATER

if TYPE_CHECKING:
    from .pipeline import Site
    from .views import PageSpec

TEMPLATE = "fc/page-output.html"
"""The template of a page served from the cache (in ``THEME_DIR``)."""
THEME_DIR = Path(__file__).parent / "theme"
"""Appended to the theme's folders by the plugin: every other folder comes first."""
FOLDER = "pages"
"""The cache's folder in ``.cache/factcheck/``."""
VERSION = "2"
"""Part of every key: raise it when what a key covers changes."""

_DEFLATE = DEFLATER.module
_LIBRARIES = ("mkdocs", "mkdocs-material", "jinja2", "markupsafe", "pymdown-extensions", "markdown")


def _digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))  # length-prefixed: ("ab", "c") ≠ ("a", "bc")
        h.update(data)
    return h.hexdigest()


def plain(value: Any) -> Any:
    """``value`` as JSON-able data for a key: mappings and sequences recursively, everything else as
    its ``str`` (paths, URLs, config objects) — never ``repr``, which can hold a memory address."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping) or callable(getattr(value, "items", None)):  # and Config objects, mapping-like
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True)) if isinstance(value, (set, frozenset)) else items
    kind = type(value)
    if hasattr(value, "__qualname__") and hasattr(value, "__module__"):  # a function or class (a slugify setting)
        return f"{value.__module__}.{value.__qualname__}"
    if kind.__str__ is object.__str__ and kind.__repr__ is object.__repr__:  # "<… at 0x…>" differs per run
        return f"{kind.__module__}.{kind.__qualname__}"
    return str(value)


def _dump(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def template_files(dirs: Iterable[str | Path], packaged: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    """Every file of the theme folders (templates and what they include: partials, icons), as
    (name, bytes), in the loader's order of precedence, sorted within a folder. Folders inside
    ``packaged`` (MkDocs', Material's: thousands of icons) stand for themselves by their package's
    version, which the fingerprint holds."""
    inside = tuple(Path(p).resolve() for p in packaged)
    for position, folder in enumerate(dirs):
        root = Path(folder).resolve()
        if not root.is_dir():
            continue
        if any(root == p or p in root.parents for p in inside):
            yield f"{position}:packaged:{root.name}", b""
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield f"{position}:{path.relative_to(root).as_posix()}", path.read_bytes()


def fingerprint(*, config: Mapping[str, Any], theme_dirs: Iterable[str | Path], packaged: Iterable[Path],
                theme: Mapping[str, Any], plugins: Mapping[str, Any], nav: Any, globals_: Mapping[str, Any],
                base: str) -> str:
    """The key part every page shares (module docstring). ``base``: the config file's folder, made
    relative so that a checkout elsewhere (a CI runner's workspace) keeps its keys."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{VERSION}; {versions(*_LIBRARIES)}".encode())
    # How MkDocs runs, not what it writes: where the site goes (`-d`), whether warnings fail the
    # build (`--strict`), what `serve` watches and listens on.
    skip = {"plugins", "theme", "nav", "config_file_path", "site_dir", "strict", "watch", "dev_addr"}
    settings = {k: v for k, v in config.items() if k not in skip}
    h.update(_dump(settings).replace(base, ".").encode("utf-8"))
    h.update(_dump(theme).replace(base, ".").encode("utf-8"))
    for name, plugin in sorted(plugins.items()):
        source = _plugin_source(plugin)
        h.update(_digest(name, type(plugin).__module__, type(plugin).__qualname__,
                         _dump(getattr(plugin, "config", {})).replace(base, "."), source).encode())
    reads_date = False
    for name, data in template_files(theme_dirs, packaged):
        h.update(_digest(name, data).encode())
        reads_date = reads_date or b"build_date_utc" in data
    if reads_date:
        # MkDocs hands every template the build date (SOURCE_DATE_EPOCH: the plugin sets the newest
        # record's date). Neither MkDocs' nor Material's page templates show it; a site template
        # that does makes it part of every key (a newer record then re-renders every page).
        h.update(os.environ.get("SOURCE_DATE_EPOCH", "-").encode())
    h.update(_dump(nav_outline(nav)).encode("utf-8"))
    h.update(_dump(globals_).encode("utf-8"))
    return h.hexdigest()


def _plugin_source(plugin: Any) -> bytes:
    """The source file of a hook (MkDocs keeps a hook as its module) or of a plugin's class, else b""."""
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    path = getattr(module, "__file__", None)
    try:
        return Path(path).read_bytes() if path else b""
    except OSError:
        return b""


def nav_outline(nav: Any) -> list[Any]:
    """Titles, URLs and the nesting of the navigation (what every page's header and sidebar show)."""
    def item(node: Any) -> list[Any]:
        children = getattr(node, "children", None) or []
        return [type(node).__name__, getattr(node, "title", None), getattr(node, "url", None),
                [item(child) for child in children]]
    return [item(node) for node in getattr(nav, "items", [])]


def toc_outline(toc: Iterable[Any]) -> list[Any]:
    return [[entry.title, entry.id, entry.level, toc_outline(entry.children)] for entry in toc]


def page_inputs(page: Any) -> str:
    """The hash of what a page brings to its render (module docstring); taken once every plugin's
    ``on_page_content`` has run."""
    return _digest(_dump([*_place(page), page.title, page.meta, toc_outline(page.toc)]), page.content or "")


def _place(page: Any) -> list[Any]:
    """Where a page sits, in both kinds of key: URL, source path, inclusion, edit and canonical URL."""
    return [page.url, page.file.src_uri, str(page.file.inclusion), page.edit_url, page.canonical_url,
            page.is_homepage]


def reads_inputs(page: Any, spec: PageSpec, meta: Mapping[str, Any], reads: str) -> str:
    """What a page brings to its render, without rendering it: its place (URL, edit and canonical
    URL …), its metadata, its spec and the digest of what its view reads (``Reads.page``). Its body
    is a function of these and of the site (its templates, labels, settings: ``Reads.site`` and the
    fingerprint)."""
    return _digest(_dump([*_place(page), meta, spec.template, spec.title, spec.search, list(spec.args)]), reads)


@functools.cache
def package_digest() -> str:
    """Every file of the generator (its code, page templates and labels): a new version of it may
    render the same records differently."""
    root = Path(__file__).parent
    h = hashlib.blake2b(digest_size=20)
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(_digest(path.relative_to(root).as_posix(), path.read_bytes()).encode())
    return h.hexdigest()


def _value(value: Any) -> bytes:
    """A read's value as bytes: a record as its JSON, anything else (lists of ids, marks, image
    renditions: plain values and dataclasses of them) as its ``repr``."""
    if isinstance(value, BaseModel):
        return value.model_dump_json().encode("utf-8", "surrogatepass")
    text = repr(value)
    if " at 0x" in text:  # a memory address: never the same twice
        raise ValueError(f"page-output cache: no stable value for {type(value).__name__}")
    return text.encode("utf-8", "surrogatepass")


class Reads:
    """Digests of what each page's view reads (``views.Views.reads``), each part computed once per
    build (a claim stands in a dozen pages), and of the site-wide parts every view reads."""

    def __init__(self, site: Site) -> None:
        from .sanitize import cache_version

        self.views = site.views
        g, labels = site.graph, site.labels
        self.site = _digest(package_digest(), cache_version(), _dump([
            site.site_url, self.views.directory_urls, sorted(self.views.pages), labels.language, labels.table.language,
            labels.table.labels, labels.table.months, labels.table.date_format]),  # not .source: a path
            *(x.model_dump_json() for x in (g.site, g.scale, *g.verdicts.values(), *g.topics.values(),
                                             *g.people.values())))
        self._parts: dict[tuple[str, ...], str] = {}

    def part(self, dep: tuple[str, ...]) -> str:
        found = self._parts.get(dep)
        if found is None:
            found = self._parts[dep] = _digest("\x00".join(dep), _value(self.views.read_value(dep)))
        return found

    def page(self, spec: PageSpec) -> str | None:
        """The digest of everything ``spec``'s view reads; None for a page that reads the whole graph."""
        deps = self.views.reads(spec)
        if deps is None:
            return None
        return _digest(self.site, *(self.part(dep) for dep in deps))


def key(shared: str, inputs: str) -> str:
    """A page's key: the site's fingerprint and the page's inputs."""
    return _digest(shared, inputs)


class PageOutputs:
    """The cache folder: ``get`` and ``put`` by key; ``prune`` removes what this build did not touch."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[Path] = set()
        self.hits = 0
        self.stored = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> tuple[str, list[str]] | None:
        """The kept output and the ids of its headings (MkDocs checks links to them), or None when
        it is missing or unreadable (a cache is never an error)."""
        path = self._path(key)
        try:
            anchors, output = _DEFLATE.decompress(path.read_bytes()).decode("utf-8", "surrogatepass").split("\n", 1)
            ids = json.loads(anchors)
        except (OSError, ValueError, _DEFLATE.error):
            return None
        if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
            return None
        self._used.add(path)
        self.hits += 1
        return output, ids

    def put(self, key: str, output: str, anchors: Iterable[str] = ()) -> None:
        path = self._path(key)
        self._used.add(path)
        entry = json.dumps(sorted(anchors), ensure_ascii=False) + "\n" + output
        if write_file(path, _DEFLATE.compress(entry.encode("utf-8", "surrogatepass"), 1)):
            self.stored += 1

    def prune(self) -> int:
        """Remove the entries (and leftovers of killed builds) this build neither read nor wrote."""
        return prune_files(self.folder, self._used)
