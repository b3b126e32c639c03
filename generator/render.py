"""Render stage: ``Graph`` → ``{src_uri: Page}``. Pure and deterministic: no I/O, no clock.

Every generated page is written here as finished HTML (headings with their ids and permalinks,
links already resolved to built URLs) plus its table of contents. The MkDocs plugin hands that
HTML to MkDocs as it is, so Python-Markdown never parses a generated page: at 10,000 claims that
parse was more than half of the whole build. ``Page.markdown()`` wraps the same HTML in front
matter, for ``factcheck render`` and engines without our plugin (any Markdown engine passes raw
HTML blocks through).

Two kinds of text go into a page, each with its own treatment:

* plain record text (titles, names, summaries, notes): HTML-escaped by ``h`` wherever it goes;
* Markdown record fields (analysis, descriptions): converted here and cleaned by ``sanitize``,
  so raw HTML or ``javascript:`` links written in a record never reach the reader's browser.

Internal links are relative URLs between built pages (``paths.rel_url``); every target is a page
this module renders, which the end-to-end test follows. External links carry
``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

from markdown.extensions.toc import slugify

from . import paths
from .graph import Graph, Mark
from .i18n import Labels
from .model import Claim, Source, Verdict
from .sanitize import convert_many

ICONS = {"check": "✔", "check-minus": "✓", "half": "◐", "alert": "!", "cross-minus": "✗", "cross": "✘",
         "question": "?"}
"""Verdict icon glyphs: the badge shows icon, colour and text, so colour is never the only signal."""

# Material's search reads `search:` from a page's meta. Listings repeat what the claim pages say,
# so they stay out of the index (smaller download, and a search lands on the fact-check itself);
# claims rank first. A claim is found by its title, claim, verdict, summary and claimant; its
# analysis, evidence and cross-links (and an article's full text) are sections marked
# `data-search-exclude`, which would otherwise add ~8 kB per claim to the downloaded index.
NOT_SEARCHED = {"exclude": True}
CLAIM_BOOST = {"boost": 2}


def h(text: str) -> str:
    """Plain text for HTML (element content or a quoted attribute)."""
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str
    """Plain text (not HTML)."""


@dataclass(frozen=True)
class Page:
    """One generated page: its title, its HTML body (the ``<h1>`` included) and its headings."""

    title: str
    body: bytes
    """The HTML, UTF-8: half the memory of a Python string of German text (~130 MB at 10,000 claims)."""
    toc: tuple[Heading, ...]
    search: dict[str, object] | None = None

    @property
    def html(self) -> str:
        return self.body.decode("utf-8")

    def meta(self) -> dict[str, object]:
        """What MkDocs would read from the page's front matter."""
        return {"title": self.title} | ({"search": dict(self.search)} if self.search else {})

    def markdown(self) -> str:
        """The page as a Markdown file: front matter, then the HTML (raw HTML blocks pass through)."""
        # A JSON string (ASCII, every other character escaped) is a YAML string whatever the title holds.
        front = [f"title: {json.dumps(self.title)}"]
        if self.search:
            front += ["search:"] + [f"  {k}: {json.dumps(v)}" for k, v in self.search.items()]
        return "---\n" + "\n".join(front) + "\n---\n\n" + self.html


@functools.lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    # The toc extension's own slugify, so anchors are the ones MkDocs would have made.
    return slugify(text, "-") or "section"


class _Doc:
    """Collects one page's HTML; gives each heading a unique id and a permalink as MkDocs' toc does."""

    def __init__(self, title: str, search: dict[str, object] | None = None) -> None:
        self.title, self.search = title, search
        self.parts: list[str] = []
        self.toc: list[Heading] = []
        self.heading(1, title)

    def heading(self, level: int, text: str, *, searchable: bool = True) -> None:
        base = anchor = _slug(text)
        n = 0
        while any(x.id == anchor for x in self.toc):
            n += 1
            anchor = f"{base}_{n}"
        self.toc.append(Heading(level, anchor, text))
        attr = "" if searchable else " data-search-exclude"
        self.parts.append(f'<h{level} id="{anchor}"{attr}>{h(text)}<a class="headerlink" href="#{anchor}" '
                          f'title="Permanent link">¶</a></h{level}>')

    def add(self, *html_parts: str) -> None:
        self.parts.extend(p for p in html_parts if p)

    def para(self, inner_html: str) -> None:
        self.parts.append(f"<p>{inner_html}</p>")

    def items(self, tag: str, items: list[str]) -> None:
        self.parts.append(f"<{tag}>\n" + "\n".join(f"<li>{i}</li>" for i in items) + f"\n</{tag}>")

    def page(self) -> Page:
        # Blank lines between the top-level blocks: every Markdown engine then takes each one as a
        # raw HTML block and leaves its text alone (see Page.markdown).
        return Page(self.title, ("\n\n".join(self.parts) + "\n").encode("utf-8"), tuple(self.toc), self.search)


class Renderer:
    """Renders every page of one site from one graph."""

    def __init__(self, graph: Graph, *, directory_urls: bool = True, remember: bool = False) -> None:
        """``remember``: keep converted Markdown fields for the next Renderer (``mkdocs serve``)."""
        self.g = graph
        self.remember = remember
        self.t = Labels(graph.site.language)
        self.directory_urls = directory_urls
        self._prose: dict[str, str] = {}
        self._badges: dict[str, str] = {}
        self._entries: dict[str, tuple[str, str]] = {}

    # -- the whole site -------------------------------------------------------------------
    def convert_prose(self) -> None:
        """Convert every Markdown field of the site in one batch (``pages`` does it if not done)."""
        g = self.g
        self._prose = convert_many([g.site.intro, *(c.analysis for c in g.claims.values()),
                                    *(c.description for c in g.claimants.values()),
                                    *(a.notes for a in g.articles.values() if a.notes)], remember=self.remember)

    def pages(self) -> dict[str, Page]:
        if not self._prose:
            self.convert_prose()
        out: dict[str, Page] = {paths.home(): self.home()}
        for cid in self.g.claims:
            out[paths.claim(cid)] = self.claim(cid)
        out.update(self._listing("latest", None, self.t("all_checks"), "", self.g.newest_first()))
        out[paths.listing("verdicts")] = self.verdict_index()
        for key, verdict in self.g.verdicts.items():
            intro = f"<p>{self.badge(key)} {h(self.t.pick(verdict.description))}</p>"
            out.update(self._listing("verdicts", key, self.t.pick(verdict.label), intro, self.g.by_verdict[key]))
        out[paths.listing("topics")] = self.group_index("topics", self.t("topics_title"), self.g.by_topic,
                                                        {k: self.t.pick(v.label) for k, v in self.g.topics.items()})
        for key, topic in self.g.topics.items():
            intro = f"<p>{h(self.t.pick(topic.description))}</p>\n" if topic.description else ""
            intro += self.chart(self.g.by_topic[key], small=True)
            out.update(self._listing("topics", key, self.t.pick(topic.label), intro, self.g.by_topic[key]))
        out[paths.listing("claimants")] = self.group_index("claimants", self.t("claimants_title"), self.g.by_claimant,
                                                           {k: v.name for k, v in self.g.claimants.items()})
        for key in self.g.claimants:
            out.update(self._listing("claimants", key, self.g.claimants[key].name, "", self.g.by_claimant[key],
                                     profile=key))
        out[paths.listing("articles")] = self.group_index("articles", self.t("articles_title"), self.g.by_article,
                                                          {k: v.title for k, v in self.g.articles.items()})
        for key in self.g.articles:
            out[paths.listing("articles", key)] = self.article(key)
        out[paths.listing("corrections")] = self.corrections_page()
        months = self.g.by_month()
        out[paths.listing("months")] = self.group_index("months", self.t("months_title"), months,
                                                        {k: self.t.month(k) for k in months}, newest_first=True)
        for key, ids in months.items():
            out.update(self._listing("months", key, self.t.month(key), "", ids))
        return dict(sorted(out.items()))

    # -- shared pieces --------------------------------------------------------------------
    def prose(self, markdown_text: str) -> str:
        """A Markdown field of a record, as sanitised HTML (converted in ``pages``)."""
        return f'<div class="fc-prose">\n{self._prose[markdown_text]}\n</div>'

    def badge(self, key: str) -> str:
        if (done := self._badges.get(key)) is not None:
            return done
        verdict: Verdict = self.g.verdicts[key]
        label = self.t.pick(verdict.label)
        self._badges[key] = (f'<span class="fc-badge" data-verdict="{h(key)}" style="--fc-colour: {verdict.colour}">'
                             f'<span class="fc-badge__icon" aria-hidden="true">{ICONS[verdict.icon]}</span> {h(label)}</span>')
        return self._badges[key]

    def link(self, here: str, target: str, text: str) -> str:
        return f'<a href="{h(paths.rel_url(here, target, self.directory_urls))}">{h(text)}</a>'

    def entry(self, here: str, cid: str) -> str:
        """One line of a listing: badge, claim title (linked), claimant, date of the check."""
        # A claim stands in a dozen listings; only the link differs between them.
        if (parts := self._entries.get(cid)) is None:
            claim = self.g.claims[cid]
            claimant = self.g.claimants[claim.claim.claimant]
            parts = self._entries[cid] = (f'{self.badge(claim.verdict)} <a href="',
                                          f'">{h(claim.title)}</a> · {h(claimant.name)} · {self.t.date(claim.published)}')
        return f"{parts[0]}{h(paths.rel_url(here, paths.claim(cid), self.directory_urls))}{parts[1]}"

    def source(self, src: Source) -> str:
        parts = [f"<strong>{h(src.publisher)}</strong>: {external(src.url, src.title)}"]
        if src.date:
            parts.append(self.t.date(src.date))
        if src.date_note:
            parts.append(f"<em>{h(src.date_note)}</em>")
        elif not src.date:
            parts.append(h(self.t("no_date")))
        if src.repost_of:
            parts.append(h(self.t("repost_of", name=src.repost_of)))
        if src.archive_url:
            parts.append(external(src.archive_url, self.t("archive")))
        line = " · ".join(parts)
        return f"{line}<br>\n{h(src.note)}" if src.note else line

    def field(self, label: str, value_html: str) -> str:
        """A "label: value" item of a page's fact list."""
        return f"<strong>{h(label)}:</strong> {value_html}"

    # -- claim page -----------------------------------------------------------------------
    def claim(self, cid: str) -> Page:
        here = paths.claim(cid)
        c: Claim = self.g.claims[cid]
        t = self.t
        doc = _Doc(c.title, CLAIM_BOOST)
        if c.status != "published":
            doc.add(f'<p class="fc-draft" role="note">{h(t("draft", status=c.status))}</p>')
        verdict = self.g.verdicts[c.verdict]
        doc.add(f'<div class="fc-verdict-box" style="--fc-colour: {verdict.colour}">\n'
                f'<p class="fc-verdict-box__label">{h(t("verdict"))}</p>\n'
                f'<p class="fc-verdict-box__badge">{self.badge(c.verdict)}</p>\n'
                f'<p class="fc-verdict-box__summary">{h(c.summary)}</p>\n</div>')
        doc.heading(2, t("claim"))
        figure = ['<figure class="fc-claim">',
                  f'<blockquote class="fc-claim__text" lang="{h(c.claim.language)}"><p>{h(c.claim.text)}</p></blockquote>']
        for lang, text in sorted(c.claim.translation.items()):
            figure.append(f'<blockquote class="fc-claim__translation" lang="{h(lang)}"><p>'
                          f'<span class="fc-claim__label" lang="{h(t.language)}">{h(t("translation"))} ({h(lang)}):</span> '
                          f'{h(text)}</p></blockquote>')
        doc.add("\n".join(figure + ["</figure>"]))
        claimant = self.g.claimants[c.claim.claimant]
        when = t.date(c.claim.date) + (f" ({h(c.claim.date_note)})" if c.claim.date_note else "")
        facts = [self.field(t("claimant"), self.link(here, paths.listing("claimants", claimant.id), claimant.name)),
                 self.field(t("claimed_on"), when)]
        for ap in c.claim.appearances:
            if ap.article and ap.quote:
                article = self.g.articles[ap.article]
                facts.append(self.field(t("appeared"), f"{self.link(here, paths.listing('articles', ap.article), article.title)}"
                                                       f" ({external(article.url, t('original'))}): „{h(ap.quote)}“"))
            elif ap.url:
                on = f" · {t.date(ap.date)}" if ap.date else ""
                facts.append(self.field(t("appeared"), f"{external(ap.url, ap.title or ap.url)}{on}"))
        if c.topics:
            facts.append(self.field(t("topics"), ", ".join(
                self.link(here, paths.listing("topics", k), t.pick(self.g.topics[k].label)) for k in c.topics)))
        doc.items("ul", facts)
        doc.heading(2, t("analysis"), searchable=False)
        doc.add(self.prose(c.analysis))
        doc.heading(2, t("evidence"), searchable=False)
        doc.items("ol", [self.source(src) for src in c.evidence])
        for title, ids in ((t("related"), self.g.related(cid)), (t("cited_by"), self.g.backlinks.get(cid, []))):
            if ids:
                doc.heading(2, title, searchable=False)
                doc.items("ul", [self.entry(here, other) for other in ids])
        if c.corrections:
            doc.heading(2, t("corrections"))
            doc.items("ul", [f"<strong>{t.date(k.date)}:</strong> {h(k.note)}"
                             for k in sorted(c.corrections, key=lambda k: k.date, reverse=True)])
        doc.add(self._credits(c))
        return doc.page()

    def _credits(self, c: Claim) -> str:
        t = self.t
        lines = [f"{h(t('published'))}: {t.date(c.published)}"]
        if c.updated:
            lines.append(f"{h(t('updated'))}: {t.date(c.updated)}")
        lines.append(f"{h(t('authors'))}: " + ", ".join(h(self.g.people[p].name) for p in c.authors))
        if c.reviewers:
            lines.append(f"{h(t('reviewers'))}: " + ", ".join(h(self.g.people[p].name) for p in c.reviewers))
        return '<hr>\n<div class="fc-credits" data-search-exclude>\n<p>' + "<br>\n".join(lines) + "</p>\n</div>"

    # -- listings -------------------------------------------------------------------------
    def _listing(self, section: str, key: str | None, title: str, intro: str, ids: list[str],
                 *, profile: str | None = None) -> dict[str, Page]:
        """A paginated listing, newest first: page 1 at the group's own URL, then /2, /3, ...

        A claimant's page 1 starts with the claimant's profile and is the one listing in the
        search index (readers search for outlets by name)."""
        size = self.g.site.page_size
        total = max(1, math.ceil(len(ids) / size))
        out: dict[str, Page] = {}
        for n in range(1, total + 1):
            here = paths.listing(section, key, n)
            heading = title + (f" ({self.t('page', n=n, total=total)})" if n > 1 else "")
            doc = _Doc(heading, None if profile and n == 1 else NOT_SEARCHED)
            if n == 1:
                doc.add(intro)
                if profile:
                    self.claimant_profile(doc, profile)
            chunk = ids[(n - 1) * size: n * size]
            if chunk:
                doc.items("ul", [self.entry(here, cid) for cid in chunk])
            else:
                doc.para(h(self.t("no_claims")))
            doc.add(self._pager(section, key, n, total, here))
            out[here] = doc.page()
        return out

    def _pager(self, section: str, key: str | None, n: int, total: int, here: str) -> str:
        if total == 1:
            return ""
        parts = []
        if n > 1:
            parts.append(self.link(here, paths.listing(section, key, n - 1), self.t("prev")))
        parts.append(h(self.t("page", n=n, total=total)))
        if n < total:
            parts.append(self.link(here, paths.listing(section, key, n + 1), self.t("next")))
        return '<nav class="fc-pager">\n<p>' + " · ".join(parts) + "</p>\n</nav>"

    def group_index(self, section: str, title: str, groups: dict[str, list[str]], names: dict[str, str],
                    *, newest_first: bool = False) -> Page:
        here = paths.listing(section)
        doc = _Doc(title)
        order = sorted(names, reverse=True) if newest_first else sorted(names, key=lambda k: (names[k].casefold(), k))
        doc.items("ul", [f"{self.link(here, paths.listing(section, key), names[key])} ({len(groups.get(key, []))})"
                         for key in order])
        return doc.page()

    def verdict_index(self) -> Page:
        doc = _Doc(self.t("scale"))
        doc.add(self.scale_table(paths.listing("verdicts")))
        return doc.page()

    def scale_table(self, here: str) -> str:
        t, scale = self.t, self.g.scale
        rows = [f"<p>{h(t('scale_intro', worst=scale.worst_rating, best=scale.best_rating))}</p>", "<table>",
                "<thead>", "<tr>" + "".join(f"<th>{h(t(k))}</th>" for k in ("verdict", "rating", "meaning", "count"))
                + "</tr>", "</thead>", "<tbody>"]
        for key, v in self.g.verdicts.items():
            rating = str(v.rating) if v.rating is not None else h(t("none"))
            count = self.link(here, paths.listing("verdicts", key), str(len(self.g.by_verdict[key])))
            rows.append(f"<tr><td>{self.badge(key)}</td><td>{rating}</td><td>{h(t.pick(v.description))}</td>"
                        f"<td>{count}</td></tr>")
        return "\n".join(rows + ["</tbody>", "</table>"])

    def corrections_page(self) -> Page:
        """Every correction on the site, newest first, each linked to its fact-check."""
        here = paths.listing("corrections")
        t = self.t
        doc = _Doc(t("corrections_title"))
        doc.para(h(t("corrections_intro")))
        corrections = self.g.corrections()
        items = []
        for cid, i in corrections:
            claim = self.g.claims[cid]
            correction = claim.corrections[i]
            items.append(f"<strong>{t.date(correction.date)}</strong> · {self.link(here, paths.claim(cid), claim.title)}: "
                         f"{h(correction.note)}")
        if items:
            doc.items("ul", items)
        else:
            doc.para(h(t("no_corrections")))
        return doc.page()

    def redirects(self) -> dict[str, str]:
        """Former claim URLs → small HTML pages that send readers (and search engines) on."""
        out = {}
        for alias, cid in self.g.aliases.items():
            here = paths.claim(alias)
            target = paths.rel_url(here, paths.claim(cid), self.directory_urls)
            name = paths.url(here, self.directory_urls)
            name = name + "index.html" if name.endswith("/") else name
            out[name] = (f'<!doctype html>\n<html lang="{h(self.t.language)}"><head><meta charset="utf-8">'
                         f'<title>{h(self.g.claims[cid].title)}</title>'
                         f'<link rel="canonical" href="{h(target)}">'
                         f'<meta http-equiv="refresh" content="0; url={h(target)}">'
                         f'<meta name="robots" content="noindex"></head>\n'
                         f'<body><p><a href="{h(target)}">{h(self.g.claims[cid].title)}</a></p></body></html>\n')
        return out

    def chart(self, ids: list[str], *, small: bool = False) -> str:
        """Verdict distribution of ``ids`` as HTML/CSS bars inside a table: the table is the text
        alternative, so screen readers get the numbers and nobody needs JavaScript."""
        if not ids:
            return ""
        t = self.t
        counts = {key: 0 for key in self.g.verdicts}
        for cid in ids:
            counts[self.g.claims[cid].verdict] += 1
        total = len(ids)
        rows = []
        for key, n in counts.items():
            if small and n == 0:
                continue
            share = 100 * n / total
            rows.append(f'<tr data-verdict="{h(key)}" data-count="{n}"><th scope="row">{self.badge(key)}</th>'
                        f'<td class="fc-chart__count">{n}</td><td class="fc-chart__bar-cell">'
                        f'<span class="fc-chart__bar" style="--fc-colour: {self.g.verdicts[key].colour}; '
                        f'width: {share:.1f}%"></span> <span class="fc-chart__share">{share:.0f} %</span></td></tr>')
        caption = h(t("chart_caption", total=total))
        return (f'<table class="fc-chart{" fc-chart--small" if small else ""}">\n<caption>{caption}</caption>\n'
                f'<thead><tr><th scope="col">{h(t("verdict"))}</th><th scope="col">{h(t("count"))}</th>'
                f'<th scope="col">{h(t("share"))}</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>\n")

    # -- home -----------------------------------------------------------------------------
    def home(self) -> Page:
        here = paths.home()
        site, t = self.g.site, self.t
        doc = _Doc(site.name)
        doc.add(self.prose(site.intro))
        doc.heading(2, t("latest"))
        latest = [self.entry(here, cid) for cid in self.g.newest_first()[:10]]
        if latest:
            doc.items("ul", latest)
        else:
            doc.para(h(t("no_claims")))
        doc.para(self.link(here, paths.listing("latest"), t("all_checks") + " →"))
        doc.heading(2, t("distribution"))
        doc.add(self.chart(list(self.g.claims)))
        doc.heading(2, t("scale"))
        doc.add(self.scale_table(here))
        return doc.page()

    # -- claimant profile (top of the claimant's listing) ----------------------------------
    def claimant_profile(self, doc: _Doc, key: str) -> None:
        c = self.g.claimants[key]
        t = self.t
        doc.para(f"<em>{h(t('kind_' + c.kind))}</em>" + (f" · {external(c.url, c.url)}" if c.url else ""))
        doc.add(self.prose(c.description))
        if c.facts:
            doc.heading(2, t("facts"))
            doc.items("ul", [h(fact.text) + "\n<ul>\n" + "\n".join(f"<li>{self.source(s)}</li>" for s in fact.sources)
                             + "\n</ul>" if fact.sources else h(fact.text) for fact in c.facts])
        doc.heading(2, t("distribution"))
        doc.add(self.chart(self.g.by_claimant[key]))
        doc.heading(2, t("claims_of"))

    # -- article page ---------------------------------------------------------------------
    def article(self, key: str) -> Page:
        here = paths.listing("articles", key)
        a, t = self.g.articles[key], self.t
        outlet = self.g.claimants[a.outlet]
        when = t.date(a.date) + (f" ({h(a.date_note)})" if a.date_note else "")
        doc = _Doc(a.title)
        doc.items("ul", [self.field(t("outlet"), self.link(here, paths.listing("claimants", outlet.id), outlet.name)),
                         self.field(t("article_date"), when),
                         self.field(t("original"), external(a.url, a.url))])
        if a.notes:
            doc.heading(2, t("notes"))
            doc.add(self.prose(a.notes))
        marks = self.g.marks.get(key, [])
        in_order = list(dict.fromkeys(m.claim for m in marks))
        if in_order:
            doc.heading(2, t("article_claims"))
            doc.items("ol", [self.entry(here, cid) for cid in in_order])
        doc.heading(2, t("article_text"), searchable=False)
        doc.para(f"<em>{h(t('article_marks_note'))}</em>")
        doc.add(f'<div class="fc-article" lang="{h(a.language)}">\n' + "\n".join(self._annotated(here, a.text, marks))
                + "\n</div>")
        if a.related_sources:
            doc.heading(2, t("more_sources"), searchable=False)
            doc.items("ul", [self.source(s) for s in a.related_sources])
        return doc.page()

    def _annotated(self, here: str, text: str, marks: list[Mark]) -> Iterator[str]:
        """The article as HTML paragraphs, each checked passage a link coloured by its verdict."""
        offset = 0
        for line in text.split("\n"):
            start, end = offset, offset + len(line)
            offset = end + 1
            if not line.strip():
                continue
            pieces, pos = [], start
            for mark in marks:
                lo, hi = max(mark.start, start), min(mark.end, end)
                if lo >= hi:
                    continue
                pieces.append(h(text[pos:lo]))
                pieces.append(self._mark(here, mark, text[lo:hi]))
                pos = hi
            pieces.append(h(text[pos:end]))
            yield f"<p>{''.join(pieces)}</p>"

    def _mark(self, here: str, mark: Mark, passage: str) -> str:
        claim = self.g.claims[mark.claim]
        verdict = self.g.verdicts[claim.verdict]
        label = self.t.pick(verdict.label)
        url = paths.rel_url(here, paths.claim(mark.claim), self.directory_urls)
        return (f'<a class="fc-mark" href="{h(url)}" data-verdict="{h(claim.verdict)}" '
                f'style="--fc-colour: {verdict.colour}">'
                f'<mark>{h(passage)}</mark><span class="fc-mark__label">{ICONS[verdict.icon]} {h(label)}</span>'
                f'<span class="fc-mark__tip" role="tooltip">{h(claim.summary)}</span></a>')


def external(url: str, text: str) -> str:
    return f'<a href="{h(url)}" rel="noopener noreferrer">{h(text)}</a>'

