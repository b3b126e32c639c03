"""The record schema, declared once.

Every record kind is a pydantic model here. Validation (``validate.py``) and the published JSON
Schemas (``schema.py`` → ``schemas/*.schema.json``) are both derived from these classes, so the
editor's completion and the checker cannot drift apart.

Models are strict: YAML's implicit typing (``title: 20240425`` loading as an int, ``verdict: no``
loading as a bool) is an error, not a silent conversion. Unknown keys are errors too (typos).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""A record id: lowercase ASCII letters and digits in hyphen-separated words. Ids become URLs and
file names, so nothing else is allowed (no dots, slashes, spaces or umlauts)."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _parse_iso_date(value: object) -> object:
    # The YAML loader hands dates over as the text the editor wrote (see yamlsource.py), so that
    # '2017-13-45' reaches us as text and gets a clear message instead of a parser crash.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("not an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a valid calendar date ({exc})") from None


_URL_BAD = re.compile(r"[\s<>\"'`]")
"""White space (any, as str.isspace sees it) or a character that would end an HTML attribute."""


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI). Invisible, they
reorder the characters after them: "gpj.exe" shown as "exe.jpg" is the classic spoofing trick. Right-
to-left text needs none of them in a one-line field: the page sets ``dir`` from the language."""


def _check_bidi(value: str) -> None:
    if found := BIDI_CONTROLS.search(value):
        char = found.group()
        raise ValueError(f"not allowed: it contains U+{ord(char):04X} ({unicodedata.name(char)}), "
                         "an invisible bidi control character")


_AUTHORITY = re.compile(r"[^/?#]*")

_REFUSED = r"""\s<>"'`\u202a-\u202e\u2066-\u2069"""
"""Characters no URL may hold (``_URL_BAD`` and the bidi controls), for inside a character class."""
_PLAIN_URL = re.compile(rf"[hH][tT][tT][pP][sS]?://[^{_REFUSED}/?#@\[\]]*(?:[/?#][^{_REFUSED}]*)?\Z")
"""What nearly every URL is, and passes every check of ``_check_url_parts``: http(s) in either case
(spelled out: re.IGNORECASE would let "ſ" stand for "s"), no white space, quote, angle bracket,
backtick or bidi control anywhere, and a host part without "@" or brackets. Tried first: at 10,000
claims the 57,000 URLs, each checked part by part, were 0.2 s of every ``factcheck check``
(pre-commit). tests/test_schema.py holds it to never pass what those checks refuse."""


def _check_http_url(value: str) -> str:
    if len(value) > len("https://") and _PLAIN_URL.match(value):
        return value
    return _check_url_parts(value)


def _check_url_parts(value: str) -> str:
    lowered = value.strip().lower()
    if value != value.strip() or not (lowered.startswith("https://") or lowered.startswith("http://")):
        raise ValueError("not an http(s) URL")
    if len(value) <= len("https://") or _URL_BAD.search(value):
        raise ValueError("not a well-formed http(s) URL")
    _check_bidi(value)
    # "https://good.example@evil.example/" goes to evil.example; "user:password@" leaks a password.
    # (The authority as urlsplit finds it: after "//", up to the first "/", "?" or "#".)
    authority = _AUTHORITY.match(value, value.index("//") + 2).group()
    if "[" in authority or "]" in authority:
        urlsplit(value)  # raises ValueError for a malformed IPv6 host, as it always has here
    if "@" in authority:
        raise ValueError("not allowed: a URL with user info (user:password@) before the host")
    return value


_LINE_BAD = re.compile("[<>\r\n\u202a-\u202e\u2066-\u2069]")


def _check_line(value: str) -> str:
    # Titles and names end up in <title>, headings, navigation and search results, several of
    # which MkDocs/Material un-escape on the way; refusing angle brackets here is the robust fix.
    if _LINE_BAD.search(value):  # one scan for the rare case; the messages are told apart after
        if any(c in value for c in "<>\r\n"):
            raise ValueError("not allowed: titles and names are one line, without < or >")
        _check_bidi(value)
    return value


_TIMESTAMP = re.compile(r"^(?:\d{1,2}:[0-5]\d|\d{1,3}:[0-5]\d:[0-5]\d)$")


def _check_timestamp(value: str) -> str:
    if not _TIMESTAMP.match(value):
        raise ValueError("not a timestamp (mm:ss or hh:mm:ss)")
    return value


def timestamp_seconds(value: str) -> int:
    """``"41:20"`` → 2480, ``"1:02:30"`` → 3750: for a media fragment (``#t=2480``) or ``<time datetime>``."""
    seconds = 0
    for part in value.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


MEDIA_DIR = "media"
"""Images live in ``content/media/``: MkDocs is told not to publish that folder as it is (mkdocs.yml
``exclude_docs``), so only the renditions without metadata reach the site."""
MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
_MEDIA_PATH = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
"""Plain relative path segments: no '..', no leading dot or slash, nothing a srcset or URL must escape."""


def _check_media_path(value: str) -> str:
    # Backslashes count as separators: "media\\..\\x" must not pass as one odd file name.
    parts = value.replace("\\", "/").split("/")
    if parts[0] != MEDIA_DIR or ".." in parts or len(parts) < 2:
        raise ValueError(f"outside content/{MEDIA_DIR}/")
    if not _MEDIA_PATH.match(value):
        raise ValueError("not a plain path (letters, digits, '.', '-', '_' and '/' only)")
    if not value.lower().endswith(MEDIA_SUFFIXES):
        raise ValueError("not a PNG, JPEG or WebP file name (.png, .jpg, .jpeg, .webp)")
    return value


def _check_colour(value: str) -> str:
    if not _COLOUR.match(value):
        raise ValueError("not a colour of the form #rrggbb")
    return value


RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=120)]
"""A reference to another record's id. Checked in the link stage, which can say "did you mean"."""
IsoDate = Annotated[date, BeforeValidator(_parse_iso_date), Field(json_schema_extra={"type": "string", "format": "date"})]
HttpUrl = Annotated[str, AfterValidator(_check_http_url), Field(json_schema_extra={"pattern": "^https?://"})]
Colour = Annotated[str, AfterValidator(_check_colour), Field(json_schema_extra={"pattern": "^#[0-9a-fA-F]{6}$"})]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_check_line)]
"""A title or name: one line, no angle brackets, no bidi controls."""
AltText = Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_check_line)]
"""An image's text alternative: one line (it becomes an attribute), long enough for a transcribed post."""
Timestamp = Annotated[str, AfterValidator(_check_timestamp),
                      Field(json_schema_extra={"pattern": r"^(\d{1,2}:[0-5]\d|\d{1,3}:[0-5]\d:[0-5]\d)$"})]
"""Where in a recording the claim is made: ``12:05`` or ``1:02:30``."""
MediaPath = Annotated[str, AfterValidator(_check_media_path),
                      Field(json_schema_extra={"pattern": "^media/[A-Za-z0-9_-][A-Za-z0-9._/-]*\\.(png|jpe?g|webp|PNG|JPE?G|WEBP)$"})]
"""An image file relative to ``content/``, inside ``content/media/``."""
Localised = dict[LanguageCode, Text]
LocalisedLine = dict[LanguageCode, Line]
"""A text in several languages, keyed by ISO 639-1 code: ``{de: Falsch, en: "False"}``."""


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
"""One set object per combination of given fields (a few dozen), shared by every record that has it."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def model_post_init(self, context: Any, /) -> None:
        # pydantic gives every model its own set of the fields its input named (its documented
        # ``__pydantic_fields_set__``, read by ``model_fields_set``): 73,000 sets of ~700 bytes at
        # 10,000 claims, 45 MB, a quarter of the records' memory while Pagefind indexes. Records
        # with the same fields share one instead. The models are frozen, so nothing adds to it;
        # ``model_copy`` copies the set before it changes it (tests/test_schema.py).
        given = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(frozenset(given), given))


class Source(Record):
    """A piece of evidence: a public document that can be found at ``url``."""

    title: Line
    publisher: Line
    url: HttpUrl
    date: IsoDate | None = None
    date_note: Text | None = None
    """Why there is no exact date, or how it was inferred ("no date in stored copy; ...")."""
    repost_of: Text | None = None
    """Set when ``url`` is a repost: the name of the original publisher (e.g. "TASS")."""
    archive_url: HttpUrl | None = None
    language: LanguageCode | None = None
    note: Text | None = None
    """What this source shows, in one or two sentences."""


class MediaItem(Record):
    """An image kept in the repository (a screenshot, photo or chart). The build publishes resized
    copies without metadata (EXIF, GPS), never the file itself."""

    path: MediaPath
    """Relative to content/, e.g. ``media/2017/southfront-screenshot.png``."""
    alt: AltText
    """What the image shows, for readers who cannot see it (required)."""
    caption: Text | None = None
    credit: Line | None = None
    """Who made the image or where it is from ("Screenshot: Redaktion", "Foto: dpa")."""
    stamp: bool = False
    """Draw the verdict label across the image, so a copy does not travel without its verdict."""


MEDIUMS = ("speech", "tv", "radio", "print", "video", "social", "messenger", "other")
"""Where an appearance without an article record was made; ``other`` for anything else."""
Medium = Literal["speech", "tv", "radio", "print", "video", "social", "messenger", "other"]


class Appearance(Record):
    """Where the claim appeared: an article record and the verbatim passage in its text; the public
    URL (e.g. imported fact-checks); or an offline appearance — a speech, broadcast, print issue or
    forwarded message — named by ``medium``, ``name`` and ``date``, with or without a URL."""

    article: Ref | None = None
    quote: Text | None = None
    """Verbatim passage of the article's text (required with ``article``); otherwise optional: the
    words as said or printed, or a transcript excerpt."""
    url: HttpUrl | None = None
    title: Line | None = None
    date: IsoDate | None = None
    medium: Medium | None = None
    """speech, tv, radio, print, video, social, messenger or other: required without article and url."""
    name: Line | None = None
    """Where, readably: "Bundestag, 12. Sitzung", "ZDF, Markus Lanz"; required with ``medium``."""
    archive_url: HttpUrl | None = None
    timestamp: Timestamp | None = None
    """Where in the recording: ``mm:ss`` or ``hh:mm:ss``."""
    media: list[MediaItem] = Field(default_factory=list, json_schema_extra={"default": []})

    @model_validator(mode="after")
    def _article_url_or_medium(self) -> Appearance:
        if self.article is not None and self.quote is None:
            raise ValueError("an appearance with 'article' needs the verbatim 'quote' from it")
        if self.article is None and self.url is None and self.medium is None:
            raise ValueError("an appearance needs 'article' and 'quote', the 'url' where the claim appeared, "
                             "or 'medium', 'name' and 'date' for a spoken, broadcast or printed claim")
        if self.article is not None and self.url is not None:
            raise ValueError("give either 'article' (its url is in the article record) or 'url', not both")
        if self.article is not None and (given := [f for f in ("medium", "name", "archive_url", "timestamp")
                                               if getattr(self, f) is not None]):
            raise ValueError(f"'{given[0]}' describes an appearance without an article record; "
                             "remove it, or remove 'article'")
        if self.medium is not None and (self.name is None or self.date is None):
            missing = " and ".join(f"'{f}'" for f in ("name", "date") if getattr(self, f) is None)
            raise ValueError(f"an appearance with 'medium' needs {missing}: where and when the claim was made")
        return self


class ClaimStatement(Record):
    text: Text
    language: LanguageCode
    translation: Localised = Field(default_factory=dict, json_schema_extra={"default": {}})
    claimant: Ref
    date: IsoDate
    date_note: Text | None = None
    appearances: list[Appearance] = Field(min_length=1)
    media: list[MediaItem] = Field(default_factory=list, json_schema_extra={"default": []})
    """Images of the claim itself: a screenshot of the post, a photo of the poster."""


class Correction(Record):
    date: IsoDate
    note: Text


_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _check_digest(value: str) -> str:
    if not _DIGEST.match(value):
        raise ValueError("not a SHA-256 digest (64 hexadecimal digits)")
    return value


class ImportSource(Record):
    """Where an imported claim came from (``factcheck import claimreview`` writes it)."""

    url: HttpUrl
    """The ClaimReview's URL: the record's identity, so importing the same review again finds it."""
    digest: Annotated[str, AfterValidator(_check_digest)]
    """SHA-256 of the review as it was read: a re-import tells an unchanged review from an updated one."""


class Claim(Record):
    """One checked claim: ``content/claims/<id>.yml``."""

    id: RecordId
    status: Literal["draft", "review", "published"]
    title: Line
    claim: ClaimStatement
    verdict: Ref
    summary: Text
    analysis: Text
    """Markdown."""
    evidence: list[Source] = Field(min_length=1)
    topics: list[Ref] = Field(default_factory=list, json_schema_extra={"default": []})
    related: list[Ref] = Field(default_factory=list, json_schema_extra={"default": []})
    authors: list[Ref] = Field(min_length=1)
    reviewers: list[Ref] = Field(default_factory=list, json_schema_extra={"default": []})
    published: IsoDate
    updated: IsoDate | None = None
    corrections: list[Correction] = Field(default_factory=list, json_schema_extra={"default": []})
    aliases: list[RecordId] = Field(default_factory=list, json_schema_extra={"default": []})
    """Former ids of this claim: their URLs keep working as redirects to the current page."""
    imported: ImportSource | None = None
    """Set by the importer: the other fact-checker's review this record was made from."""


class Fact(Record):
    """A documented fact about a claimant, with the sources that show it."""

    text: Text
    sources: list[Source] = Field(min_length=1)


class Claimant(Record):
    """An outlet, organisation or person whose claims are checked: ``content/claimants/<id>.yml``."""

    id: RecordId
    name: Line
    kind: Literal["outlet", "organisation", "person"]
    url: HttpUrl | None = None
    description: Text
    """Markdown."""
    facts: list[Fact] = Field(default_factory=list, json_schema_extra={"default": []})


class Article(Record):
    """A checked source article with its full text: ``content/articles/<id>.yml``."""

    id: RecordId
    title: Line
    outlet: Ref
    url: HttpUrl
    date: IsoDate
    date_note: Text | None = None
    language: LanguageCode
    text: Text
    """The full text as published, paragraphs separated by line breaks."""
    notes: Text | None = None
    """Markdown: how the text was obtained, what is known about its provenance."""
    related_sources: list[Source] = Field(default_factory=list, json_schema_extra={"default": []})


class Person(Record):
    """An author or reviewer: ``content/people/<id>.yml``."""

    id: RecordId
    name: Line
    role: Line
    bio: Text | None = None


class Verdict(Record):
    key: RecordId
    label: LocalisedLine
    description: Localised
    colour: Colour
    icon: Literal["check", "check-minus", "half", "alert", "cross-minus", "cross", "question"]
    rating: int | None = None
    """Place on the numeric scale for ClaimReview; None for verdicts outside it (unproven)."""


class VerdictScale(Record):
    """The rating scale: ``content/verdicts.yml``."""

    best_rating: int
    worst_rating: int
    verdicts: list[Verdict] = Field(min_length=1)


class Topic(Record):
    id: RecordId
    label: LocalisedLine
    description: Localised = Field(default_factory=dict, json_schema_extra={"default": {}})


class Topics(Record):
    """The topic list: ``content/topics.yml``."""

    topics: list[Topic] = Field(default_factory=list, json_schema_extra={"default": []})


class Publisher(Record):
    """The organisation publishing the fact-checks (ClaimReview ``author``)."""

    name: Line
    url: HttpUrl | None = None
    logo: HttpUrl | None = None


class SiteInfo(Record):
    """Site-wide facts: ``content/site.yml``."""

    name: Line
    language: LanguageCode
    intro: Text
    """Markdown shown at the top of the home page."""
    publisher: Publisher
    page_size: int = Field(default=50, ge=1, le=1000)
    """Entries per listing page."""
    require_review: bool = True
    """Published claims need a reviewer who is not one of the authors (IFCN: a second pair of eyes)."""


KINDS: dict[str, type[Record]] = {
    "claim": Claim,
    "claimant": Claimant,
    "article": Article,
    "person": Person,
    "verdicts": VerdictScale,
    "topics": Topics,
    "site": SiteInfo,
}
"""Record kind → model. The loader decides the kind from the file's place in ``content/``."""
