"""load → validate → link → render, shared by the CLI and the MkDocs plugin.

Everything is gathered and checked before any page is rendered, and nothing here writes files:
a broken record (or page template) stops the run with every problem listed and no output touched.
The render stage is prepared here (the page list, the Markdown fields, the verdict badges, the
exports); each page is then rendered when it is asked for, so the site's HTML is never all in
memory at once: records → view data (``views``) → templates (``templates``) → pages.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import escape

from . import cards as card_images
from . import meta, paths
from .claimreview import claim_reviews, exports, head_scripts
from .errors import FactcheckError
from .graph import Graph, link
from .headings import Heading, HeadingStyle, add_ids
from .i18n import Labels
from .media import MediaBuild, Stamp, build_media
from .model import Claim
from .records import RawRecord, load_records, record_files, records_store
from .sanitize import MarkdownConfig, configure
from .templates import Templates, overrides as site_templates
from .validate import Validated, validate_records
from .views import PageSpec, Views, front_matter


@dataclass(frozen=True)
class Theme:
    """What a site's configuration says about how pages look: the theme's ``custom_dir`` folders
    (template and label overrides), the Markdown extensions for record fields and the heading
    style. The plugin reads them from mkdocs.yml; the defaults suit callers without one."""

    custom_dirs: tuple[Path, ...] = ()
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)
    headings: HeadingStyle = field(default_factory=HeadingStyle)


@dataclass(frozen=True)
class Page:
    """One rendered generated page: title, HTML body (its ``<h1>`` included) and headings."""

    title: str
    html: str
    toc: tuple[Heading, ...]
    search: dict[str, object] | None = None

    def meta(self) -> dict[str, object]:
        return front_matter(self.title, self.search)

    def markdown(self) -> str:
        """The page as a Markdown file: front matter, then the HTML (raw HTML blocks pass through)."""
        # A JSON string (ASCII, every other character escaped) is a YAML string whatever the title holds.
        front = [f"title: {json.dumps(self.title)}"]
        if self.search:
            front += ["search:"] + [f"  {k}: {json.dumps(v)}" for k, v in self.search.items()]
        return "---\n" + "\n".join(front) + "\n---\n\n" + self.html


@dataclass
class Site:
    graph: Graph
    specs: dict[str, PageSpec]
    """src_uri → what is known of each generated page before it is rendered, sorted by src_uri."""
    views: Views
    templates: Templates
    theme: Theme
    head: dict[str, str] = field(default_factory=dict)
    """src_uri → escaped ClaimReview JSON-LD for that page's <head>."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Other site files by path: claimreview.json, claims.json, feed.xml, alias redirects (UTF-8) and
    the claims' images (``media/…``, renditions made by ``media.build_media``)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage, for the build summary and the benchmark."""
    render_seconds: float = 0.0
    """Seconds spent rendering pages so far (they are rendered one by one, when asked for)."""
    site_url: str = "http://127.0.0.1:8000/"
    cards: card_images.CardJob | None = None
    """The share cards (where each is in the card cache, and their way into the site), None
    when no card cache was given."""

    @property
    def labels(self) -> Labels:
        return self.views.t

    def body(self, src_uri: str) -> str:
        """A page's HTML as its template writes it (headings without ids yet)."""
        start = time.perf_counter()
        spec = self.specs[src_uri]
        body = self.templates.render(spec.template, {"view": self.views.view(spec), "spec": spec}).rstrip("\n") + "\n"
        self.render_seconds += time.perf_counter() - start
        return body

    def finish(self, body: str) -> tuple[str, tuple[Heading, ...]]:
        """Heading ids and permalinks in the site's style, and the headings for the table of contents."""
        start = time.perf_counter()
        done = add_ids(body, self.theme.headings)
        self.render_seconds += time.perf_counter() - start
        return done

    def page(self, src_uri: str) -> Page:
        """Render one page (nothing is kept: call again, render again)."""
        spec = self.specs[src_uri]
        html, toc = self.finish(self.body(src_uri))
        return Page(spec.title, html, toc, spec.search)

    @property
    def pages(self) -> Mapping[str, Page]:
        """Every generated page, rendered as it is looked up."""
        return _Pages(self)

    def check_templates(self) -> None:
        """Render one page of each template now: a broken override stops the run with its file
        and line before anything is written, not halfway through the build."""
        seen: set[str] = set()
        for src_uri, spec in self.specs.items():
            if spec.template not in seen:
                seen.add(spec.template)
                self.body(src_uri)

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
        return f"{self.counts()} → {len(self.specs)} pages, {len(self.files)} files ({times})"

    def meta(self, src_uri: str) -> dict[str, object]:
        """What a page says about itself to the sites it is shared on (``partials/fc-meta.html``):
        ``description`` (escaped: Material writes it into ``<meta>`` as it is) and ``fc_og``."""
        spec = self.specs[src_uri]
        g, t, views = self.graph, self.labels, self.views
        kind, *args = spec.args
        og: dict[str, object] = {}  # what only a claim page has; the rest is default_meta's
        card: str | None = None
        image_alt: str | None = None
        if kind == "claim":
            claim = g.claims[args[0]]
            verdict = t.pick(g.verdicts[claim.verdict].label)
            description = claim.summary
            card, image_alt = paths.card(claim.id), t("card_alt", verdict=verdict, title=claim.title)
            og |= {"type": "article", "published": claim.published.isoformat(),
                   "modified": (claim.updated or claim.published).isoformat(),
                   "tags": [t.pick(g.topics[k].label) for k in claim.topics], "noindex": claim.status != "published"}
        elif kind == "home":
            description = meta.first_sentences(views.prose(g.site.intro))
        elif spec.template == "fc/claimant.html":
            description = meta.first_sentences(views.prose(g.claimants[args[1]].description))
        elif kind == "article":
            article = g.articles[args[0]]
            description = (meta.first_sentences(views.prose(article.notes)) if article.notes else
                           t("article_description", title=article.title, outlet=g.claimants[article.outlet].name,
                             date=t.date(article.date)))
        elif kind == "listing" and args[0] == "verdicts" and args[1]:
            description = t.pick(g.verdicts[args[1]].description)
        elif kind == "listing" and args[0] == "topics" and args[1] and g.topics[args[1]].description:
            description = t.pick(g.topics[args[1]].description)
        elif kind == "corrections":
            description = t("corrections_intro")
        else:
            description = t("listing_description", title=spec.title, site=g.site.name)
        description = meta.first_sentences(description)
        og = self.default_meta(spec.title, description, card=card, image_alt=image_alt) | og
        out: dict[str, object] = {"description": str(escape(description)), "fc_og": og}
        if kind == "claim" and g.claims[args[0]].status == "published":
            out["fc_share"] = True  # loads the copy button's script
        if kind == "home":
            # A publication's front page, not a manual's: no sidebars (README, "The front page").
            out["hide"] = ["navigation", "toc"]
        return out

    def default_meta(self, title: str, description: str, *, card: str | None = None,
                     image_alt: str | None = None) -> dict[str, object]:
        """``fc_og`` of a page: its title and description and a share card (the site's unless given).
        Hand-written pages get this as it is; ``meta`` adds what a generated page knows."""
        return {"type": "website", "title": title, "noindex": False, "description": description,
                "image": meta.absolute(self.site_url, card or paths.card(None)),
                "image_alt": image_alt or self.labels("card_alt_site", site=self.graph.site.name),
                "width": card_images.WIDTH, "height": card_images.HEIGHT, "locale": self.labels("og_locale")}

    def origin(self, src_uri: str) -> str:
        """The record file (relative to content/) a page is generated from: its edit link."""
        return origin(src_uri)


class _Pages(Mapping[str, Page]):
    def __init__(self, site: Site) -> None:
        self._site = site

    def __getitem__(self, src_uri: str) -> Page:
        return self._site.page(src_uri)

    def __iter__(self) -> Iterator[str]:
        return iter(self._site.specs)

    def __len__(self) -> int:
        return len(self._site.specs)

    def __contains__(self, src_uri: object) -> bool:
        return src_uri in self._site.specs


DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def build_site(content_dir: Path, *, include_drafts: bool = False, directory_urls: bool = True,
               site_url: str = DEFAULT_SITE_URL, language: str | None = None, reuse: bool = False,
               theme: Theme | None = None, on_graph: Callable[[Graph], None] | None = None,
               cards_dir: Path | None = None, cache_dir: Path | None = None) -> Site:
    """Run every stage up to the page list; pages are rendered when they are asked for
    (``Site.page``), one at a time. ``language`` (the theme's, from mkdocs.yml) overrides
    site.yml's for labels.

    ``reuse`` (for ``mkdocs serve``, which calls this after every save): keep parsed files and
    converted Markdown for the next call, which then redoes only what changed in between.
    ``on_graph`` is called with the checked, linked graph before anything is converted or rendered,
    for work that needs only the records (the Pagefind index); a thread it leaves running keeps the
    later stages from forking worker processes.
    ``cards_dir``: the share-card cache; cards missing there are drawn (none without it), and the
    caller puts them into its site folder: ``site.cards.publish(site_dir)`` once the folder is
    ready, ``site.cards.wait()`` before the build is done (without ``reuse``, a forked process draws
    and copies them meanwhile; ``cards.CardJob``).
    ``cache_dir``: the build cache (``cache.py``) for parsed records and converted Markdown."""
    # Made first, while this process is small: under `mkdocs build` it forks the card process (CardJob).
    cards = card_images.CardJob(cards_dir, beside=not reuse) if cards_dir is not None else None
    try:
        with _no_cyclic_gc():
            checked = _gather(content_dir, include_drafts=include_drafts, language=language, reuse=reuse,
                              theme=theme or Theme(), cache_dir=cache_dir, renditions=True)
            return _prepare(checked, content_dir, directory_urls, site_url, reuse, theme or Theme(), on_graph, cards,
                            cache_dir)
    except BaseException:
        if cards is not None:
            cards.cancel()
        raise


def check_site(content_dir: Path, *, include_drafts: bool = True, language: str | None = None,
               theme: Theme | None = None, cache_dir: Path | None = None, renditions: bool = False) -> Site:
    """Every check of a build without building: load, validate, link, the images, and, when the site
    overrides templates (``custom_dir/fc/``), one sample page per template (a broken override fails
    here, with its file and line). Nothing else is rendered and no Markdown field is converted but
    the samples' (``factcheck check``, ``stats``, ``audit``; at 10,000 claims a small part of a
    build: the samples alone, mostly compiling templates, took 0.5 s). ``renditions`` makes the images' copies too
    (``audit`` compares their names with the built site). The Site returned has the graph and the
    page list; its ``files`` holds the images' copies only."""
    with _no_cyclic_gc():
        theme = theme or Theme()
        checked = _gather(content_dir, include_drafts=include_drafts, language=language, reuse=False,
                          theme=theme, cache_dir=cache_dir, renditions=renditions)
        mark = time.perf_counter()
        graph = checked.graph
        overrides = site_templates(theme.custom_dirs)
        templates, views = _templates_and_views(checked, content_dir, theme, directory_urls=True,
                                                site_url=DEFAULT_SITE_URL, remember=False, renders=bool(overrides))
        site = Site(graph, views.specs(), views, templates, theme, files=dict(checked.images.files),
                    timings=checked.timings)
        if overrides:
            site.check_templates()
            for _, redirect in itertools.islice(views.redirects(), 1):
                templates.render("fc/redirect.html", {"view": redirect, "language": graph.site.language})
            for cid in itertools.islice(graph.claims, 1):
                templates.render("fc/embed.html", {"view": views.embed(cid)})
        checked.timings["templates"] = time.perf_counter() - mark
        return site


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    # The stages allocate millions of small objects and free almost none before the end; CPython's
    # cyclic collector would rescan them again and again (measured: superlinear at 10,000 records).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What the stages made goes straight to the oldest generation (freeze, then unfreeze: two
        # list splices). Left in the youngest, the first allocation after enable() would scan all
        # of it at once (0.3 s of a 10,000-claim `factcheck check`); in the oldest it is scanned
        # only with the next full collection, which CPython runs once it has grown by a quarter.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


@dataclass
class _Checked:
    """The records, checked and linked: what every command needs before anything is rendered."""

    graph: Graph
    labels: Labels
    images: MediaBuild
    raw: list[RawRecord]
    timings: dict[str, float]


def _gather(content_dir: Path, *, include_drafts: bool, language: str | None, reuse: bool, theme: Theme,
            cache_dir: Path | None, renditions: bool) -> _Checked:
    """load → validate → link → images, every problem of every file reported in one run: a file
    that fails its schema does not hide another file's dangling reference (references *to* the
    broken record are not reported; the link stage is told it exists)."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    store = records_store(cache_dir)
    files = record_files(content_dir)
    raw, problems = load_records(content_dir, reuse=reuse, cache=store, files=files)
    timings["load"] = time.perf_counter() - start
    validated, more = validate_records(raw)
    problems += more
    timings["validate"] = time.perf_counter() - start - timings["load"]
    mark = time.perf_counter()
    claims = [(item.record, item.doc) for item in validated if item.kind == "claim"]
    graph: Graph | None = None
    if {"site", "verdicts", "topics"} <= {item.kind for item in validated}:  # what every reference needs
        try:
            graph = link(validated, include_drafts=include_drafts, unchecked=_unchecked(files, validated))
        except FactcheckError as exc:
            problems += exc.problems
    if graph is None or problems:
        # Images are checked even so: one run lists every problem.
        try:
            build_media(claims, content_dir, shown=(), stamp_for=None)
        except FactcheckError as exc:
            problems += exc.problems
        raise FactcheckError(problems)
    if language and language != graph.site.language:
        graph.site = graph.site.model_copy(update={"language": language})
    timings["link"] = time.perf_counter() - mark
    mark = time.perf_counter()
    labels = Labels(graph.site.language, theme.custom_dirs)
    # Before anything is rendered: a bad image stops the run like a bad record.
    images = build_media(claims, content_dir, shown=graph.claims, stamp_for=_stamper(graph, labels),
                         encode=renditions)
    graph.media = images.figures
    timings["media"] = time.perf_counter() - mark
    if store is not None:
        store.save()  # only now: a run that found problems leaves no file behind
        if not reuse:
            store.close()
    return _Checked(graph, labels, images, raw, timings)


def _unchecked(files: list[tuple[str, Path]], validated: list[Validated]) -> dict[str, set[str]]:
    """Ids of record files that did not become records (they failed to parse or their schema)."""
    if len(validated) == len(files):  # the usual case: each file became a record
        return {}
    valid = {(item.kind, item.doc.path.stem) for item in validated}
    out: dict[str, set[str]] = {}
    for kind, path in files:
        if (kind, path.stem) not in valid:
            out.setdefault(kind, set()).add(path.stem)
    return out


def _prepare(checked: _Checked, content_dir: Path, directory_urls: bool, site_url: str, reuse: bool, theme: Theme,
             on_graph: Callable[[Graph], None] | None, cards: card_images.CardJob | None,
             cache_dir: Path | None) -> Site:
    graph, labels, images, timings = checked.graph, checked.labels, checked.images, checked.timings
    if not reuse:
        # The parsed YAML has become the records, so its containers go and the render stage can
        # reuse their memory (a message reads its line numbers from the file again).
        for item in checked.raw:
            item.doc.data = None
    if on_graph is not None:
        # As early as the graph exists, while the process is at its smallest (nothing converted
        # or rendered yet): the search index is built here (plugin._start_index).
        mark = time.perf_counter()
        on_graph(graph)
        timings["search"] = time.perf_counter() - mark
    mark = time.perf_counter()
    templates, views = _templates_and_views(checked, content_dir, theme, directory_urls=directory_urls,
                                            site_url=site_url, remember=reuse)
    # Markdown fields and share cards may fork worker processes, which is safe only while no other
    # thread runs (they check: under `mkdocs serve`, where on_graph leaves the index being built
    # in a thread, they stay in-process).
    views.convert_prose(cache=cache_dir)
    if cards is not None:
        card_start = time.perf_counter()
        # Beside (`mkdocs build`): handed to the card process, drawn while the build goes on.
        cards.draw(share_cards(graph, labels))
        timings["cards"] = time.perf_counter() - card_start
    reviews = claim_reviews(graph, site_url, directory_urls)
    head = head_scripts(reviews)
    # Exports first, kept as UTF-8: German text makes a Python string 2 bytes a character, and at
    # 10,000 claims claims.json alone is 69 MB; encoded before the pages exist, the peak is lower.
    files = {name: text.encode("utf-8") for name, text in exports(graph, reviews, site_url, directory_urls).items()}
    for name, redirect in views.redirects():
        files[name] = (templates.render("fc/redirect.html", {"view": redirect, "language": graph.site.language})
                       ).rstrip("\n").encode("utf-8") + b"\n"
    files |= images.files
    for cid in graph.claims:
        files[paths.embed(cid)] = templates.render("fc/embed.html", {"view": views.embed(cid)}).encode("utf-8")
    site = Site(graph, views.specs(), views, templates, theme, head, files, timings, site_url=site_url,
                cards=cards)
    site.check_templates()
    timings["prepare"] = time.perf_counter() - mark - timings.get("cards", 0.0)
    return site


def _templates_and_views(checked: _Checked, content_dir: Path, theme: Theme, *, directory_urls: bool, site_url: str,
                         remember: bool, renders: bool = True) -> tuple[Templates, Views]:
    """The render stage's tools, for a build (``_prepare``) and for ``check_site``'s sample pages:
    the site's templates, the view builder with the verdict badges and the entry macro, and the
    site's Markdown extensions for record fields. Without ``renders`` (a check with nothing to
    render), the page list only: no template is compiled."""
    graph, labels = checked.graph, checked.labels
    templates = Templates(labels, theme.custom_dirs)
    views = Views(graph, labels, directory_urls=directory_urls, remember=remember, site_url=site_url,
                  pages=frozenset(p.name for p in content_dir.glob("*.md")))
    if renders:
        configure(theme.markdown)
        views.set_badges(templates.badges(graph.verdicts, labels))
        views.entry_html = templates.macro("fc/partials/macros.html", "entry")
    return templates, views


def _stamper(graph: Graph, labels: Labels) -> Callable[[Claim], Stamp]:
    """A claim's verdict as the stamp on its images: the label in the site's language, its colour."""

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


SITE_CARD_COLOUR = "#3f51b5"
"""The site card's band: Material's indigo, the theme's primary colour in mkdocs.yml."""


def share_cards(graph: Graph, labels: Labels) -> list[card_images.Card]:
    """The site's card and one per claim. Texts the font cannot draw are replaced by the next
    choice (the claim in the site's language, then the title) or left off: no tofu boxes."""
    site = graph.site
    name = card_images.first_drawable(site.name)
    out = [card_images.Card(paths.card(None), SITE_CARD_COLOUR, "", name or card_images.first_drawable(site.publisher.name),
                      card_images.first_drawable(meta.first_sentences(site.intro)), "",
                      card_images.first_drawable(site.publisher.name))]
    for cid, claim in graph.claims.items():
        verdict = graph.verdicts[claim.verdict]
        text = card_images.first_drawable(claim.claim.text, claim.claim.translation.get(site.language), claim.title)
        byline = [card_images.first_drawable(graph.claimants[claim.claim.claimant].name),
                  card_images.first_drawable(labels.date(claim.claim.date), claim.claim.date.isoformat())]
        out.append(card_images.Card(paths.card(cid), verdict.colour, verdict.icon, card_images.first_drawable(labels.pick(verdict.label)),
                              text, " · ".join(part for part in byline if part), name))
    return out
