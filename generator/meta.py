"""What a page tells the sites it is shared on: description, canonical and absolute URLs, Open
Graph and Twitter values, ``noindex`` for drafts. Plain data for ``theme_overrides/partials/
fc-meta.html``; pure functions, no markup (the partial escapes every value)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

DESCRIPTION_LENGTH = 200
"""Characters: what previews show before they cut (Mastodon ~ 200, Facebook ~ 160-300)."""
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"(?<=[^\d\s][.!?…])\s+(?=[^a-zäöüß\d])")
"""A sentence ends at . ! ? … after anything but a digit ("am 10. Oktober") and before a capital."""
_HEADING = re.compile(r"<h([1-6])\b.*?</h\1>", re.DOTALL)


def absolute(site_url: str, path: str) -> str:
    """``path`` (a site path like ``claims/x/``) under ``site_url``, keeping its sub-path
    (``https://example.github.io/faktenchecks/`` + ``claims/x/``)."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def plain(text_or_html: str) -> str:
    """Text without tags and entities, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", text_or_html)).split())


def first_sentences(text_or_html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Whole sentences up to ``limit`` characters; a first sentence longer than that is cut at a
    word and ends in "…"."""
    text = plain(text_or_html)
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if out:
        return out
    cut = text[:limit - 1].rsplit(" ", 1)[0] if len(text) > limit else text
    return cut + ("…" if len(text) > limit else "")


def page_description(html_text: str) -> str:
    """A hand-written page's first sentences, its headings left out."""
    return first_sentences(_HEADING.sub(" ", html_text))


SERVICES: tuple[tuple[str, str], ...] = (
    ("bluesky", "https://bsky.app/intent/compose?text={text}"),
    # Mastodon has no central server: the web+mastodon scheme opens the reader's own instance
    # (Mastodon's web app and apps such as Elk register it); see README, "Share links".
    ("mastodon", "web+mastodon://share?text={text}"),
    ("x", "https://x.com/intent/post?text={title}&url={url}"),
    ("facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("linkedin", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    ("whatsapp", "https://wa.me/?text={text}"),
    ("telegram", "https://t.me/share/url?url={url}&text={title}"),
    ("email", "mailto:?subject={title}&body={url}"),
)
"""Plain share URLs: a link each, no script, no tracker; ``{url}`` is the page's canonical URL."""


def share_urls(url: str, title: str) -> list[tuple[str, str]]:
    """(service, share URL) for each of ``SERVICES``; every value is percent-encoded."""
    values = {"url": quote(url, safe=""), "title": quote(title, safe=""), "text": quote(f"{title} {url}", safe="")}
    return [(name, pattern.format(**values)) for name, pattern in SERVICES]
