"""``factcheck import claimreview FILE``: ClaimReview JSON → claim (and claimant) YAML records.

The inverse of ``claimreview.py``. Real-world ClaimReview data is messy (see
``shared/design/claimreview.md``): numbers as strings, inverted or ``-1`` scales, ``itemReviewed``
typed CreativeWork, appearances as a list, an object or a bare URL, dates with times. Every field is
therefore read defensively, and a review that cannot become a valid record is skipped with a reason
instead of stopping the whole import.

Nothing is written until the existing records plus the new ones have passed the same ``build_site``
as ``factcheck check`` (in a temporary copy of ``content/``); then each file is replaced atomically.
The importer never invents facts: what the source does not say is either left out or said to be
missing (a claimant "Unbekannt", a ``date_note`` when the claim's date is the review's).

Import can be re-run: the review's URL is the record's identity (``imported.url``, with a digest of
the review as read). Importing the same file again creates nothing; each review is reported as
unchanged, or — when the source changed since — kept as it is unless ``--force`` updates the record.
The same review twice in one file gives one record. ``published`` is the day of the import (the
source's date stays on the evidence entry that cites the review).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import html
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import TypeAdapter, ValidationError

from .errors import FactcheckError, Problem
from .graph import RESERVED_IDS
from .model import BIDI_CONTROLS, HttpUrl, VerdictScale
from .pipeline import build_site
from .records import display_path
from .slug import slugify as _slugify

IMPORTED_NOTE = "Importiert aus ClaimReview."
"""The whole description of a claimant the importer creates: it knows nothing else about it."""
UNKNOWN_CLAIMANT = "Unbekannt"
FALLBACK_VERDICT = "unbelegt"
TITLE_MAX = 300
SLUG_WORDS = 8
SLUG_MAX = 80
SCHEMA_DEFAULT_BEST, SCHEMA_DEFAULT_WORST = 5.0, 1.0
"""schema.org's documented defaults for a Rating that gives only ``ratingValue``."""

REFERENCE_DEPTH = 6
"""Levels below a review at which ``{"@id": ...}`` references are followed (review → itemReviewed →
appearance list → work → author is four)."""
_CONTAINER_KEYS = ("@graph", "dataFeedElement", "item", "itemListElement")
"""Keys under which feeds and JSON-LD documents nest their ClaimReviews."""
_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")
_ISO_START = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HTML_TAG = re.compile(r"</?(?:a|abbr|b|br|cite|code|div|em|h[1-6]|i|mark|p|q|s|small|span|strong|sub|sup|u)"
                       r"(?:\s[^<>]*)?/?>", re.IGNORECASE)
"""Common HTML tags; any other ``<word>`` may be text, so only its brackets go."""
_HTML_CODE = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
"""Elements whose content is code, not text: they go with everything inside them."""
_HTML_BLOCK = re.compile(r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|"
                         r"header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)"
                         r"(?:\s[^<>]*)?/?>", re.IGNORECASE)
"""Tags that separate words: each becomes a space."""
_HTML_INLINE = re.compile(r"</?(?:a|abbr|b|bdi|bdo|big|button|cite|code|data|del|dfn|em|embed|font|form|i|iframe|"
                          r"img|input|ins|kbd|label|link|mark|meta|object|q|s|samp|select|small|source|span|strike|"
                          r"strong|sub|sup|svg|textarea|time|tt|u|var|video|audio|wbr)(?:\s[^<>]*)?/?>|<!--.*?-->",
                          re.IGNORECASE | re.DOTALL)
"""Tags inside a word or sentence (``fünf<b>zig</b>`` is one word), and comments: they go without a trace."""
_MEDIUM_TYPES = {"VideoObject": "video", "Clip": "video", "MovieClip": "video", "TVEpisode": "tv", "TVSeries": "tv",
                 "TVClip": "tv", "TVSeason": "tv", "RadioEpisode": "radio", "RadioSeries": "radio", "RadioClip": "radio",
                 "RadioSeason": "radio", "SocialMediaPosting": "social", "DiscussionForumPosting": "social",
                 "Message": "messenger", "EmailMessage": "messenger", "PublicationIssue": "print",
                 "Newspaper": "print", "Periodical": "print", "Book": "print", "Poster": "print"}
"""schema.org types of a work without a URL → our ``medium``; anything else is ``other``."""
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_HTTP_URL: TypeAdapter[str] = TypeAdapter(HttpUrl)


# --------------------------------------------------------------------------------------------- CLI

def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``import`` command to the CLI."""
    parser = sub.add_parser("import", help="create records from another format")
    formats = parser.add_subparsers(required=True, metavar="FORMAT")
    cr = formats.add_parser("claimreview", help="ClaimReview JSON (object, list, DataFeed or @graph) → claim records")
    cr.add_argument("file", type=Path, metavar="FILE",
                    help="a .json file with ClaimReview data, or .jsonl/.ndjson with one ClaimReview per line")
    cr.add_argument("--force", action="store_true",
                    help="update records whose review changed since it was imported (the others stay as they are)")
    cr.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD", default=None,
                    help="the date recorded as 'published' of new records (default: today, the day of the import)")
    cr.add_argument("--status", choices=("draft", "review", "published"), default="draft",
                    help="status of the new claims (default: draft, so an editor reviews them)")
    cr.add_argument("--author", metavar="PERSON_ID", help="id in content/people/ to name as author")
    cr.add_argument("--reviewer", metavar="PERSON_ID", action="append", default=[],
                    help="id in content/people/ to name as reviewer (repeatable; needed for --status published)")
    cr.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    cr.set_defaults(func=cmd_import_claimreview)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_import_claimreview(args: argparse.Namespace) -> int:
    content: Path = args.content
    source = display_path(args.file)
    reviews = read_reviews(args.file)
    ctx = load_context(content, args.author, args.reviewer, args.status, today=args.published or date.today())
    plan = plan_import(reviews, ctx, force=args.force)
    if not plan.usable:
        raise FactcheckError(_unusable_problems(source, plan.skips, len(reviews)))
    files = plan.files(content)
    if files:
        validate_with(content, files)
        if not args.dry_run:
            for path, text in files.items():
                write_atomic(path, text)
    for line in report_lines(plan, content):
        print(line)
    if args.dry_run:
        print("dry run: nothing was written")
    return 0


# ------------------------------------------------------------------------------------ reading JSON

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def read_reviews(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every ClaimReview in a JSON file, or in a JSON Lines file (one document per line, where
    ``line N`` names each), as ``(where, object)`` in file order."""
    shown = display_path(path)
    text = _read_text(path)
    if path.suffix.lower() not in JSON_LINES_SUFFIXES:
        try:
            return find_reviews(_parse(text, shown), shown)
        except _ExtraData:
            pass  # a second document after the first: JSON Lines under another name
    found: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            data = _parse(line, shown, line_offset=number - 1)
            found += [(f"line {number}" + (f".{where}" if where else ""), review)
                      for where, review in _reviews_in(data)]
    if not found:
        raise _no_reviews(shown)
    return found


def load_json(path: Path) -> Any:
    """Parse ``path``; a missing, undecodable or malformed file is a ``FactcheckError`` with its line."""
    shown = display_path(path)
    try:
        return _parse(_read_text(path), shown)
    except _ExtraData as exc:
        raise exc.error from None


class _ExtraData(Exception):
    def __init__(self, error: FactcheckError) -> None:
        self.error = error


def _read_text(path: Path) -> str:
    shown = display_path(path)
    if not path.exists():
        raise _file_error(shown, "file not found", "check the path of the ClaimReview JSON file")
    if not path.is_file():
        raise _file_error(shown, "is not a file", "pass a .json file with ClaimReview data")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark is common in exported JSON and harmless here
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactcheckError([Problem(shown, line, "-", f"not UTF-8 (byte {exc.start})",
                                      "JSON files are UTF-8; re-export or convert the file")]) from None


def _parse(text: str, shown: str, line_offset: int = 0) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        error = FactcheckError([Problem(shown, exc.lineno + line_offset, "-",
                                        f"not valid JSON, column {exc.colno}: {exc.msg}",
                                        "the file must be ClaimReview JSON(-LD) or JSON Lines; check the syntax there")])
        if exc.msg == "Extra data" and not line_offset:
            raise _ExtraData(error) from None
        raise error from None
    except RecursionError:
        raise _file_error(shown, "JSON nested too deeply", "this is not ClaimReview data") from None
    if not isinstance(data, (dict, list)):
        where = f"line {line_offset + 1} " if line_offset else ""
        raise _file_error(shown, f"the JSON {where}is a {_json_kind(data)}, not an object or a list",
                          "expected a ClaimReview object, a list of them, a DataFeed or an @graph")
    return data


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string" if isinstance(value, str) else "null"


def _file_error(shown: str, message: str, hint: str) -> FactcheckError:
    return FactcheckError([Problem(shown, 0, "-", message, hint)])


def find_reviews(data: Any, shown: str) -> list[tuple[str, dict[str, Any]]]:
    """Every ClaimReview in ``data`` as ``(where, object)``, in document order.

    ``where`` is the JSON path (``dataFeedElement[2].item[0]``) that skip reasons name."""
    found = _reviews_in(data)
    if not found:
        raise _no_reviews(shown)
    return found


def _no_reviews(shown: str) -> FactcheckError:
    return _file_error(shown, "no ClaimReview found",
                       "expected objects with \"@type\": \"ClaimReview\", alone, in a list, "
                       "in a DataFeed's dataFeedElement[].item or in an @graph")


def _reviews_in(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """The walk behind ``find_reviews``, with ``@id`` references resolved. It uses an explicit stack:
    a hostile file of nested lists must not exhaust Python's recursion."""
    found: list[tuple[str, dict[str, Any]]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            if _is_review(value):
                found.append((where, value))
                continue
            stack.extend((f"{where}.{key}" if where else key, value[key])
                         for key in reversed(_CONTAINER_KEYS) if key in value)
    index = _node_index(data)
    return [(where, _embed(review, index, REFERENCE_DEPTH)) for where, review in found]


def _node_index(data: Any) -> dict[str, dict[str, Any]]:
    """Every object with an ``@id`` and content, so a bare ``{"@id": ...}`` reference can be followed."""
    index: dict[str, dict[str, Any]] = {}
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            ref = value.get("@id")
            if isinstance(ref, str) and len(value) > 1:
                index.setdefault(ref, value)
            stack.extend(value.values())
    return index


def _embed(value: Any, index: dict[str, dict[str, Any]], depth: int) -> Any:
    """A copy of ``value`` with references replaced by their nodes (``@graph`` documents link
    the review, the claim and its author by ``@id``). Bounded depth: references may form cycles."""
    if depth == 0:
        return value
    if isinstance(value, list):
        return [_embed(item, index, depth - 1) for item in value]
    if isinstance(value, dict):
        ref = value.get("@id")
        if len(value) == 1 and isinstance(ref, str) and ref in index:
            value = index[ref]
        return {key: _embed(item, index, depth - 1) for key, item in value.items()}
    return value


def _types(obj: dict[str, Any]) -> set[str]:
    """``@type`` as bare names: ``schema:ClaimReview`` and ``https://schema.org/ClaimReview`` count too."""
    raw = obj.get("@type", obj.get("type"))
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if isinstance(v, str)}


def _is_review(obj: dict[str, Any]) -> bool:
    types = _types(obj)
    # Some publishers leave out @type; a claimReviewed field is unmistakable.
    return "ClaimReview" in types or (not types and "claimReviewed" in obj)


# ---------------------------------------------------------------------------- messy-value readers

def _text(value: Any) -> str | None:
    """A text value: strings, numbers, JSON-LD ``{"@value": ...}``, or the first of a list."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    if isinstance(value, dict):
        return _text(value.get("@value"))
    if isinstance(value, bool) or value is None:
        return None
    text = _CONTROL.sub("", str(value)).strip()
    return text or None


def _line(value: str, limit: int = TITLE_MAX) -> str:
    """One line without angle brackets or bidi controls, at most ``limit`` characters (the model's ``Line``)."""
    # Markup that leaked into a feed ("<b>gut</b>") goes as a whole, so its name does not stay behind.
    text = _HTML_TAG.sub("", _HTML_CODE.sub(" ", value))
    text = BIDI_CONTROLS.sub("", text)
    text = " ".join(text.replace("<", " ").replace(">", " ").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain_text(value: str) -> str:
    """A claim's text without the HTML a feed carried: ``<script>``/``<style>`` go with their content,
    other tags without a trace, entities become characters, white space is single spaces. An unknown
    ``<word>`` may be the claim's own words and stays (it is shown escaped, as written)."""
    text = _HTML_CODE.sub(" ", value)
    text = _HTML_BLOCK.sub(" ", text)
    text = _HTML_INLINE.sub("", text)
    text = _CONTROL.sub("", html.unescape(text))
    return " ".join(text.split())


def _first_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, dict)), {})
    return value if isinstance(value, dict) else {}


def _http_url(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return _HTTP_URL.validate_python(text)
    except ValidationError:
        return None


def _date(value: Any) -> date | None:
    """The date part of ``2020-10-07``, ``2020-10-07 20:05``, ``2020-10-07T20:05:00+02:00`` or ``7.10.2020``."""
    text = _text(value)
    if text is None:
        return None
    if match := _ISO_START.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _GERMAN_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    """A rating number: JSON numbers, ``"5"`` or ``"1,5"``; never NaN or infinity (no place on a scale)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value)
        try:
            number = float(text.replace(",", ".")) if text else math.nan
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _language(value: Any) -> str | None:
    """A two-letter code from ``de``, ``de-DE`` or a schema.org Language object."""
    if isinstance(value, dict):
        return _language(value.get("alternateName")) or _language(value.get("name"))
    text = _text(value)
    match = _LANGUAGE.match(text) if text else None
    return match.group(1).lower() if match else None


def slugify(text: str, words: int = SLUG_WORDS, limit: int = SLUG_MAX) -> str:
    """The shared slug rule (``generator.slug``): first ``words`` words, at most ``limit`` characters."""
    return _slugify(text, limit, words)


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _md(text: str) -> str:
    """Plain text for a Markdown field: characters that would become formatting are escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


# --------------------------------------------------------------------------- one review → facts

@dataclass(frozen=True)
class Skip:
    """A review that is not imported, and why."""

    where: str
    """JSON path of the review, or the claim id once it has one."""
    field: str
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Party:
    """Who made the claim, as far as the review says."""

    name: str
    kind: str
    url: str | None = None


@dataclass(frozen=True)
class Rating:
    label: str | None
    numbers: tuple[float, float, float] | None
    """(value, best, worst) when usable; None for no numbers or ``-1`` (unrated)."""
    raw: tuple[str, str, str] | None
    """The numbers the source gave ("" for a missing bound), for the analysis."""
    explanation: str | None


@dataclass(frozen=True)
class Review:
    """What we take from one ClaimReview, cleaned up and checked."""

    where: str
    text: str
    url: str
    published: date
    headline: str | None
    publisher: str
    language: str | None
    claim_date: date | None
    claimant: Party | None
    appearances: list[dict[str, str]]
    rating: Rating
    digest: str
    """SHA-256 of the review object as read (canonical JSON): tells a changed review on re-import."""


def review_digest(obj: dict[str, Any]) -> str:
    canonical = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_review(where: str, obj: dict[str, Any]) -> Review | Skip:
    """Turn one ClaimReview object into a ``Review``, or say why it cannot be imported."""
    prefix = f"{where}." if where else ""
    raw_text = _text(obj.get("claimReviewed"))
    text = plain_text(raw_text) if raw_text else ""
    if not text or not _line(text):
        return Skip(where, prefix + "claimReviewed", "empty claimReviewed",
                    "a review without the claim's text cannot be a record")
    url = _http_url(obj.get("url")) or _page_of(obj.get("@id"))
    if url is None:
        return Skip(where, prefix + "url", "no http(s) url of the review",
                    "the review's url becomes the claim's evidence")
    published = _date(obj.get("datePublished"))
    if published is None:
        return Skip(where, prefix + "datePublished", "no datePublished (YYYY-MM-DD…) of the review",
                    "the review's date becomes the record's 'published'")
    item = _first_dict(obj.get("itemReviewed"))
    claim_date = _date(item.get("datePublished"))
    appearances = _appearances(item)
    if not appearances:
        # Said in a speech, on air, in print: no URL, but where and when (offline appearance).
        offline, dated = _offline_appearance(item, text, claim_date or published)
        claim_date = claim_date or dated  # the broadcast's or print issue's date is the claim's
        if offline is None:
            return Skip(where, prefix + "itemReviewed.appearance", "no appearance: no http(s) URL and no name of "
                        "where the claim was made", "give the claim an appearance URL, or itemReviewed.name or "
                        "an author (the offline appearance's name)")
        appearances = [offline]
    return Review(where=where, text=text, url=url, published=published,
                  headline=_opt_line(obj.get("name")) or _opt_line(obj.get("headline")),
                  publisher=_party_name(obj.get("author")) or _party_name(obj.get("publisher")) or _host(url),
                  language=_language(item.get("inLanguage")) or _language(obj.get("inLanguage")),
                  claim_date=claim_date, claimant=_party(item.get("author")),
                  appearances=appearances, rating=_rating(obj.get("reviewRating")), digest=review_digest(obj))


def _offline_appearance(item: dict[str, Any], text: str, when: date) -> tuple[dict[str, str] | None, date | None]:
    """An appearance without a URL: ``medium`` from the work's schema.org type (else ``other``),
    ``name`` from the work, ``itemReviewed.name`` or the claim's author, ``date`` the work's or
    ``when`` (the claim's date, else the review's). Also returns the work's own date, if it has one."""
    works = [w for key in ("firstAppearance", "appearance")
             for w in (item.get(key) if isinstance(item.get(key), list) else [item.get(key)]) if isinstance(w, dict)]
    medium = next((_MEDIUM_TYPES[t] for w in [*works, item] for t in sorted(_types(w)) if t in _MEDIUM_TYPES), "other")
    names = [_opt_line(w.get("name")) or _opt_line(w.get("headline")) for w in works]
    # Some feeds repeat the claim as itemReviewed.name; that says nothing about where it was made.
    item_name = _opt_line(item.get("name"))
    names += [item_name if item_name and item_name.casefold() != _line(text).casefold() else None,
              _party_name(item.get("author"))]
    name = next((n for n in names if n), None)
    dated = next((d for w in works if (d := _date(w.get("datePublished")))), None)
    if name is None:
        return None, None
    return {"medium": medium, "name": name, "date": (dated or when).isoformat()}, dated


def _page_of(value: Any) -> str | None:
    """A review's ``@id`` is usually its page URL plus a fragment (``#claimreview``)."""
    url = _http_url(value)
    return _http_url(url.split("#", 1)[0]) if url else None


def _opt_line(value: Any) -> str | None:
    text = _text(value)
    return (_line(text) or None) if text else None


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _party_name(value: Any) -> str | None:
    if isinstance(value, list):
        return next((n for n in map(_party_name, value) if n), None)
    if isinstance(value, dict):
        return _opt_line(value.get("name"))
    return _opt_line(value)


def _party(value: Any) -> Party | None:
    """The claim's author: a Person, an Organization (or subtype) or a bare name."""
    if isinstance(value, list):
        return next((p for p in map(_party, value) if p), None)
    name = _party_name(value)
    if name is None:
        return None
    if not isinstance(value, dict):
        # A bare name says nothing about what it names; 'organisation' is the neutral choice.
        return Party(name, "organisation")
    types = _types(value)
    kind = "person" if "Person" in types else "outlet" if "NewsMediaOrganization" in types else "organisation"
    return Party(name, kind, _http_url(value.get("url")))


def _appearances(item: dict[str, Any]) -> list[dict[str, str]]:
    """firstAppearance first, then appearance; a CreativeWork-typed itemReviewed is itself one."""
    candidates: list[Any] = []
    for key in ("firstAppearance", "appearance"):
        value = item.get(key)
        candidates.extend(value if isinstance(value, list) else [value])
    if item and "Claim" not in _types(item):
        candidates.append(item)
    found: dict[str, dict[str, str]] = {}
    for candidate in candidates:
        appearance = _appearance(candidate)
        if appearance and appearance["url"] not in found:
            found[appearance["url"]] = appearance
    return list(found.values())


def _appearance(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        url = _http_url(value)
        return {"url": url} if url else None
    url = _http_url(value.get("url"))
    if url is None:
        return None
    out = {"url": url}
    title = _opt_line(value.get("headline")) or _opt_line(value.get("name"))
    when = _date(value.get("datePublished"))
    if title:
        out["title"] = title
    if when:
        out["date"] = when.isoformat()
    return out


def _rating(value: Any) -> Rating:
    rating = _first_dict(value)
    label = _opt_line(rating.get("alternateName")) or _opt_line(rating.get("name"))
    raw_value = _number(rating.get("ratingValue"))
    best = _number(rating.get("bestRating"))
    worst = _number(rating.get("worstRating"))
    raw = None if raw_value is None else (_fmt(raw_value), _fmt(best) if best is not None else "",
                                          _fmt(worst) if worst is not None else "")
    best = SCHEMA_DEFAULT_BEST if best is None else best
    worst = SCHEMA_DEFAULT_WORST if worst is None else worst
    # -1 marks "unrated" in real feeds; equal bounds give no direction. Neither can be placed.
    usable = raw_value is not None and -1 not in (raw_value, best, worst) and best != worst
    numbers = (raw_value, best, worst) if usable and raw_value is not None else None
    return Rating(label, numbers, raw, _text(rating.get("ratingExplanation")))


# ---------------------------------------------------------------------------- verdicts

def pick_verdict(scale: VerdictScale, rating: Rating) -> tuple[str, str] | None:
    """``(verdict key, how it was found)``: by label, else by number, else the unproven fallback."""
    if rating.label:
        wanted = rating.label.casefold()
        for verdict in scale.verdicts:
            names = {verdict.key.casefold(), *(" ".join(t.split()).casefold() for t in verdict.label.values())}
            if wanted in names or slugify(rating.label, words=99, limit=999) == verdict.key:
                return verdict.key, "label"
    rated = [v for v in scale.verdicts if v.rating is not None]
    if rating.numbers and rated:
        value, best, worst = rating.numbers
        # (value - worst) / (best - worst) is 0 at the worst and 1 at the best end whichever way the
        # source's scale runs, so an inverted scale (best 1, worst 5) needs no special case.
        share = min(max((value - worst) / (best - worst), 0.0), 1.0)
        target = scale.worst_rating + share * (scale.best_rating - scale.worst_rating)
        return min(rated, key=lambda v: abs((v.rating or 0) - target)).key, "number"
    if any(v.key == FALLBACK_VERDICT for v in scale.verdicts):
        return FALLBACK_VERDICT, "fallback"
    return None


def _original_rating(rating: Rating) -> str:
    parts = [f"„{_md(rating.label)}“"] if rating.label else []
    if rating.raw and rating.numbers is None:
        unrated = rating.raw[0] == "-1"
        parts.append("nicht bewertet (-1)" if unrated else f"Wert {rating.raw[0]} (ohne verwertbare Skala)")
    elif rating.raw and rating.numbers:
        _, best, worst = rating.numbers
        # Missing bounds were filled with schema.org's defaults; say so rather than pass them off as the source's.
        assumed = "" if rating.raw[1] and rating.raw[2] else ", Skala nicht angegeben: schema.org-Vorgabe"
        parts.append(f"Wert {rating.raw[0]} (beste Stufe {_fmt(best)}, schlechteste {_fmt(worst)}{assumed})")
    if not rating.label and parts:
        parts.insert(0, "ohne Label")
    return ", ".join(parts) or "ohne Angabe"


_HOW = {
    "label": "Unsere Bewertung „{verdict}“ entspricht dem Label der Vorlage.",
    "number": "Unsere Bewertung „{verdict}“ ist aus dem Zahlenwert auf unsere Skala umgerechnet.",
    "fallback": "Weder Label noch Zahlenwert passen zu unserer Skala; vorläufig als „{verdict}“ eingeordnet.",
}


# ---------------------------------------------------------------------------- planning

@dataclass
class Context:
    """What the import needs to know about the existing content tree."""

    content: Path
    language: str
    scale: VerdictScale
    verdict_labels: dict[str, str]
    claimants: dict[str, str]
    """casefolded name → claimant id (existing and planned)."""
    claimant_ids: set[str]
    taken: set[str]
    """Every claim id and alias in use: a new record never takes one (nor overwrites another record)."""
    imported: dict[str, tuple[str, str]]
    """Review URL → (id of the claim imported from it, the review's digest then)."""
    authors: list[str]
    reviewers: list[str]
    status: str
    today: date
    """The day of the import: new records' ``published``, an updated record's ``updated``."""


def load_context(content: Path, author: str | None, reviewers: list[str], status: str,
                 today: date | None = None) -> Context:
    """Read (and so also check) the existing tree; the import can only be as valid as it."""
    graph = build_site(content, include_drafts=True).graph
    people = sorted(graph.people)
    shown = display_path(content / "people")
    known = f"known: {', '.join(people) or '(none)'}"
    for option, person in [("--author", author), *(("--reviewer", r) for r in reviewers)]:
        if person is not None and person not in graph.people:
            raise FactcheckError([Problem(shown, 0, option, f"no person with id {person!r}", known)])
    if author is None and len(people) != 1:
        choices = ", ".join(people) or "add a person first"
        raise FactcheckError([Problem(shown, 0, "--author", f"{len(people)} people in content/people; "
                                      "the importer cannot choose the author",
                                      f"pass --author PERSON_ID (one of: {choices})")])
    authors = [author or people[0]]
    # Checked here once, rather than by the validation of every new record with the same message.
    if status == "published" and graph.site.require_review and not set(reviewers) - set(authors):
        raise FactcheckError([Problem(shown, 0, "--reviewer",
                                      "a published claim needs a reviewer who is not its author",
                                      "pass --reviewer PERSON_ID, or import with --status draft/review")])
    site_language = graph.site.language
    labels = {k: v.label.get(site_language) or next(iter(v.label.values())) for k, v in graph.verdicts.items()}
    return Context(content=content, language=site_language, scale=graph.scale, verdict_labels=labels,
                   claimants={" ".join(c.name.split()).casefold(): cid for cid, c in graph.claimants.items()},
                   claimant_ids=set(graph.claimants), authors=authors,
                   taken=set(graph.claims) | {alias for claim in graph.claims.values() for alias in claim.aliases},
                   imported={c.imported.url: (cid, c.imported.digest) for cid, c in graph.claims.items() if c.imported},
                   reviewers=list(dict.fromkeys(reviewers)), status=status, today=today or date.today())


OUTCOMES = ("created", "updated", "unchanged", "changed")
"""What became of a usable review: a new record; its record rewritten (``--force``); its record as it
is, the review being the same; its record as it is although the review changed (no ``--force``)."""


@dataclass
class Plan:
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Claim records to write, by id."""
    claimants: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    """(outcome, claim id) per usable review, in the file's order."""
    skips: list[Skip] = field(default_factory=list)
    usable: int = 0
    """Reviews that could be imported (including those whose record is already there)."""

    def count(self, outcome: str) -> int:
        return sum(1 for o, _ in self.outcomes if o == outcome)

    def files(self, content: Path) -> dict[Path, str]:
        """Target path → YAML text; claimants first, so a claim never points at a file not yet written."""
        out = {content / "claimants" / f"{cid}.yml": dump_yaml("claimant", data)
               for cid, data in self.claimants.items()}
        out |= {content / "claims" / f"{cid}.yml": dump_yaml("claim", data)
                for cid, data in self.claims.items()}
        return out


def plan_import(reviews: list[tuple[str, dict[str, Any]]], ctx: Context, *, force: bool) -> Plan:
    plan = Plan()
    first: dict[str, str] = {}
    """Review URL → where in the file it was first seen: a repeat is the same review."""
    for where, obj in reviews:
        review = read_review(where, obj)
        if isinstance(review, Skip):
            plan.skips.append(review)
            continue
        if review.url in first:
            plan.skips.append(Skip(where, _at(where, "url"), f"the same review as {first[review.url]} ({review.url})",
                                   "one record per review URL; the first one counts"))
            continue
        first[review.url] = where or "the review"
        verdict = pick_verdict(ctx.scale, review.rating)
        if verdict is None:
            plan.skips.append(Skip(where, _at(where, "reviewRating"),
                                   f"no verdict fits the rating {_original_rating(review.rating)}",
                                   f"add a verdict '{FALLBACK_VERDICT}' or one with that label to verdicts.yml"))
            continue
        plan.usable += 1
        if review.url in ctx.imported:
            claim_id, digest = ctx.imported[review.url]
            if digest == review.digest:
                plan.outcomes.append(("unchanged", claim_id))
            elif not force:
                plan.outcomes.append(("changed", claim_id))
            else:
                claimant_id = _claimant_for(review.claimant, ctx, plan)
                fresh = claim_record(claim_id, review, verdict, claimant_id, ctx)
                plan.claims[claim_id] = updated_record(ctx.content / "claims" / f"{claim_id}.yml", fresh, ctx)
                plan.outcomes.append(("updated", claim_id))
            continue
        claim_id = _unique(claim_id_for(review), ctx.taken)
        ctx.taken.add(claim_id)
        claimant_id = _claimant_for(review.claimant, ctx, plan)
        plan.claims[claim_id] = claim_record(claim_id, review, verdict, claimant_id, ctx)
        plan.outcomes.append(("created", claim_id))
    return plan


KEPT_ON_UPDATE = ("topics", "related", "authors", "reviewers", "published", "corrections", "aliases")
"""What an editor added to an imported record, or what must not move (its first publication date,
its old URLs): a forced update rewrites the rest from the review."""


def updated_record(path: Path, fresh: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """``fresh`` (the record made from the changed review) with the editor's fields of the record at
    ``path`` kept, dated ``updated`` today. Its status is the import's: an editor looks again."""
    current = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = dict(fresh)
    for key in KEPT_ON_UPDATE:
        if key in current:
            out[key] = current[key]
    if ctx.reviewers:
        out["reviewers"] = list(ctx.reviewers)
    published = current.get("published")
    published_day = published if isinstance(published, date) else date.fromisoformat(str(published))
    if ctx.today > published_day:
        out["updated"] = ctx.today.isoformat()
    order = ["id", "status", "title", "claim", "verdict", "summary", "analysis", "evidence", "topics", "related",
             "authors", "reviewers", "published", "updated", "corrections", "aliases", "imported"]
    return {key: _plain_yaml(out[key]) for key in order if key in out}


def _plain_yaml(value: Any) -> Any:
    """Dates read back by PyYAML as ``date`` objects are written as the text they were."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain_yaml(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_yaml(v) for k, v in value.items()}
    return value


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def claim_id_for(review: Review) -> str:
    slug = slugify(review.text)
    if not slug:
        return f"claim-{_short_hash(review.url)}"
    # 'index' would collide with a listing page's own file.
    return f"claim-{slug}" if slug in RESERVED_IDS else slug


def _unique(base: str, taken: set[str]) -> str:
    """``base``, else ``base-2``, ``base-3`` …: the n-th review with the same text gets suffix n."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _claimant_for(party: Party | None, ctx: Context, plan: Plan) -> str:
    """An existing claimant with the same name, else a new record (planned once per name)."""
    party = party or Party(UNKNOWN_CLAIMANT, "organisation")
    key = " ".join(party.name.split()).casefold()
    if key in ctx.claimants:
        return ctx.claimants[key]
    base = slugify(party.name) or f"claimant-{_short_hash(party.name)}"
    claimant_id = _unique(f"claimant-{base}" if base in RESERVED_IDS else base, ctx.claimant_ids)
    ctx.claimants[key] = claimant_id
    ctx.claimant_ids.add(claimant_id)
    record: dict[str, Any] = {"id": claimant_id, "name": party.name, "kind": party.kind}
    if party.url:
        record["url"] = party.url
    record["description"] = IMPORTED_NOTE
    plan.claimants[claimant_id] = record
    return claimant_id


def claim_record(claim_id: str, review: Review, verdict: tuple[str, str], claimant_id: str,
                 ctx: Context) -> dict[str, Any]:
    key, how = verdict
    statement: dict[str, Any] = {"text": review.text, "language": review.language or ctx.language,
                                 "claimant": claimant_id,
                                 "date": (review.claim_date or review.published).isoformat()}
    if review.claim_date is None:
        statement["date_note"] = "Datum des Faktenchecks; die Vorlage nennt kein Datum der Behauptung"
    statement["appearances"] = review.appearances
    evidence = {"title": review.headline or _line(f"ClaimReview von {review.publisher}"),
                "publisher": review.publisher, "url": review.url, "date": review.published.isoformat()}
    return {
        "id": claim_id,
        "status": ctx.status,
        "title": _line(review.text),
        "claim": statement,
        "verdict": key,
        "summary": review.rating.explanation or _summary(review),
        "analysis": _analysis(review, ctx.verdict_labels[key], how),
        "evidence": [evidence],
        "topics": [],
        "related": [],
        "authors": list(ctx.authors),
        **({"reviewers": list(ctx.reviewers)} if ctx.reviewers else {}),
        "published": ctx.today.isoformat(),  # ours; the review's own date is on its evidence entry
        "imported": {"url": review.url, "digest": review.digest},
    }


def _summary(review: Review) -> str:
    rating = review.rating
    if rating.label:
        shown = f"„{rating.label}“"
    else:
        shown = f"Wert {rating.raw[0]}" if rating.raw and rating.numbers else "ohne Angabe"
    return f"Bewertung von {review.publisher}: {shown}."


def _analysis(review: Review, verdict_label: str, how: str) -> str:
    # One paragraph: safe_dump would write a multi-line text as a hard-to-edit quoted scalar.
    return (f"Importiert aus dem ClaimReview von {_md(review.publisher)} (<{review.url}>). "
            f"Ursprüngliche Bewertung {_original_rating(review.rating)}. "
            + _HOW[how].format(verdict=_md(verdict_label)))


# ---------------------------------------------------------------------------- output

def dump_yaml(kind: str, data: dict[str, Any]) -> str:
    header = f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def validate_with(content: Path, files: dict[Path, str]) -> None:
    """Run the full check on a copy of ``content`` with ``files`` written in; raise with real paths."""
    with tempfile.TemporaryDirectory(prefix="factcheck-import-") as tmp:
        staging = Path(tmp) / "content"
        # Links are followed: a relative link would point elsewhere from the temporary folder.
        shutil.copytree(content, staging, ignore_dangling_symlinks=True)
        for target, text in files.items():
            path = staging / target.relative_to(content)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            build_site(staging, include_drafts=True)
        except FactcheckError as exc:
            raise FactcheckError([_relocate(p, staging, content) for p in exc.problems]) from None


def _relocate(problem: Problem, staging: Path, content: Path) -> Problem:
    """Problems name the temporary copy; the editor needs the file the import would write."""
    real = display_path(content)
    path, message = problem.path, problem.message
    for prefix in sorted({display_path(staging), str(staging), str(staging.resolve())}, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + os.sep):
            path = real + path[len(prefix):]
        message = message.replace(prefix, real)
    return dataclasses.replace(problem, path=path, message=message)


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target and rename over it: a reader never sees half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    # mkstemp creates files 0600; new records should get the permissions any other new file gets.
    current = os.umask(0)
    os.umask(current)
    return current


def report_lines(plan: Plan, content: Path) -> list[str]:
    lines = [f"created {display_path(content / 'claimants' / f'{cid}.yml')}" for cid in plan.claimants]
    for outcome, cid in plan.outcomes:
        line = f"{outcome} {display_path(content / 'claims' / f'{cid}.yml')}"
        if outcome == "changed":
            line += ": the review changed since it was imported (use --force to update the record)"
        lines.append(line)
    lines += [f"skipped {skip.where or 'review'}: {skip.message}" for skip in plan.skips]
    reviews, claimants = plan.usable, len(plan.claimants)
    counts = ", ".join(f"{plan.count(o)} {o}" for o in OUTCOMES if plan.count(o) or o == "created")
    return lines + [f"{reviews} review{_s(reviews)}: {counts}; "
                    f"{claimants} claimant{_s(claimants)} created, {len(plan.skips)} skipped"]


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _unusable_problems(shown: str, skips: list[Skip], found: int) -> list[Problem]:
    head = Problem(shown, 0, "-", f"none of the {found} ClaimReview{_s(found)} can be imported",
                   "each reason is listed below")
    return [head] + [Problem(shown, 0, skip.field, skip.message, skip.hint) for skip in skips]
