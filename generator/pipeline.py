"""load → validate → link → render, shared by the CLI and the MkDocs plugin.

Everything is gathered and checked before any page is rendered, and nothing here writes files:
a broken record stops the run with every problem listed and no output touched.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .claimreview import claim_reviews, exports, head_scripts
from .errors import FactcheckError
from .graph import Graph, link
from .i18n import Labels
from .media import Stamp, build_media
from .model import Claim
from .records import SINGLE_FILES, load_records
from .render import Page, Renderer
from .validate import validate_records


@dataclass
class Site:
    graph: Graph
    pages: dict[str, Page]
    """src_uri → rendered page (HTML, title, headings), sorted by src_uri."""
    head: dict[str, str] = field(default_factory=dict)
    """src_uri → escaped ClaimReview JSON-LD for that page's <head>."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Other site files by path: claimreview.json, claims.json, feed.xml, alias redirects (UTF-8) and
    the claims' images (``media/…``, renditions made by ``media.build_media``)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage, for the build summary and the benchmark."""

    def counts(self) -> str:
        """Records by kind (claims also by status), e.g. for ``factcheck check``."""
        g = self.graph
        status = Counter(c.status for c in g.claims.values())
        by_status = ", ".join(f"{n} {k}" for k, n in sorted(status.items()))
        return (f"{len(g.claims)} claims ({by_status or 'none'}), {len(g.claimants)} claimants, "
                f"{len(g.articles)} articles, {len(g.people)} people, {len(g.verdicts)} verdicts, {len(g.topics)} topics")

    def summary(self) -> str:
        """The one-line build summary: records, pages generated, time per stage."""
        times = ", ".join(f"{stage} {seconds * 1000:.0f} ms" for stage, seconds in self.timings.items())
        return f"{self.counts()} → {len(self.pages)} pages, {len(self.files)} files ({times})"

    def origin(self, src_uri: str) -> str:
        """The record file (relative to content/) a page is generated from: its edit link."""
        return origin(src_uri)


DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def build_site(content_dir: Path, *, include_drafts: bool = False, directory_urls: bool = True,
               site_url: str = DEFAULT_SITE_URL, language: str | None = None, reuse: bool = False,
               on_graph: Callable[[Graph], None] | None = None) -> Site:
    """Run every stage. ``language`` (the theme's, from mkdocs.yml) overrides site.yml's for labels.

    ``reuse`` (for ``mkdocs serve``, which calls this after every save): keep parsed files and
    converted Markdown for the next call, which then redoes only what changed in between.
    ``on_graph`` is called with the checked, linked graph before the pages are rendered, so a caller
    can start work that needs only the records (the Pagefind index) beside the render stage."""
    # The stages allocate millions of small objects and free almost none before the end; CPython's
    # cyclic collector would rescan them again and again (measured: superlinear at 10,000 records).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_stages(content_dir, include_drafts, directory_urls, site_url, language, reuse, on_graph)
    finally:
        if enabled:
            gc.enable()


def _run_stages(content_dir: Path, include_drafts: bool, directory_urls: bool, site_url: str,
                language: str | None, reuse: bool, on_graph: Callable[[Graph], None] | None) -> Site:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    raw, problems = load_records(content_dir, reuse=reuse)
    timings["load"] = time.perf_counter() - start
    validated, more = validate_records(raw)
    problems += more
    timings["validate"] = time.perf_counter() - start - timings["load"]
    if problems:
        raise FactcheckError(problems)
    mark = time.perf_counter()
    claims = [(item.record, item.doc) for item in validated if item.kind == "claim"]
    try:
        graph = link(validated, include_drafts=include_drafts)
    except FactcheckError as exc:
        # Images are checked even so: one run lists every problem.
        try:
            build_media(claims, content_dir, shown=(), stamp_for=None)
        except FactcheckError as more:
            raise FactcheckError(exc.problems + more.problems) from None
        raise
    if language and language != graph.site.language:
        graph.site = graph.site.model_copy(update={"language": language})
    timings["link"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # Before anything is rendered: a bad image stops the run like a bad record.
    images = build_media(claims, content_dir, shown=graph.claims, stamp_for=_stamper(graph))
    graph.media = images.figures
    timings["media"] = time.perf_counter() - mark
    if not reuse:
        # The parsed YAML has become the records; only its line numbers are still needed (for
        # messages), so the containers go and the render stage can reuse their memory.
        for item in raw:
            item.doc.data = None
    mark = time.perf_counter()
    renderer = Renderer(graph, directory_urls=directory_urls, remember=reuse)
    # Markdown fields first: their conversion may fork worker processes, which is safe only before
    # on_graph starts any thread.
    renderer.convert_prose()
    if on_graph is not None:
        on_graph(graph)
    reviews = claim_reviews(graph, site_url, directory_urls)
    head = head_scripts(reviews)
    # Exports first, kept as UTF-8: German text makes a Python string 2 bytes a character, and at
    # 10,000 claims claims.json alone is 69 MB; encoded before the pages exist, the peak is lower.
    files = {name: text.encode("utf-8") for name, text in
             (exports(graph, reviews, site_url, directory_urls) | renderer.redirects()).items()}
    files |= images.files
    pages = renderer.pages()
    timings["render"] = time.perf_counter() - mark
    return Site(graph, pages, head, files, timings)


def _stamper(graph: Graph) -> Callable[[Claim], Stamp]:
    """A claim's verdict as the stamp on its images: the label in the site's language, its colour."""
    labels = Labels(graph.site.language)

    def stamp(claim: Claim) -> Stamp:
        verdict = graph.verdicts[claim.verdict]
        return Stamp(labels.pick(verdict.label), verdict.colour, verdict.key)
    return stamp


_SECTION_ORIGIN = {"claims": "claims", "claimants": "claimants", "articles": "articles"}
_SINGLE_ORIGIN = {"verdicts": "verdicts.yml", "topics": "topics.yml"}


def origin(src_uri: str) -> str:
    section, _, rest = src_uri.partition("/")
    key = rest.split("/")[0].removesuffix(".md")
    if section in _SECTION_ORIGIN and key != "index":
        return f"{_SECTION_ORIGIN[section]}/{key}.yml"
    return _SINGLE_ORIGIN.get(section, "site.yml")
