"""Markdown fields of records → HTML that is safe to show, whatever the record says.

Records come through pull requests, some from outside the newsroom. Their Markdown may contain
raw HTML; we convert it and then run the result through nh3 (the Rust ``ammonia`` sanitiser)
with an allowlist: ordinary formatting, links and tables stay; scripts, event handlers, iframes,
styles and ``javascript:``/``data:`` URLs go, however they are encoded.
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "h3", "h4",
                "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "sub", "abbr", "q", "s"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"},
                      "q": {"cite"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# One converter, reset between fields: building a Markdown instance costs more than converting.
_MD = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


def markdown_to_safe_html(text: str) -> str:
    _MD.reset()
    return sanitize_html(_MD.convert(text))


def sanitize_html(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")
