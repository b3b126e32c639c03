"""Render stage: ``Graph`` → ``{src_uri: Markdown}``. Pure and deterministic: no I/O, no clock.

Three kinds of text go into a page, each with its own escaping:

* plain record text in Markdown context (``md``): backslash-escape Markdown, then HTML-escape;
* plain record text inside raw HTML blocks and attributes (``h``): HTML-escape only, because
  Markdown does not look inside raw HTML blocks;
* Markdown record fields (analysis, descriptions): converted here and cleaned by ``sanitize``,
  so raw HTML or ``javascript:`` links written in a record never reach the reader's browser.

Internal links are relative ``.md`` links, which MkDocs resolves and ``--strict`` verifies;
external links are ``<a>`` elements with ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator

from . import paths
from .graph import Graph, Mark
from .i18n import Labels
from .model import Claim, Source, Verdict
from .sanitize import markdown_to_safe_html

ICONS = {"check": "✔", "check-minus": "✓", "half": "◐", "alert": "!", "cross-minus": "✗", "cross": "✘",
         "question": "?"}
"""Verdict icon glyphs: the badge shows icon, colour and text, so colour is never the only signal."""

_MD_SPECIAL = set("\\`*_{}[]()#+-.!|")

# Front matter for Material's search. Listings repeat what the claim pages say, so they stay out
# of the index (smaller download, and a search lands on the fact-check itself); claims rank first.
NOT_SEARCHED = "---\nsearch:\n  exclude: true\n---\n\n"
CLAIM_BOOST = "---\nsearch:\n  boost: 2\n---\n\n"
# A claim is found by its title, claim, verdict, summary and claimant; its analysis, evidence and
# cross-links (and an article's full text) stay out of the index, which would otherwise grow by
# ~8 kB per claim and be downloaded whole on the first search.
NO_INDEX = " { data-search-exclude }"


_MD_ESCAPES = str.maketrans({c: "\\" + c for c in _MD_SPECIAL})


def md(text: str) -> str:
    """Plain text for a Markdown context: one line, Markdown syntax and HTML both inert."""
    return html.escape(" ".join(text.split()).translate(_MD_ESCAPES), quote=False)


def h(text: str) -> str:
    """Plain text for raw HTML (element content or a quoted attribute)."""
    return html.escape(text, quote=True)


class Renderer:
    """Renders every page of one site from one graph."""

    def __init__(self, graph: Graph, *, directory_urls: bool = True) -> None:
        self.g = graph
        self.t = Labels(graph.site.language)
        self.directory_urls = directory_urls

    # -- the whole site -------------------------------------------------------------------
    def pages(self) -> dict[str, str]:
        out: dict[str, str] = {paths.home(): self.home()}
        for cid in self.g.claims:
            out[paths.claim(cid)] = self.claim(cid)
        out.update(self._listing("latest", None, self.t("all_checks"), "", self.g.newest_first()))
        out[paths.listing("verdicts")] = self.verdict_index()
        for key, verdict in self.g.verdicts.items():
            intro = f"<p>{self.badge(key)} {h(self.t.pick(verdict.description))}</p>\n"
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
            out.update(self._listing("claimants", key, self.g.claimants[key].name, self.claimant_profile(key),
                                     self.g.by_claimant[key], searchable_intro=True))
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
    def badge(self, key: str) -> str:
        verdict: Verdict = self.g.verdicts[key]
        label = self.t.pick(verdict.label)
        return (f'<span class="fc-badge" data-verdict="{h(key)}" style="--fc-colour: {verdict.colour}">'
                f'<span class="fc-badge__icon" aria-hidden="true">{ICONS[verdict.icon]}</span> {h(label)}</span>')

    def link(self, here: str, target: str, text: str) -> str:
        return f"[{md(text)}]({paths.rel(here, target)})"

    def entry(self, here: str, cid: str) -> str:
        """One line of a listing: badge, claim title (linked), claimant, date of the check."""
        claim = self.g.claims[cid]
        claimant = self.g.claimants[claim.claim.claimant]
        return (f"- {self.badge(claim.verdict)} {self.link(here, paths.claim(cid), claim.title)}"
                f" · {md(claimant.name)} · {self.t.date(claim.published)}")

    def source(self, src: Source) -> str:
        parts = [f"**{md(src.publisher)}**: {external(src.url, src.title)}"]
        if src.date:
            parts.append(self.t.date(src.date))
        if src.date_note:
            parts.append(f"*{md(src.date_note)}*")
        elif not src.date:
            parts.append(self.t("no_date"))
        if src.repost_of:
            parts.append(md(self.t("repost_of", name=src.repost_of)))
        if src.archive_url:
            parts.append(external(src.archive_url, self.t("archive")))
        line = " · ".join(parts)
        return f"{line}  \n    {md(src.note)}" if src.note else line

    # -- claim page -----------------------------------------------------------------------
    def claim(self, cid: str) -> str:
        here = paths.claim(cid)
        c: Claim = self.g.claims[cid]
        t = self.t
        out = [CLAIM_BOOST + f"# {md(c.title)}", ""]
        if c.status != "published":
            out += [f'<p class="fc-draft" role="note">{h(t("draft", status=c.status))}</p>', ""]
        verdict = self.g.verdicts[c.verdict]
        out += [f'<div class="fc-verdict-box" style="--fc-colour: {verdict.colour}">',
                f'<p class="fc-verdict-box__label">{h(t("verdict"))}</p>',
                f'<p class="fc-verdict-box__badge">{self.badge(c.verdict)}</p>',
                f'<p class="fc-verdict-box__summary">{h(c.summary)}</p>', "</div>", ""]
        out += [f"## {md(t('claim'))}", "", '<figure class="fc-claim">',
                f'<blockquote class="fc-claim__text" lang="{h(c.claim.language)}"><p>{h(c.claim.text)}</p></blockquote>']
        for lang, text in sorted(c.claim.translation.items()):
            out.append(f'<blockquote class="fc-claim__translation" lang="{h(lang)}"><p>'
                       f'<span class="fc-claim__label" lang="{h(t.language)}">{h(t("translation"))} ({h(lang)}):</span> '
                       f'{h(text)}</p></blockquote>')
        out += ["</figure>", ""]
        claimant = self.g.claimants[c.claim.claimant]
        when = t.date(c.claim.date) + (f" ({md(c.claim.date_note)})" if c.claim.date_note else "")
        out += [f"- **{md(t('claimant'))}:** {self.link(here, paths.listing('claimants', claimant.id), claimant.name)}",
                f"- **{md(t('claimed_on'))}:** {when}"]
        for ap in c.claim.appearances:
            if ap.article and ap.quote:
                article = self.g.articles[ap.article]
                out.append(f"- **{md(t('appeared'))}:** "
                           f"{self.link(here, paths.listing('articles', ap.article), article.title)}"
                           f" ({external(article.url, t('original'))}): „{md(ap.quote)}“")
            elif ap.url:
                when = f" · {t.date(ap.date)}" if ap.date else ""
                out.append(f"- **{md(t('appeared'))}:** {external(ap.url, ap.title or ap.url)}{when}")
        if c.topics:
            topics = ", ".join(self.link(here, paths.listing("topics", k), t.pick(self.g.topics[k].label)) for k in c.topics)
            out.append(f"- **{md(t('topics'))}:** {topics}")
        out += ["", f"## {md(t('analysis'))}{NO_INDEX}", "", prose(c.analysis), ""]
        out += [f"## {md(t('evidence'))}{NO_INDEX}", ""]
        out += [f"{i}. {self.source(src)}" for i, src in enumerate(c.evidence, 1)]
        out.append("")
        for title, ids in ((t("related"), self.g.related(cid)), (t("cited_by"), self.g.backlinks.get(cid, []))):
            if ids:
                out += [f"## {md(title)}{NO_INDEX}", ""] + [self.entry(here, other) for other in ids] + [""]
        if c.corrections:
            out += [f"## {md(t('corrections'))}", ""]
            out += [f"- **{t.date(k.date)}:** {md(k.note)}" for k in sorted(c.corrections, key=lambda k: k.date, reverse=True)]
            out.append("")
        out += self._credits(c)
        return "\n".join(out)

    def _credits(self, c: Claim) -> list[str]:
        t = self.t
        lines = [f"{md(t('published'))}: {t.date(c.published)}"]
        if c.updated:
            lines.append(f"{md(t('updated'))}: {t.date(c.updated)}")
        lines.append(f"{md(t('authors'))}: " + ", ".join(md(self.g.people[p].name) for p in c.authors))
        if c.reviewers:
            lines.append(f"{md(t('reviewers'))}: " + ", ".join(md(self.g.people[p].name) for p in c.reviewers))
        return ["---", "", '<div class="fc-credits" data-search-exclude markdown>', "", "  \n".join(lines), "", "</div>", ""]

    # -- listings -------------------------------------------------------------------------
    def _listing(self, section: str, key: str | None, title: str, intro: str, ids: list[str],
                 *, searchable_intro: bool = False) -> dict[str, str]:
        """A paginated listing, newest first: page 1 at the group's own URL, then /2, /3, ..."""
        size = self.g.site.page_size
        total = max(1, math.ceil(len(ids) / size))
        out: dict[str, str] = {}
        for n in range(1, total + 1):
            here = paths.listing(section, key, n)
            head = [f"# {md(title)}" + (f" ({md(self.t('page', n=n, total=total))})" if n > 1 else ""), ""]
            body = [intro] if n == 1 and intro else []
            chunk = ids[(n - 1) * size: n * size]
            entries = [self.entry(here, cid) for cid in chunk] or [md(self.t("no_claims"))]
            front = "" if searchable_intro and n == 1 else NOT_SEARCHED
            out[here] = front + "\n".join(head + body + entries + ["", self._pager(section, key, n, total, here), ""])
        return out

    def _pager(self, section: str, key: str | None, n: int, total: int, here: str) -> str:
        if total == 1:
            return ""
        parts = []
        if n > 1:
            parts.append(self.link(here, paths.listing(section, key, n - 1), self.t("prev")))
        parts.append(md(self.t("page", n=n, total=total)))
        if n < total:
            parts.append(self.link(here, paths.listing(section, key, n + 1), self.t("next")))
        return '<nav class="fc-pager" markdown>\n\n' + " · ".join(parts) + "\n\n</nav>"

    def group_index(self, section: str, title: str, groups: dict[str, list[str]], names: dict[str, str],
                    *, newest_first: bool = False) -> str:
        here = paths.listing(section)
        out = [f"# {md(title)}", ""]
        order = sorted(names, reverse=True) if newest_first else sorted(names, key=lambda k: (names[k].casefold(), k))
        for key in order:
            out.append(f"- {self.link(here, paths.listing(section, key), names[key])} ({len(groups.get(key, []))})")
        return "\n".join(out + [""])

    def verdict_index(self) -> str:
        here = paths.listing("verdicts")
        return "\n".join([f"# {md(self.t('scale'))}", "", self.scale_table(here), ""])

    def scale_table(self, here: str) -> str:
        t, scale = self.t, self.g.scale
        rows = [md(t("scale_intro", worst=scale.worst_rating, best=scale.best_rating)), "",
                f"| {md(t('verdict'))} | {md(t('rating'))} | {md(t('meaning'))} | {md(t('count'))} |",
                "| --- | --- | --- | --- |"]
        for key, v in self.g.verdicts.items():
            rating = str(v.rating) if v.rating is not None else md(t("none"))
            count = self.link(here, paths.listing("verdicts", key), str(len(self.g.by_verdict[key])))
            rows.append(f"| {self.badge(key)} | {rating} | {md(t.pick(v.description))} | {count} |")
        return "\n".join(rows)

    def corrections_page(self) -> str:
        """Every correction on the site, newest first, each linked to its fact-check."""
        here = paths.listing("corrections")
        t = self.t
        out = [f"# {md(t('corrections_title'))}", "", md(t("corrections_intro")), ""]
        corrections = self.g.corrections()
        for cid, i in corrections:
            claim = self.g.claims[cid]
            correction = claim.corrections[i]
            out.append(f"- **{t.date(correction.date)}** · {self.link(here, paths.claim(cid), claim.title)}: "
                       f"{md(correction.note)}")
        if not corrections:
            out.append(md(t("no_corrections")))
        return "\n".join(out + [""])

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
    def home(self) -> str:
        here = paths.home()
        site, t = self.g.site, self.t
        latest = [self.entry(here, cid) for cid in self.g.newest_first()[:10]] or [md(t("no_claims"))]
        return "\n".join([f"# {md(site.name)}", "", prose(site.intro), "", f"## {md(t('latest'))}", "", *latest, "",
                          self.link(here, paths.listing("latest"), t("all_checks") + " →"), "",
                          f"## {md(t('distribution'))}", "", self.chart(list(self.g.claims)),
                          f"## {md(t('scale'))}", "", self.scale_table(here), ""])

    # -- claimant profile (top of the claimant's listing) ----------------------------------
    def claimant_profile(self, key: str) -> str:
        c = self.g.claimants[key]
        t = self.t
        out = [f"*{md(t('kind_' + c.kind))}*" + (f" · {external(c.url, c.url)}" if c.url else ""), "",
               prose(c.description), ""]
        if c.facts:
            out += [f"## {md(t('facts'))}", ""]
            for fact in c.facts:
                out.append(f"- {md(fact.text)}")
                out += [f"    - {self.source(s).replace(chr(10) + '    ', chr(10) + '        ')}" for s in fact.sources]
            out.append("")
        out += [f"## {md(t('distribution'))}", "", self.chart(self.g.by_claimant[key])]
        out += [f"## {md(t('claims_of'))}", ""]
        return "\n".join(out) + "\n"

    # -- article page ---------------------------------------------------------------------
    def article(self, key: str) -> str:
        here = paths.listing("articles", key)
        a, t = self.g.articles[key], self.t
        outlet = self.g.claimants[a.outlet]
        when = t.date(a.date) + (f" ({md(a.date_note)})" if a.date_note else "")
        out = [f"# {md(a.title)}", "",
               f"- **{md(t('outlet'))}:** {self.link(here, paths.listing('claimants', outlet.id), outlet.name)}",
               f"- **{md(t('article_date'))}:** {when}",
               f"- **{md(t('original'))}:** {external(a.url, a.url)}", ""]
        if a.notes:
            out += [f"## {md(t('notes'))}", "", prose(a.notes), ""]
        marks = self.g.marks.get(key, [])
        in_order = list(dict.fromkeys(m.claim for m in marks))
        if in_order:
            out += [f"## {md(t('article_claims'))}", ""]
            out += [f"{i}. {self.entry(here, cid)[2:]}" for i, cid in enumerate(in_order, 1)] + [""]
        out += [f"## {md(t('article_text'))}{NO_INDEX}", "", f"*{md(t('article_marks_note'))}*", "",
                f'<div class="fc-article" lang="{h(a.language)}">', ""]
        out += [para for para in self._annotated(here, a.text, marks)]
        out += ["", "</div>", ""]
        if a.related_sources:
            out += [f"## {md(t('more_sources'))}{NO_INDEX}", ""]
            out += [f"- {self.source(s)}" for s in a.related_sources] + [""]
        return "\n".join(out)

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
        # Raw HTML (for the tooltip and the label) is not rewritten by MkDocs, so we compute the
        # built URL ourselves; the end-to-end test follows every such link.
        url = paths.rel_url(here, paths.claim(mark.claim), self.directory_urls)
        return (f'<a class="fc-mark" href="{h(url)}" data-verdict="{h(claim.verdict)}" '
                f'style="--fc-colour: {verdict.colour}">'
                f'<mark>{h(passage)}</mark><span class="fc-mark__label">{ICONS[verdict.icon]} {h(label)}</span>'
                f'<span class="fc-mark__tip" role="tooltip">{h(claim.summary)}</span></a>')


def external(url: str, text: str) -> str:
    return f'<a href="{h(url)}" rel="noopener noreferrer">{md(text)}</a>'


def prose(markdown_text: str) -> str:
    """A Markdown field of a record, as sanitised HTML in a raw block Markdown leaves alone."""
    return f'<div class="fc-prose" markdown="0">\n{markdown_to_safe_html(markdown_text)}\n</div>'
