"""Where every generated page lives (``src_uri`` inside the docs tree) and how pages link.

Ids are validated slugs (``model.ID_PATTERN``), so no path built here can leave the site.
Links are relative URLs between built pages (``rel_url``), resolved into the view data (``views``)
that the page templates write out; the end-to-end tests follow them.
"""

from __future__ import annotations

import functools
import posixpath


def claim(claim_id: str) -> str:
    return f"claims/{claim_id}.md"


def listing(section: str, key: str | None = None, page: int = 1) -> str:
    """A listing page. ``section`` is verdicts/topics/claimants/articles/latest; page 1 is the group page."""
    if key is None:
        return f"{section}/index.md" if page == 1 else f"{section}/{page}.md"
    return f"{section}/{key}.md" if page == 1 else f"{section}/{key}/{page}.md"


def home() -> str:
    return "index.md"


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for clean relative paths ("a/b", "" for the root), without its
    ``abspath``/``getcwd`` calls: listings make hundreds of thousands of links at 10,000 claims."""
    t = [p for p in target.split("/") if p]
    s = [p for p in start.split("/") if p]
    common = 0
    while common < min(len(t), len(s)) and t[common] == s[common]:
        common += 1
    parts = [".."] * (len(s) - common) + t[common:]
    return "/".join(parts) or "."


@functools.lru_cache(maxsize=1 << 16)
def url(src_uri: str, directory_urls: bool = True) -> str:
    """The site URL of a page, as MkDocs computes it (``claims/x.md`` → ``claims/x/``)."""
    stem = src_uri[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/" if directory_urls else f"{stem}.html"


def rel_url(from_uri: str, to_uri: str, directory_urls: bool = True) -> str:
    """Relative URL between two pages' *built* locations, for links inside raw HTML."""
    here = url(from_uri, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    target = url(to_uri, directory_urls)
    relative = _relpath(target, base)
    return relative + "/" if target.endswith("/") and not relative.endswith("/") else relative


def card(claim_id: str | None) -> str:
    """A share card's file: ``claims/<id>/card.png``, the site's own at ``assets/fc-card.png``."""
    return f"claims/{claim_id}/card.png" if claim_id else "assets/fc-card.png"


def embed(claim_id: str) -> str:
    """A claim's embed card (a file, not a MkDocs page: it has no theme around it)."""
    return f"claims/{claim_id}/embed/index.html"


def embed_url(claim_id: str) -> str:
    """The embed card's URL, the same whatever ``use_directory_urls`` says (it is a plain file)."""
    return f"claims/{claim_id}/embed/"


def rel_file(from_uri: str, target: str, directory_urls: bool = True) -> str:
    """Relative URL from a page's built location to a file of the site (``claims/x/card.png``)."""
    here = url(from_uri, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    folder, _, name = target.rpartition("/")
    relative = _relpath(folder, base)
    return name if relative == "." else f"{relative}/{name}"
