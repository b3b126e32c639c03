"""Render stage, first half: ``Graph`` → one page spec per generated page and, on demand, its view
data. Pure and deterministic: no I/O, no clock, no markup.

A page spec is what MkDocs needs before any page is rendered (path, title, template, search
settings); the view is what the page's template (``templates/fc/*.html``) shows: the records
themselves, links already resolved to relative URLs between built pages (``paths.rel_url``), the
site's labels, and the Markdown fields of records as sanitised HTML (``sanitize``). Templates
decide markup and order; ``templates.py`` renders them.

Views are built one page at a time, when the page is rendered, so no site-wide dict of page
HTML exists at any point.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import meta, paths
from .graph import Graph, Mark
from .i18n import Labels
from .media import SIZES, Figure
from .model import Article, Claim, Claimant, Correction, Fact, timestamp_seconds
from .sanitize import convert_many, markdown_to_safe_html
from .textdir import direction

ICONS = {"check": "✔", "check-minus": "✓", "half": "◐", "alert": "!", "cross-minus": "✗", "cross": "✘",
         "question": "?"}
"""Verdict icon glyphs: the badge shows icon, colour and text, so colour is never the only signal."""

# Material's search reads `search:` from a page's meta. Listings repeat what the claim pages say,
# so they stay out of the index (smaller download, and a search lands on the fact-check itself);
# claims rank first. A claim is found by its title, claim, verdict, summary and claimant; its
# analysis, evidence and cross-links (and an article's full text) are sections the templates mark
# `data-search-exclude`, which would otherwise add ~8 kB per claim to the downloaded index.
NOT_SEARCHED = {"exclude": True}
CLAIM_BOOST = {"boost": 2}


# -- view data: plain objects the templates read ------------------------------------------------
@dataclass(frozen=True, slots=True)
class Link:
    url: str
    """Relative to the page it is shown on (internal) or absolute (external)."""
    text: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    key: str
    label: str
    """In the site's language."""
    description: str
    colour: str
    icon: str
    """The glyph (``ICONS``); ``icon_name`` is the record's key for it."""
    icon_name: str
    rating: int | None
    badge: Markup
    """The badge as ``fc/partials/badge.html`` renders it, once per verdict and build."""


@dataclass(slots=True)
class Entry:
    """A claim as one line of a listing."""

    id: str
    url: str
    title: str
    verdict: VerdictView
    claimant: str
    published: date
    summary: str
    card: str = ""
    """Relative URL of the claim's share card (``fc/home.html`` shows it as a thumbnail)."""
    html: Markup = Markup("")
    """The line as the ``entry`` macro (``fc/partials/macros.html``) renders it: once per claim and
    link, then reused by every listing at the same depth."""


@dataclass(frozen=True, slots=True)
class Pager:
    n: int
    total: int
    newer: Link | None
    older: Link | None


@dataclass(frozen=True, slots=True)
class ChartRow:
    verdict: VerdictView
    count: int
    share: float
    """Percent, 0–100."""


@dataclass(frozen=True, slots=True)
class Chart:
    rows: list[ChartRow]
    total: int
    small: bool


@dataclass(frozen=True, slots=True)
class ScaleRow:
    verdict: VerdictView
    count: Link
    """The number of checks with this verdict, linked to their listing."""


@dataclass(frozen=True, slots=True)
class Scale:
    rows: list[ScaleRow]
    best: int
    worst: int


@dataclass(frozen=True, slots=True)
class FigureView:
    """An image of a claim or an appearance (``media.Figure`` with URLs relative to the page)."""

    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    alt: str
    caption: str | None
    credit: str | None
    stamp: str | None
    """The verdict label drawn across the image, if any."""


@dataclass(frozen=True, slots=True)
class Appearance:
    """Where the claim appeared: a checked article (with the quoted passage), another page, or
    offline (``medium``: a speech, broadcast, print issue, video, forwarded message …)."""

    article: Link | None
    original_url: str | None
    """The article's own address (``article``), the page's (``url``), or the recording's (offline)."""
    quote: str | None
    title: str | None
    date: date | None
    medium: str | None = None
    """The medium's key (``speech``, ``tv`` …); ``medium_label`` is its name in the site's language."""
    medium_label: str | None = None
    name: str | None = None
    """Where, readably: "Bundestag, 12. Sitzung"."""
    timestamp: str | None = None
    """``mm:ss`` or ``hh:mm:ss`` into the recording; ``timestamp_iso`` is the same as an ISO 8601
    duration (``PT12M5S``) for ``<time datetime>``."""
    timestamp_iso: str | None = None
    archive_url: str | None = None
    figures: list[FigureView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ShareView:
    """The share area of a claim page: plain links, the address to copy, the embed snippet."""

    url: str
    """The page's canonical (absolute) URL."""
    links: list[Link]
    """One per service (``meta.SERVICES``): ``url`` is the service's share URL, ``text`` its name."""
    service: list[str]
    """The services' keys, parallel to ``links`` (for CSS and tests)."""
    embed: str
    """The absolute URL of the embed card, for the ``<iframe>`` snippet."""
    card: str
    """Relative URL of the share card image."""


@dataclass(frozen=True, slots=True)
class EmbedView:
    """A claim's embed card (``fc/embed.html``): a whole HTML document for other sites' iframes."""

    title: str
    text: str
    summary: str
    verdict: VerdictView
    url: str
    """The claim page's absolute URL."""
    site: str
    language: str


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: str
    claim: Claim
    """The record itself: ``claim.title``, ``claim.summary``, ``claim.claim.text``, ``claim.evidence`` …"""
    draft: str | None
    """The status of a draft or a record in review shown in a preview; ``None`` when published."""
    verdict: VerdictView
    claimant: Link
    appearances: list[Appearance]
    topics: list[Link]
    analysis: Markup
    related: list[Entry]
    cited_by: list[Entry]
    corrections: list[Correction]
    """Newest first."""
    authors: list[str]
    reviewers: list[str]
    translations: list[tuple[str, str, str]]
    """(language, text, direction), sorted by language."""
    dir: str
    """Writing direction of the claim's language: ``rtl`` for Arabic, Hebrew, Persian, Urdu …"""
    figures: list[FigureView]
    """Images of the claim itself (screenshots, photos, charts)."""
    share: ShareView | None = None
    """Share links and embed snippet (published claims only)."""


@dataclass(frozen=True, slots=True)
class ListingView:
    title: str
    """With "(page n of m)" after page 1."""
    entries: list[Entry]
    pager: Pager | None
    first: bool
    verdict: VerdictView | None = None
    """On a verdict's listing."""
    description: str | None = None
    """A topic's or verdict's description, in the site's language."""
    chart: Chart | None = None


@dataclass(frozen=True, slots=True)
class ClaimantView:
    """Page 1 of a claimant's listing: the profile, then its checked claims."""

    claimant: Claimant
    kind: str
    """The kind (outlet, organisation, person) in the site's language."""
    description: Markup
    facts: list[Fact]
    chart: Chart | None
    listing: ListingView


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text; ``mark`` is set on a checked passage."""

    text: str
    mark: Entry | None = None


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    outlet: Link
    notes: Markup | None
    claims: list[Entry]
    """The checked claims, in the order their passages stand in the text."""
    paragraphs: list[list[Segment]]
    dir: str
    """Writing direction of the article's language."""


@dataclass(frozen=True, slots=True)
class GroupIndexView:
    title: str
    groups: list[tuple[Link, int]]
    section: str


@dataclass(frozen=True, slots=True)
class ScaleView:
    title: str
    scale: Scale


@dataclass(frozen=True, slots=True)
class CorrectionItem:
    date: date
    claim: Link
    note: str


@dataclass(frozen=True, slots=True)
class CorrectionsView:
    title: str
    items: list[CorrectionItem]


@dataclass(frozen=True, slots=True)
class VerdictStrip:
    """A row of the front page: a verdict's newest checks and a link to all of them."""

    verdict: VerdictView
    entries: list[Entry]
    all: Link
    """To the verdict's listing; its text is the number of checks."""


@dataclass(frozen=True, slots=True)
class HomeView:
    title: str
    intro: Markup
    latest: list[Entry]
    """The newest checks; the first ``lead`` are shown large, with their share card."""
    all_checks: Link
    chart: Chart | None
    scale: Scale
    lead: int = 1
    strips: list[VerdictStrip] = field(default_factory=list)
    """One per verdict that has checks, in scale order."""
    links: list[Link] = field(default_factory=list)
    """Methodology, corrections, rating scale (the pages that exist)."""


@dataclass(frozen=True, slots=True)
class RedirectView:
    title: str
    target: str


@dataclass(frozen=True, slots=True)
class PageSpec:
    """What is known of a generated page before it is rendered."""

    src_uri: str
    template: str
    """Its body template, e.g. ``fc/claim.html`` (a site's ``custom_dir`` may override it)."""
    title: str
    search: dict[str, object] | None = None
    args: tuple[Any, ...] = field(default=(), compare=False)
    """What ``Views.view`` needs to build its view (kind-specific)."""

    def meta(self) -> dict[str, object]:
        return front_matter(self.title, self.search)


def front_matter(title: str, search: dict[str, object] | None) -> dict[str, object]:
    """What MkDocs would read from a generated page's front matter: its title and search settings."""
    return {"title": title} | ({"search": dict(search)} if search else {})


# -- building them -------------------------------------------------------------------------------
class Views:
    """Page specs and views of one site, from one graph."""

    def __init__(self, graph: Graph, labels: Labels, *, directory_urls: bool = True, remember: bool = False,
                 site_url: str = "http://127.0.0.1:8000/", pages: frozenset[str] = frozenset()) -> None:
        """``remember``: keep converted Markdown fields for the next Views (``mkdocs serve``).
        ``site_url``: absolute URLs (share links, embed snippet) start with it. ``pages``: the
        site's hand-written pages (``methodology.md`` …), for links to them."""
        self.g = graph
        self.t = labels
        self.directory_urls = directory_urls
        self.remember = remember
        self._prose: dict[str, str] = {}
        self.verdict_views: dict[str, VerdictView] = {}
        self.entry_html: Callable[[Entry], Markup] = lambda entry: Markup("")
        """Renders an entry's line; set by the pipeline to the ``entry`` macro of the templates."""
        self._entries: dict[tuple[str, str], Entry] = {}
        self.site_url = site_url
        self.pages = pages

    def convert_prose(self, cache: Path | None = None) -> None:
        """Convert every Markdown field of the site in one batch (worker processes at scale; with
        ``cache``, only the fields no earlier run converted)."""
        g = self.g
        self._prose = convert_many([g.site.intro, *(c.analysis for c in g.claims.values()),
                                    *(c.description for c in g.claimants.values()),
                                    *(a.notes for a in g.articles.values() if a.notes)], remember=self.remember,
                                   cache=cache)

    def set_badges(self, badges: dict[str, Markup]) -> None:
        """Each verdict's badge, rendered once by the badge template (``templates.Templates.badges``)."""
        t = self.t
        self.verdict_views = {key: VerdictView(key, t.pick(v.label), t.pick(v.description), v.colour, ICONS[v.icon],
                                               v.icon, v.rating, badges.get(key, Markup("")))
                              for key, v in self.g.verdicts.items()}

    # -- the page list ---------------------------------------------------------------------------
    def specs(self) -> dict[str, PageSpec]:
        """Every generated page, sorted by path."""
        g, t = self.g, self.t
        out: dict[str, PageSpec] = {paths.home(): PageSpec(paths.home(), "fc/home.html", g.site.name, None, ("home",))}
        for cid, claim in g.claims.items():
            out[paths.claim(cid)] = PageSpec(paths.claim(cid), "fc/claim.html", claim.title, CLAIM_BOOST, ("claim", cid))
        out.update(self._listing_specs("latest", None, t("all_checks"), len(g.claims)))
        out[paths.listing("verdicts")] = PageSpec(paths.listing("verdicts"), "fc/verdicts.html", t("scale"), None,
                                                  ("scale",))
        for key, verdict in g.verdicts.items():
            out.update(self._listing_specs("verdicts", key, t.pick(verdict.label), len(g.by_verdict[key])))
        for section, title in (("topics", t("topics_title")), ("claimants", t("claimants_title")),
                               ("articles", t("articles_title")), ("months", t("months_title"))):
            out[paths.listing(section)] = PageSpec(paths.listing(section), "fc/index.html", title, None,
                                                   ("index", section))
        for key, topic in g.topics.items():
            out.update(self._listing_specs("topics", key, t.pick(topic.label), len(g.by_topic[key])))
        for key, claimant in g.claimants.items():
            out.update(self._listing_specs("claimants", key, claimant.name, len(g.by_claimant[key]), profile=True))
        for key, article in g.articles.items():
            out[paths.listing("articles", key)] = PageSpec(paths.listing("articles", key), "fc/article.html",
                                                           article.title, None, ("article", key))
        out[paths.listing("corrections")] = PageSpec(paths.listing("corrections"), "fc/corrections.html",
                                                     t("corrections_title"), None, ("corrections",))
        for key, ids in self.months.items():
            out.update(self._listing_specs("months", key, t.month(key), len(ids)))
        return dict(sorted(out.items()))

    def _listing_specs(self, section: str, key: str | None, title: str, count: int,
                       *, profile: bool = False) -> dict[str, PageSpec]:
        """A paginated listing, newest first: page 1 at the group's own URL, then /2, /3, ...

        A claimant's page 1 starts with the claimant's profile and is the one listing in the
        search index (readers search for outlets by name)."""
        total = max(1, math.ceil(count / self.g.site.page_size))
        out = {}
        for n in range(1, total + 1):
            here = paths.listing(section, key, n)
            heading = title + (f" ({self.t('page', n=n, total=total)})" if n > 1 else "")
            template = "fc/claimant.html" if profile and n == 1 else "fc/listing.html"
            out[here] = PageSpec(here, template, heading, None if profile and n == 1 else NOT_SEARCHED,
                                 ("listing", section, key, n, total, title))
        return out

    # -- one page's view -------------------------------------------------------------------------
    def view(self, spec: PageSpec) -> object:
        kind, *args = spec.args
        here = spec.src_uri
        if kind == "claim":
            return self.claim(here, args[0])
        if kind == "listing":
            section, key, n, total, title = args
            if spec.template == "fc/claimant.html":
                return self.claimant(here, key, self.listing(here, spec.title, section, key, n, total))
            return self.listing(here, spec.title, section, key, n, total)
        if kind == "article":
            return self.article(here, args[0])
        if kind == "index":
            return self.group_index(here, spec.title, args[0])
        if kind == "scale":
            return ScaleView(spec.title, self.scale(here))
        if kind == "corrections":
            return self.corrections(here, spec.title)
        if kind == "home":
            return self.home(here)
        raise ValueError(f"unknown page kind {kind!r}")

    # -- shared pieces ---------------------------------------------------------------------------
    def url(self, here: str, target: str) -> str:
        return paths.rel_url(here, target, self.directory_urls)

    def link(self, here: str, target: str, text: str) -> Link:
        return Link(self.url(here, target), text)

    def prose(self, markdown_text: str) -> Markup:
        """A Markdown field of a record, as sanitised HTML (converted in ``convert_prose``; one by
        one when that did not run, as when ``factcheck check`` renders a sample page per template)."""
        html = self._prose.get(markdown_text)
        if html is None:
            html = self._prose[markdown_text] = markdown_to_safe_html(markdown_text)
        return Markup(html)

    def entry(self, here: str, cid: str) -> Entry:
        url = self.url(here, paths.claim(cid))
        # A claim stands in a dozen listings, most at the same depth: same link, same entry.
        if (entry := self._entries.get((cid, url))) is None:
            c = self.g.claims[cid]
            entry = Entry(cid, url, c.title, self.verdict_views[c.verdict], self.g.claimants[c.claim.claimant].name,
                          c.published, c.summary, paths.rel_file(here, paths.card(cid), self.directory_urls))
            entry.html = self.entry_html(entry)
            self._entries[(cid, url)] = entry
        return entry

    def chart(self, ids: list[str], *, small: bool = False) -> Chart | None:
        """Verdict distribution of ``ids`` (the template shows bars inside a table: the table is the
        text alternative, so screen readers get the numbers and nobody needs JavaScript)."""
        if not ids:
            return None
        counts = {key: 0 for key in self.g.verdicts}
        for cid in ids:
            counts[self.g.claims[cid].verdict] += 1
        rows = [ChartRow(self.verdict_views[key], n, 100 * n / len(ids)) for key, n in counts.items()
                if n or not small]
        return Chart(rows, len(ids), small)

    def scale(self, here: str) -> Scale:
        g = self.g
        rows = [ScaleRow(self.verdict_views[key], self.link(here, paths.listing("verdicts", key),
                                                             str(len(g.by_verdict[key])))) for key in g.verdicts]
        return Scale(rows, g.scale.best_rating, g.scale.worst_rating)

    # -- pages -----------------------------------------------------------------------------------
    def claim(self, here: str, cid: str) -> ClaimView:
        g, t = self.g, self.t
        c = g.claims[cid]
        claimant = g.claimants[c.claim.claimant]
        images = g.media.get(cid) if g.media else None
        appearances = []
        for i, ap in enumerate(c.claim.appearances):
            figures = self.figures(here, images.appearances.get(i, []) if images else [])
            if ap.article and ap.quote:
                article = g.articles[ap.article]
                appearances.append(Appearance(self.link(here, paths.listing("articles", ap.article), article.title),
                                              article.url, ap.quote, None, None, figures=figures))
            else:
                appearances.append(Appearance(
                    None, ap.url, ap.quote, ap.title, ap.date, medium=ap.medium,
                    medium_label=t("medium_" + ap.medium) if ap.medium else None, name=ap.name,
                    timestamp=ap.timestamp, timestamp_iso=_iso_duration(ap.timestamp) if ap.timestamp else None,
                    archive_url=ap.archive_url, figures=figures))
        return ClaimView(
            id=cid, claim=c, draft=None if c.status == "published" else c.status,
            verdict=self.verdict_views[c.verdict],
            claimant=self.link(here, paths.listing("claimants", claimant.id), claimant.name),
            appearances=appearances,
            topics=[self.link(here, paths.listing("topics", k), t.pick(g.topics[k].label)) for k in c.topics],
            analysis=self.prose(c.analysis),
            related=[self.entry(here, other) for other in g.related(cid)],
            cited_by=[self.entry(here, other) for other in g.backlinks.get(cid, [])],
            corrections=sorted(c.corrections, key=lambda k: k.date, reverse=True),
            authors=[g.people[p].name for p in c.authors], reviewers=[g.people[p].name for p in c.reviewers],
            translations=[(lang, text, direction(lang)) for lang, text in sorted(c.claim.translation.items())],
            dir=direction(c.claim.language), figures=self.figures(here, images.claim if images else []),
            share=self.share(here, cid) if c.status == "published" else None)

    def figures(self, here: str, figures: list[Figure]) -> list[FigureView]:
        def url(path: str) -> str:
            return paths.rel_file(here, path, self.directory_urls)
        return [FigureView(url(f.src), f.srcset_attr(url), SIZES, f.width, f.height, f.alt, f.caption, f.credit, f.stamp)
                for f in figures]

    def canonical(self, src_uri: str) -> str:
        return meta.absolute(self.site_url, paths.url(src_uri, self.directory_urls))

    def share(self, here: str, cid: str) -> ShareView:
        url = self.canonical(here)
        pairs = meta.share_urls(url, self.g.claims[cid].title)
        return ShareView(url, [Link(link, self.t("service_" + name)) for name, link in pairs],
                         [name for name, _ in pairs], meta.absolute(self.site_url, paths.embed_url(cid)),
                         paths.rel_file(here, paths.card(cid), self.directory_urls))

    def embed(self, cid: str) -> EmbedView:
        c = self.g.claims[cid]
        return EmbedView(c.title, c.claim.text, c.summary, self.verdict_views[c.verdict],
                         self.canonical(paths.claim(cid)), self.g.site.name, self.g.site.language)

    def _ids(self, section: str, key: str | None) -> list[str]:
        """The claims of a listing, newest first."""
        if section == "latest":
            return self.latest
        if section == "months":
            return self.months[key or ""]
        groups = {"verdicts": self.g.by_verdict, "topics": self.g.by_topic, "claimants": self.g.by_claimant}
        return groups[section][key or ""]

    def _chunk(self, section: str, key: str | None, n: int) -> list[str]:
        """The claims on page ``n`` of a listing."""
        size = self.g.site.page_size
        return self._ids(section, key)[(n - 1) * size: n * size]

    @functools.cached_property
    def latest(self) -> list[str]:
        """Every claim, newest first (sorted once, paged many times)."""
        return self.g.newest_first()

    @functools.cached_property
    def months(self) -> dict[str, list[str]]:
        """Month ("2026-11") → its claims, newest month first (computed once)."""
        return self.g.by_month()

    def listing(self, here: str, title: str, section: str, key: str | None, n: int, total: int) -> ListingView:
        g = self.g
        chunk = self._chunk(section, key, n)
        pager = None
        if total > 1:
            pager = Pager(n, total,
                          self.link(here, paths.listing(section, key, n - 1), self.t("prev")) if n > 1 else None,
                          self.link(here, paths.listing(section, key, n + 1), self.t("next")) if n < total else None)
        verdict = description = chart = None
        if n == 1 and section == "verdicts" and key:
            verdict = self.verdict_views[key]
            description = verdict.description
        elif n == 1 and section == "topics" and key:
            topic = g.topics[key]
            description = self.t.pick(topic.description) if topic.description else None
            chart = self.chart(g.by_topic[key], small=True)
        return ListingView(title, [self.entry(here, cid) for cid in chunk], pager, n == 1, verdict, description, chart)

    def claimant(self, here: str, key: str, listing: ListingView) -> ClaimantView:
        c: Claimant = self.g.claimants[key]
        return ClaimantView(c, self.t("kind_" + c.kind), self.prose(c.description), list(c.facts),
                            self.chart(self.g.by_claimant[key]), listing)

    def group_index(self, here: str, title: str, section: str) -> GroupIndexView:
        g, t = self.g, self.t
        groups: dict[str, list[str]]
        if section == "topics":
            groups, names = g.by_topic, {k: t.pick(v.label) for k, v in g.topics.items()}
        elif section == "claimants":
            groups, names = g.by_claimant, {k: v.name for k, v in g.claimants.items()}
        elif section == "articles":
            groups, names = g.by_article, {k: v.title for k, v in g.articles.items()}
        else:
            groups = self.months
            names = {k: t.month(k) for k in groups}
        order = (sorted(names, reverse=True) if section == "months"
                 else sorted(names, key=lambda k: (names[k].casefold(), k)))
        return GroupIndexView(title, [(self.link(here, paths.listing(section, key), names[key]),
                                       len(groups.get(key, []))) for key in order], section)

    def corrections(self, here: str, title: str) -> CorrectionsView:
        """Every correction on the site, newest first, each linked to its fact-check."""
        items = []
        for cid, i in self.g.corrections():
            claim = self.g.claims[cid]
            correction = claim.corrections[i]
            items.append(CorrectionItem(correction.date, self.link(here, paths.claim(cid), claim.title), correction.note))
        return CorrectionsView(title, items)

    def home(self, here: str) -> HomeView:
        g, t = self.g, self.t
        strips = [VerdictStrip(self.verdict_views[key], [self.entry(here, cid) for cid in g.by_verdict[key][:3]],
                               self.link(here, paths.listing("verdicts", key), str(len(g.by_verdict[key]))))
                  for key in g.verdicts if g.by_verdict.get(key)]
        links = [self.link(here, page, text) for page, text in (("methodology.md", t("methodology")),
                                                               ("corrections-policy.md", t("corrections_policy")))
                 if page in self.pages]
        links += [self.link(here, paths.listing("corrections"), t("corrections_title")),
                  self.link(here, paths.listing("verdicts"), t("scale"))]
        return HomeView(g.site.name, self.prose(g.site.intro), [self.entry(here, cid) for cid in g.newest_first()[:10]],
                        self.link(here, paths.listing("latest"), t("all_checks")), self.chart(list(g.claims)),
                        self.scale(here), 1, strips, links)

    def article(self, here: str, key: str) -> ArticleView:
        g = self.g
        a = g.articles[key]
        outlet = g.claimants[a.outlet]
        marks = g.marks.get(key, [])
        entries = {cid: self.entry(here, cid) for cid in dict.fromkeys(m.claim for m in marks)}
        return ArticleView(a, self.link(here, paths.listing("claimants", outlet.id), outlet.name),
                           self.prose(a.notes) if a.notes else None, list(entries.values()),
                           list(_paragraphs(a.text, marks, entries)), direction(a.language))

    # -- what a view reads (the page-output cache's key: pagecache.Reads) ------------------------
    def reads(self, spec: PageSpec) -> list[tuple[str, ...]] | None:
        """The parts of the graph ``view(spec)`` reads, besides the site-wide ones (``g.site``,
        ``scale``, ``verdicts``, ``topics``, ``people``; the labels, templates and settings), as
        ``(graph attribute, key)``: a record (``("claims", id)``), a claim's images, its related
        claims and backlinks, an article's marks, a group of claims (``("group", section, key)``)
        or one page of it (``("chunk", section, key, n)``). ``read_value`` gives each one's value;
        two builds in which they are equal give the page the same view.

        None for pages that read the whole graph (home, indexes, scale, corrections): they are
        rendered on every build. Keep this in step with the builders above: ``tests/
        test_page_cache.py`` records what each view reads and fails on anything not listed here."""
        kind, *args = spec.args
        g = self.g
        if kind == "claim":
            cid = args[0]
            statement = g.claims[cid].claim
            out: list[tuple[str, ...]] = [("claims", cid), ("media", cid), ("claimants", statement.claimant),
                                          ("related", cid), ("backlinks", cid)]
            out += [("articles", ap.article) for ap in statement.appearances if ap.article]
            return out + self._entry_reads([*g.related(cid), *g.backlinks.get(cid, [])])
        if kind == "listing":
            section, key, n, _total, _title = args
            out = [("chunk", section, key or "", str(n))]
            if n == 1 and key and (section == "topics" or spec.template == "fc/claimant.html"):
                # The profile (a claimant's page 1) and the verdict chart of all the group's claims.
                out.append(("group", section, key))
                out += [("claimants", key)] if section == "claimants" else []
                out += [("claims", cid) for cid in self._ids(section, key)]
            return out + self._entry_reads(self._chunk(section, key, n))
        if kind == "article":
            key = args[0]
            marked = dict.fromkeys(m.claim for m in g.marks.get(key, []))
            return [("articles", key), ("claimants", g.articles[key].outlet), ("marks", key),
                    *self._entry_reads(list(marked))]
        return None

    def _entry_reads(self, ids: list[str]) -> list[tuple[str, ...]]:
        """What ``entry`` reads for each claim: the claim and its claimant."""
        claims = self.g.claims
        return [dep for cid in ids for dep in (("claims", cid), ("claimants", claims[cid].claim.claimant))]

    def read_value(self, dep: tuple[str, ...]) -> object:
        """The value of one of ``reads``' parts in this build."""
        g = self.g
        attr, *key = dep
        if attr == "chunk":
            section, group, n = key
            return self._chunk(section, group or None, int(n))
        if attr == "group":
            return self._ids(key[0], key[1] or None)
        if attr == "related":
            return g.related(key[0])
        if attr == "backlinks":
            return g.backlinks.get(key[0], [])
        if attr == "marks":
            return g.marks.get(key[0], [])
        if attr == "media":
            return g.media.get(key[0]) if g.media else None
        if attr in ("claims", "claimants", "articles"):
            return getattr(g, attr)[key[0]]
        raise ValueError(f"unknown read {dep!r}")

    def redirects(self) -> Iterator[tuple[str, RedirectView]]:
        """Former claim URLs (aliases) → where they went, as built file names."""
        for alias, cid in self.g.aliases.items():
            here = paths.claim(alias)
            name = paths.url(here, self.directory_urls)
            name = name + "index.html" if name.endswith("/") else name
            yield name, RedirectView(self.g.claims[cid].title, self.url(here, paths.claim(cid)))


def _iso_duration(timestamp: str) -> str:
    """``"1:02:05"`` → ``"PT1H2M5S"``; ``"12:05"`` → ``"PT12M5S"`` (for ``<time datetime>``)."""
    seconds = timestamp_seconds(timestamp)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or hours else "") + f"{secs}S"


def _newlines(text: str, start: int, end: int) -> Iterator[int]:
    """Positions of the line breaks in ``text[start:end]``."""
    found = text.find("\n", start, end)
    while found != -1:
        yield found
        found = text.find("\n", found + 1, end)


def _paragraphs(text: str, marks: list[Mark], entries: dict[str, Entry]) -> Iterator[list[Segment]]:
    """The article's paragraphs (its lines; blank ones dropped) as runs of text, each checked passage
    a marked run. A line break inside a checked passage does not end the paragraph: the passage
    stays one mark, one link (the template shows the break as ``<br>``)."""
    # Line breaks found with str.find, not by looking at every character (3,800 articles).
    inside = {i for m in marks for i in _newlines(text, m.start, m.end)}
    ends = [i for i in _newlines(text, 0, len(text)) if i not in inside] + [len(text)]
    start = 0
    for end in ends:
        if text[start:end].strip():
            segments, pos = [], start
            for mark in marks:
                lo, hi = max(mark.start, start), min(mark.end, end)
                if lo >= hi:
                    continue
                if pos < lo:
                    segments.append(Segment(text[pos:lo]))
                segments.append(Segment(text[lo:hi], entries[mark.claim]))
                pos = hi
            if pos < end:
                segments.append(Segment(text[pos:end]))
            yield segments
        start = end + 1
