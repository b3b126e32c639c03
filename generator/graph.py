"""Link stage: resolve every id, compute backlinks and the groups the listing pages show.

Pure: takes validated records, returns a ``Graph`` or raises ``FactcheckError`` with every
dangling reference, duplicate, misplaced quote and out-of-scale rating found.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .errors import FactcheckError, Problem
from .model import Article, Claim, Claimant, Person, SiteInfo, Topic, Verdict, VerdictScale
from .validate import Validated
from .yamlsource import Document

if TYPE_CHECKING:
    from .media import ClaimMedia

RESERVED_IDS = {"index"}
"""Ids that would collide with a listing's own page (``verdicts/index.md``)."""


@dataclass(frozen=True)
class Mark:
    """A checked passage: characters ``start:end`` of an article's text belong to ``claim``."""

    start: int
    end: int
    claim: str


@dataclass
class Graph:
    """Everything the renderer needs, resolved and sorted."""

    site: SiteInfo
    scale: VerdictScale
    verdicts: dict[str, Verdict]
    topics: dict[str, Topic]
    claimants: dict[str, Claimant]
    articles: dict[str, Article]
    people: dict[str, Person]
    claims: dict[str, Claim]
    """Only the claims that are shown in this build (published, or all under preview)."""
    sources: dict[tuple[str, str], Document] = field(default_factory=dict)
    """(kind, id) → the document it came from, for edit links and later line lookups."""
    backlinks: dict[str, list[str]] = field(default_factory=dict)
    by_verdict: dict[str, list[str]] = field(default_factory=dict)
    by_topic: dict[str, list[str]] = field(default_factory=dict)
    by_claimant: dict[str, list[str]] = field(default_factory=dict)
    by_article: dict[str, list[str]] = field(default_factory=dict)
    marks: dict[str, list[Mark]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    """Former claim id → current id (shown claims only), for redirect pages."""
    media: dict[str, ClaimMedia] = field(default_factory=dict)
    """Claim id → its images' view data (renditions, alt, caption, credit), set by the pipeline's
    media step (``media.build_media``); shown claims with images only."""

    def newest_first(self, ids: list[str] | None = None) -> list[str]:
        """Claim ids, newest check first; ties broken by id so the order never wobbles."""
        chosen = self.claims if ids is None else ids
        return sorted(chosen, key=lambda i: (-self.claims[i].published.toordinal(), i))

    def epoch(self) -> int:
        """Seconds since 1970 of the newest publication or update: the build's reproducible date."""
        days = [d for c in self.claims.values() for d in (c.published, c.updated) if d is not None]
        return int(datetime.combine(max(days), datetime.min.time(), timezone.utc).timestamp()) if days else 0

    def corrections(self) -> list[tuple[str, int]]:
        """Every correction of a shown claim as (claim id, index), newest first."""
        found = [(c.corrections[i].date, cid, i) for cid, c in self.claims.items() for i in range(len(c.corrections))]
        return [(cid, i) for _, cid, i in sorted(found, key=lambda f: (-f[0].toordinal(), f[1], f[2]))]

    def by_month(self) -> dict[str, list[str]]:
        """'YYYY-MM' of publication → claim ids, newest month first."""
        months: dict[str, list[str]] = defaultdict(list)
        for cid in self.newest_first():
            months[self.claims[cid].published.strftime("%Y-%m")].append(cid)
        return dict(sorted(months.items(), reverse=True))

    def related(self, claim_id: str) -> list[str]:
        return [r for r in self.claims[claim_id].related if r in self.claims]


def link(validated: list[Validated], *, include_drafts: bool = False,
         unchecked: dict[str, set[str]] | None = None) -> Graph:
    """``unchecked``: ids of records (by kind: claim, claimant, article, person) whose file exists but
    did not pass the schema. References to them are not reported as missing: the run reports
    that file's own problems, and the other files' dangling references, together."""
    checker = _Linker(validated, unchecked or {})
    graph = checker.build(include_drafts)
    if checker.problems:
        raise FactcheckError(checker.problems)
    return graph


class _Linker:
    def __init__(self, validated: list[Validated], unchecked: dict[str, set[str]]) -> None:
        self.problems: list[Problem] = []
        self.unchecked = unchecked
        self.by_kind: dict[str, list[Validated]] = defaultdict(list)
        for item in validated:
            self.by_kind[item.kind].append(item)

    def _one(self, kind: str) -> Validated:
        return self.by_kind[kind][0]

    def build(self, include_drafts: bool) -> Graph:
        scale_doc = self._one("verdicts")
        topics_doc = self._one("topics")
        scale: VerdictScale = scale_doc.record
        verdicts = self._index_list(scale_doc, "verdicts", "key", [(v.key, v) for v in scale.verdicts])
        topics = self._index_list(topics_doc, "topics", "id", [(t.id, t) for t in topics_doc.record.topics])
        self._check_scale(scale_doc, scale)
        graph = Graph(
            site=self._one("site").record, scale=scale, verdicts=verdicts, topics=topics,
            claimants=self._by_id("claimant"), articles=self._by_id("article"), people=self._by_id("person"),
            claims={},
        )
        for kind in ("claimant", "article", "person", "claim"):
            for item in self.by_kind[kind]:
                graph.sources[(kind, item.record.id)] = item.doc
                if item.record.id in RESERVED_IDS:
                    self.problems.append(item.doc.problem(("id",), f"{item.record.id!r} is reserved", "choose another id"))
        for item in self.by_kind["article"]:
            self._ref(item.doc, ("outlet",), item.record.outlet, graph.claimants, "claimant")
        all_claims = {item.record.id: item for item in self.by_kind["claim"]}
        for item in sorted(all_claims.values(), key=lambda v: v.record.id):
            self._check_claim(item, graph, all_claims)
        graph.claims = {cid: v.record for cid, v in sorted(all_claims.items())
                        if include_drafts or v.record.status == "published"}
        self._check_aliases(all_claims, graph)
        self._check_imports(all_claims)
        self._group(graph)
        self._place_quotes(graph, all_claims)
        return graph

    def _by_id(self, kind: str) -> dict[str, Any]:
        return {item.record.id: item.record for item in sorted(self.by_kind[kind], key=lambda v: v.record.id)}

    def _index_list(self, item: Validated, list_field: str, key_field: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, (key, value) in enumerate(pairs):
            if key in out:
                self.problems.append(item.doc.problem((list_field, i, key_field), f"duplicate {key_field} {key!r}",
                                                      "each entry needs its own key"))
            elif key in RESERVED_IDS:
                self.problems.append(item.doc.problem((list_field, i, key_field), f"{key!r} is reserved", "choose another"))
            out[key] = value
        return out

    def _check_scale(self, item: Validated, scale: VerdictScale) -> None:
        low, high = sorted((scale.worst_rating, scale.best_rating))
        for i, verdict in enumerate(scale.verdicts):
            if verdict.rating is not None and not low <= verdict.rating <= high:
                self.problems.append(item.doc.problem(("verdicts", i, "rating"),
                                                      f"{verdict.rating} is outside the scale {low}..{high}",
                                                      "change the rating or worst_rating/best_rating"))

    def _ref(self, doc: Document, loc: tuple[str | int, ...], target: str, known: dict[str, Any], what: str) -> bool:
        if target in known:
            return True
        if target in self.unchecked.get(what, ()):
            return False  # the record exists but is broken: its file's problems are reported
        close = difflib.get_close_matches(target, list(known), n=1)
        if not close:
            close = [k for k in known if k.lower() == target.lower()]
        if close:
            hint = f"did you mean '{close[0]}'?"
        elif len(known) <= 12:
            hint = f"known: {', '.join(sorted(known)) or '(none)'}"
        else:
            hint = f"no {what} id is close to it; check the spelling or add the record first"
        self.problems.append(doc.problem(loc, f"no {what} with id {target!r}", hint))
        return False

    def _check_claim(self, item: Validated, graph: Graph, all_claims: dict[str, Validated]) -> None:
        claim: Claim = item.record
        doc = item.doc
        if claim.verdict not in graph.verdicts:
            keys = list(graph.verdicts)
            close = difflib.get_close_matches(claim.verdict.lower().replace("_", "-"), keys, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "add it to content/verdicts.yml first"
            self.problems.append(doc.problem(("verdict",), f"{claim.verdict!r} is not a verdict; known: {', '.join(keys)}", hint))
        self._ref(doc, ("claim", "claimant"), claim.claim.claimant, graph.claimants, "claimant")
        for i, topic in enumerate(claim.topics):
            self._ref(doc, ("topics", i), topic, graph.topics, "topic")
        for i, other in enumerate(claim.related):
            if other == claim.id:
                self.problems.append(doc.problem(("related", i), "a claim cannot be related to itself", "remove it"))
            else:
                self._ref(doc, ("related", i), other, all_claims, "claim")
        for role in ("authors", "reviewers"):
            for i, person in enumerate(getattr(claim, role)):
                self._ref(doc, (role, i), person, graph.people, "person")
        for i, ap in enumerate(claim.claim.appearances):
            if ap.article is None or ap.quote is None:  # an external appearance: a URL only
                continue
            if self._ref(doc, ("claim", "appearances", i, "article"), ap.article, graph.articles, "article"):
                if ap.quote not in graph.articles[ap.article].text:
                    self.problems.append(doc.problem(("claim", "appearances", i, "quote"),
                                                     f"quote not found in the text of article {ap.article!r}",
                                                     "copy the passage verbatim from the article (same quotes, spaces and line breaks)"))
        if claim.status == "published" and graph.site.require_review:
            independent = [r for r in claim.reviewers if r not in claim.authors]
            if not independent:
                loc = ("reviewers",) if claim.reviewers else ("status",)
                self.problems.append(doc.problem(loc, "a published claim needs a reviewer who is not one of its authors",
                                                 "add 'reviewers: [person-id]' or keep 'status: review' until reviewed"))
        for i, correction in enumerate(claim.corrections):
            if correction.date < claim.published:
                self.problems.append(doc.problem(("corrections", i, "date"), f"{correction.date} is before published {claim.published}",
                                                 "a correction is dated on or after publication"))
        if claim.updated is not None and claim.updated < claim.published:
            self.problems.append(doc.problem(("updated",), f"{claim.updated} is before published {claim.published}",
                                             "'updated' must be on or after 'published'"))

    def _check_aliases(self, all_claims: dict[str, Validated], graph: Graph) -> None:
        """An old id may point to one claim only, and never shadow a current claim."""
        owner: dict[str, str] = {}
        for cid, item in sorted(all_claims.items()):
            for i, alias in enumerate(item.record.aliases):
                if alias in all_claims:
                    self.problems.append(item.doc.problem(("aliases", i), f"{alias!r} is the id of an existing claim",
                                                          "an alias is a former id that no claim uses now"))
                elif alias in owner:
                    self.problems.append(item.doc.problem(("aliases", i), f"{alias!r} is already an alias of {owner[alias]!r}",
                                                          "an old URL can redirect to one claim only"))
                else:
                    owner[alias] = cid
        graph.aliases = {alias: cid for alias, cid in sorted(owner.items()) if cid in graph.claims}

    def _check_imports(self, all_claims: dict[str, Validated]) -> None:
        """One record per imported review: its URL is how a re-import finds the record."""
        owner: dict[str, str] = {}
        for cid, item in sorted(all_claims.items()):
            source = item.record.imported
            if source is None:
                continue
            if source.url in owner:
                self.problems.append(item.doc.problem(("imported", "url"), f"the review {source.url} is already "
                                                      f"the source of claim {owner[source.url]!r}",
                                                      "keep one record per review: merge the two, or remove "
                                                      "'imported' from one"))
            else:
                owner[source.url] = cid

    def _group(self, graph: Graph) -> None:
        backlinks: dict[str, set[str]] = defaultdict(set)
        groups: dict[str, dict[str, list[str]]] = {"v": defaultdict(list), "t": defaultdict(list),
                                                    "c": defaultdict(list), "a": defaultdict(list)}
        for cid, claim in graph.claims.items():
            for other in graph.related(cid):
                backlinks[other].add(cid)
            groups["v"][claim.verdict].append(cid)
            groups["c"][claim.claim.claimant].append(cid)
            for topic in claim.topics:
                groups["t"][topic].append(cid)
            for article in dict.fromkeys(ap.article for ap in claim.claim.appearances if ap.article):
                groups["a"][article].append(cid)
        graph.backlinks = {k: sorted(v) for k, v in sorted(backlinks.items())}
        graph.by_verdict = {k: graph.newest_first(groups["v"].get(k, [])) for k in graph.verdicts}
        graph.by_topic = {k: graph.newest_first(groups["t"].get(k, [])) for k in graph.topics}
        graph.by_claimant = {k: graph.newest_first(groups["c"].get(k, [])) for k in graph.claimants}
        graph.by_article = {k: graph.newest_first(groups["a"].get(k, [])) for k in graph.articles}

    def _place_quotes(self, graph: Graph, all_claims: dict[str, Validated]) -> None:
        """Locate each shown claim's passages in its articles; overlapping passages are an error."""
        for article_id, article in graph.articles.items():
            marks: list[tuple[Mark, Validated, int]] = []
            for cid in sorted(graph.by_article.get(article_id, [])):
                for i, ap in enumerate(graph.claims[cid].claim.appearances):
                    if ap.article == article_id and ap.quote and ap.quote in article.text:
                        start = article.text.index(ap.quote)
                        marks.append((Mark(start, start + len(ap.quote), cid), all_claims[cid], i))
            marks.sort(key=lambda m: (m[0].start, m[0].end, m[0].claim))
            furthest: Mark | None = None  # the mark reaching furthest so far: a nested quote overlaps it too
            for mark, item, i in marks:
                if furthest is not None and mark.start < furthest.end:
                    self.problems.append(item.doc.problem(("claim", "appearances", i, "quote"),
                                                          f"passage overlaps the quote of claim {furthest.claim!r} in article {article_id!r}",
                                                          "each checked passage must be marked once; shorten one quote"))
                if furthest is None or mark.end > furthest.end:
                    furthest = mark
            graph.marks[article_id] = [m for m, _, _ in marks]
