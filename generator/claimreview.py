"""Machine-readable output: schema.org ClaimReview (per page and as a feed), all records as JSON,
and an Atom feed. Pure functions of the graph; the URLs are absolute, built from ``site_url``.

Google's property table (``shared/design/claimreview.md``): ClaimReview needs ``claimReviewed``,
``reviewRating`` (a Rating whose ``alternateName`` is the verdict as shown) and ``url``; it
recommends ``author``, ``datePublished`` and ``itemReviewed`` (a Claim with ``author``,
``datePublished``, ``appearance``/``firstAppearance``), and ``ratingValue``/``bestRating``/
``worstRating`` on the Rating. Verdicts without a place on the numeric scale (unproven) carry no
numbers: tools reject a value outside the declared range.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from . import paths
from .graph import Graph
from .i18n import Labels
from .model import Appearance, Claim, Claimant

FEED_SIZE = 50
"""Entries in the Atom feed: the latest fact-checks."""
ATOM = "http://www.w3.org/2005/Atom"


def page_url(site_url: str, src_uri: str, directory_urls: bool = True) -> str:
    return site_url.rstrip("/") + "/" + paths.url(src_uri, directory_urls)


def script_json(data: Any) -> str:
    """JSON for a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., which JSON parsers read back unchanged, so no field
    content can close the element (``</script>``) or open a comment (``<!--``).
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _party(claimant: Claimant) -> dict[str, Any]:
    kind = "Person" if claimant.kind == "person" else "Organization"
    out: dict[str, Any] = {"@type": kind, "name": claimant.name}
    if claimant.url:
        out["url"] = claimant.url
    return out


def _appearance(graph: Graph, ap: Appearance) -> dict[str, Any]:
    """A CreativeWork for every kind of appearance. ``name`` says where the claim was made (Google's
    Fact Check Tools read the claim's location from it); an offline appearance (a speech, a broadcast)
    has no ``url``, and tools accept the work without one."""
    if ap.article is None:
        work: dict[str, Any] = {"@type": "CreativeWork"}
        if ap.url:
            work["url"] = ap.url
        if ap.name or ap.title:
            work["name"] = ap.name or ap.title
        if ap.title:
            work["headline"] = ap.title
        if ap.date:
            work["datePublished"] = ap.date.isoformat()
        if ap.archive_url:
            work["archivedAt"] = ap.archive_url
        return work
    article = graph.articles[ap.article]
    return {"@type": "CreativeWork", "url": article.url, "name": article.title, "headline": article.title,
            "datePublished": article.date.isoformat(), "inLanguage": article.language,
            "author": _party(graph.claimants[article.outlet])}


def claim_review(graph: Graph, claim_id: str, site_url: str, directory_urls: bool = True,
                 labels: Labels | None = None) -> dict[str, Any]:
    """The ClaimReview object of one claim, as it goes into the page's head and the feed.
    ``labels``: the site language's, when the caller has them (loading them is most of the cost)."""
    claim: Claim = graph.claims[claim_id]
    verdict = graph.verdicts[claim.verdict]
    labels = labels or Labels(graph.site.language)
    url = page_url(site_url, paths.claim(claim_id), directory_urls)
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": labels.pick(verdict.label),
                              "name": labels.pick(verdict.label), "ratingExplanation": claim.summary}
    if verdict.rating is not None:
        rating |= {"ratingValue": verdict.rating, "bestRating": graph.scale.best_rating,
                   "worstRating": graph.scale.worst_rating}
    appearances = [_appearance(graph, ap) for ap in claim.claim.appearances]
    publisher = graph.site.publisher
    author: dict[str, Any] = {"@type": "Organization", "name": publisher.name, "url": publisher.url or site_url}
    if publisher.logo:
        author["logo"] = {"@type": "ImageObject", "url": publisher.logo}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": url + "#claimreview",
        "url": url,
        "name": claim.title,
        "claimReviewed": claim.claim.text,
        "datePublished": claim.published.isoformat(),
        "inLanguage": graph.site.language,
        "author": author,
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "@id": url + "#claim",
            "author": _party(graph.claimants[claim.claim.claimant]),
            "datePublished": claim.claim.date.isoformat(),
            "inLanguage": claim.claim.language,
            "appearance": appearances,
            "firstAppearance": appearances[0],
        },
    }
    if "name" in appearances[0]:
        # Where the claim was first made ("Bundestag, 12. Sitzung"): the claim's location for
        # Google's Fact Check Tools, which read it from itemReviewed.name.
        review["itemReviewed"]["name"] = appearances[0]["name"]
    if claim.updated:
        review["dateModified"] = claim.updated.isoformat()
    return review


def claim_reviews(graph: Graph, site_url: str, directory_urls: bool = True) -> dict[str, dict[str, Any]]:
    """Claim id → ClaimReview, for published claims only (drafts and records in review get none)."""
    labels = Labels(graph.site.language)  # once: made per claim, they were 2 s of a 10,000-claim build
    return {cid: claim_review(graph, cid, site_url, directory_urls, labels)
            for cid, claim in graph.claims.items() if claim.status == "published"}


def head_scripts(reviews: dict[str, dict[str, Any]]) -> dict[str, str]:
    """src_uri → escaped JSON-LD for the page's head."""
    return {paths.claim(cid): script_json(review) for cid, review in reviews.items()}


EXPORTS = ("claimreview.json", "claims.json", "feed.xml")
"""The export files' names (``factcheck audit`` looks for them without making them)."""


def exports(graph: Graph, reviews: dict[str, dict[str, Any]], site_url: str, directory_urls: bool = True
            ) -> dict[str, str]:
    """Site files: ``claimreview.json`` (a schema.org DataFeed), ``claims.json`` and ``feed.xml``."""
    published = [cid for cid in graph.newest_first() if cid in reviews]
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "name": graph.site.name,
            "dataFeedElement": [{"@type": "DataFeedItem", "item": [reviews[cid]]} for cid in published]}
    records = {"claims": [graph.claims[cid].model_dump(mode="json", exclude_none=True) | {"url": page_url(site_url, paths.claim(cid), directory_urls)}
                          for cid in published],
               "claimants": [c.model_dump(mode="json", exclude_none=True) for c in graph.claimants.values()],
               "articles": [a.model_dump(mode="json", exclude_none=True) for a in graph.articles.values()],
               "verdicts": graph.scale.model_dump(mode="json", exclude_none=True),
               "topics": [t.model_dump(mode="json", exclude_none=True) for t in graph.topics.values()]}
    # Compact separators keep json on its C encoder (indent= falls back to pure Python: 10x slower).
    out = {"claimreview.json": json.dumps(feed, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
           "claims.json": json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
           "feed.xml": atom(graph, site_url, published[:FEED_SIZE], directory_urls)}
    assert tuple(out) == EXPORTS, "EXPORTS names what exports() writes"
    return out


def atom(graph: Graph, site_url: str, claim_ids: list[str], directory_urls: bool = True) -> str:
    """An Atom 1.0 feed. ElementTree escapes every value; dates are the records' own (no clock)."""
    labels = Labels(graph.site.language)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": graph.site.language})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        el.text = text
        return el

    home = site_url.rstrip("/") + "/"
    sub(root, "id", home)
    sub(root, "title", graph.site.name)
    sub(root, "link", href=home)
    sub(root, "link", rel="self", href=home + "feed.xml")
    dates = [(graph.claims[c].updated or graph.claims[c].published) for c in claim_ids]
    sub(root, "updated", (max(dates).isoformat() if dates else "1970-01-01") + "T00:00:00Z")
    sub(sub(root, "author"), "name", graph.site.publisher.name)
    for cid in claim_ids:
        claim = graph.claims[cid]
        url = page_url(site_url, paths.claim(cid), directory_urls)
        label = labels.pick(graph.verdicts[claim.verdict].label)
        entry = sub(root, "entry")
        sub(entry, "id", url)
        sub(entry, "title", f"{label}: {claim.title}")
        sub(entry, "link", href=url)
        sub(entry, "published", claim.published.isoformat() + "T00:00:00Z")
        sub(entry, "updated", (claim.updated or claim.published).isoformat() + "T00:00:00Z")
        sub(entry, "summary", claim.summary)
        sub(entry, "category", term=claim.verdict, label=label)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
