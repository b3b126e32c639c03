"""``factcheck new claim|claimant|article``: write a new record with every field explained.

    factcheck new claim --article ARTICLE-ID [--title T] [--id ID] [--date YYYY-MM-DD]
    factcheck new claimant --name NAME [--kind outlet|organisation|person] [--id ID]
    factcheck new article --outlet CLAIMANT-ID --title T --url URL [--id ID] [--date YYYY-MM-DD]

Each writes ``content/<folder>/<id>.yml``: the schema line for the editor, then every field of the
model in the model's order, each with a comment saying what belongs there. The id is the next free
slug of the title or name (``ä`` → ``ae``, ``ß`` → ``ss``; ``-2``, ``-3`` … when taken); an
existing file is never overwritten.

Design: a new record does *not* pass ``factcheck check`` until it is filled in.
Every value only the editor can supply (the verdict, the quote, a source's URL, the analysis …) is
left empty and marked ``# TODO:`` on the line above. The checker then lists each of them as
``file:line: field: …``: that list is the editor's to-do list, and it empties as the record fills.
The alternative, placeholder text that validates (``summary: "TODO: …"``), would let ``mkdocs
serve`` show the draft at once, but a placeholder in a free-text field passes every check, so one
``status: published`` too early puts it on the public site, and a placeholder URL or quote would
be a fabricated source. An empty value cannot be published by accident and invents nothing.
The price is that the live preview shows the error list instead of the page until the TODO values
are in; with ``status: draft`` the page appears there as soon as they are.

What the scaffold knows it fills in, from the records it refers to: a claim's language, claimant
(the article's outlet) and date (the article's date) come from its article, and ``published`` is
today (``--date`` overrides). An article's own publication date is *not* guessed: without
``--date`` it is a TODO, because today's date would silently be wrong for nearly every article.
Optional values are written empty (``url:``, ``[]``, ``{}``), which the checker accepts; optional
lists of sub-records (``corrections``, ``facts``, ``related_sources``) are shown as a commented
template. Fields added to the model later still appear: unknown ones get a generic comment.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import types
import typing
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import FactcheckError, Problem
from .graph import RESERVED_IDS
from .model import ID_PATTERN, Article, Claim, Claimant, HttpUrl, Line
from .records import display_path
from .slug import slugify as _slugify
from .yamlsource import load_yaml

FOLDER = {"claim": "claims", "claimant": "claimants", "article": "articles"}
MODEL: dict[str, type[BaseModel]] = {"claim": Claim, "claimant": Claimant, "article": Article}
MAX_SLUG = 60
"""Derived ids are cut at a word boundary to this length: they are URLs that people read."""
TODO = "TODO: "


def schema_line(kind: str) -> str:
    """The first line of every record: points YAML editors at the schema of its kind."""
    return f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"


# --------------------------------------------------------------------------- ids


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """The shared slug rule (``generator.slug``) with this command's length limit."""
    return _slugify(text, max_length)


def _taken(folder: Path, record_id: str) -> bool:
    return record_id in RESERVED_IDS or any((folder / f"{record_id}{ext}").exists() for ext in (".yml", ".yaml"))


def next_free_id(folder: Path, base: str) -> str:
    """``base`` if no record in ``folder`` has it, else ``base-2``, ``base-3`` …"""
    candidate, n = base, 1
    while _taken(folder, candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --------------------------------------------------------------------------- field comments

# What each field holds, said once for the editor. "TODO" is added where the editor must write the value.
COMMENTS: dict[str, str] = {
    "Claim.id": "The permanent id: file name and page URL. Lowercase letters, digits and hyphens;\n"
                "do not change it once published (former ids go into aliases).",
    "Claim.status": "draft | review | published. Drafts and records in review show only under `mkdocs serve`.",
    "Claim.title": "The claim as a question, one line without < or >: page title and search result.",
    "Claim.claim": "The claim as it was made.",
    "Claim.verdict": "The rating: a key of content/verdicts.yml{verdicts}.",
    "Claim.summary": "One or two sentences a reader takes away.",
    "Claim.analysis": "The analysis in Markdown, on the lines below this key, indented by two spaces.\n"
                      "Raw HTML is removed.",
    "Claim.evidence": "The sources the verdict rests on, at least one. For each further source copy the block\n"
                      "from '- title:' to the end of its note.",
    "Claim.topics": "Topic ids from content/topics.yml{topics}.",
    "Claim.related": "Ids of related claims (content/claims/); the links back are added automatically.",
    "Claim.authors": "Who wrote the check: at least one id from content/people/{people}.",
    "Claim.reviewers": "Who reviewed it: ids from content/people/. Before status: published it needs at least\n"
                       "one reviewer who is not an author.",
    "Claim.published": "Date of publication of this check (YYYY-MM-DD), filled in with the day the draft was made:\n"
                       "set it to the day you change status to published.",
    "Claim.updated": "Date of the last substantive change (YYYY-MM-DD), not before published.",
    "Claim.corrections": "Corrections after publication, newest first, each with its date and what was corrected.",
    "Claim.aliases": "Former ids of this claim; their URLs redirect here. A new claim has none.",
    "ClaimStatement.text": "The claim in its original wording and language.",
    "ClaimStatement.language": "Language of the claim's text: a two-letter code such as de.",
    "ClaimStatement.translation": "Translations of the text by language code, e.g. {en: \"The coalition ...\"}.",
    "ClaimStatement.claimant": "Who made the claim: an id from content/claimants/ (filled in with the article's\n"
                               "outlet; change it if the article quotes someone else).",
    "ClaimStatement.date": "When the claim was made (YYYY-MM-DD), filled in with the article's date.",
    "ClaimStatement.date_note": "How the date was inferred, if it is not exact.",
    "ClaimStatement.appearances": "Where the claim appeared: the article and the passage quoted from it.",
    "Appearance.article": "The article record: content/articles/<id>.yml.",
    "Appearance.quote": "Copy the passage verbatim from the text of content/articles/{article}.yml:\n"
                        "same words, quotation marks, spaces and line breaks. It is marked in the annotated\n"
                        "article and must not overlap another claim's passage.",
    "Appearance.url": "Only for an appearance without an article record (then leave out article; quote may hold\n"
                      "the words as said or printed): the public URL where the claim appeared, its title and date;\n"
                      "or, said in a speech, on TV or radio, in print, a video or a forwarded message, medium\n"
                      "(speech, tv, radio, print, video, social, messenger or other), name (where: \"Bundestag,\n"
                      "12. Sitzung\", \"ZDF, Markus Lanz\") and date, with timestamp (mm:ss or hh:mm:ss) into a\n"
                      "recording, url and archive_url where there are any.",
    "ClaimStatement.media": "Images of the claim, kept in content/media/ (a screenshot of the post, a photo): path\n"
                            "relative to content/ (media/...png/.jpg/.webp), alt saying what it shows (required),\n"
                            "caption, credit (\"Screenshot: Redaktion\"); stamp: true draws the verdict across it.",
    "Appearance.media": "Images of this appearance (a screenshot of the post or broadcast), as claim.media.",
    "Source.title": "The source's title as published, one line.",
    "Source.publisher": "Who published it (for a copy on another site: who published this copy, see repost_of).",
    "Source.url": "Where the source can be read: https:// or http://.",
    "Source.date": "Its publication date (YYYY-MM-DD). If it has none, leave this empty and say why in date_note.",
    "Source.date_note": "Why there is no exact date, or how it was inferred.",
    "Source.repost_of": "Only if url is someone else's text copied: the original publisher.",
    "Source.archive_url": "An archived copy of url (https:// or http://).",
    "Source.language": "Language of the source, a two-letter code, if it differs from the site's.",
    "Source.note": "What this source shows, in one or two sentences.",
    "Correction.date": "When the correction was made (YYYY-MM-DD).",
    "Correction.note": "What was corrected.",
    "Claimant.id": "The permanent id: file name and page URL. Lowercase letters, digits and hyphens.",
    "Claimant.name": "The name as shown on the site, one line.",
    "Claimant.kind": "outlet | organisation | person",
    "Claimant.url": "Their own website: https:// or http://.",
    "Claimant.description": "Who they are, in Markdown, on the lines below this key, indented by two spaces.",
    "Claimant.facts": "Documented facts about them, each with the sources that show it.",
    "Fact.text": "The fact, in one or two sentences.",
    "Fact.sources": "At least one source, with the fields of a claim's evidence.",
    "Article.id": "The permanent id: file name and page URL. Lowercase letters, digits and hyphens.",
    "Article.title": "The headline as published, one line.",
    "Article.outlet": "Who published it: an id from content/claimants/.",
    "Article.url": "Where the article was published: https:// or http://.",
    "Article.date": "The day the article was published (YYYY-MM-DD).",
    "Article.date_note": "How the date was established, if the page shows none.",
    "Article.language": "Language of the text, a two-letter code (filled in with the site's language;\n"
                        "change it if the article is in another).",
    "Article.text": "The full text as published, on the lines below this key, indented by two spaces; paragraphs\n"
                    "separated by line breaks. Claims quote it verbatim, so copy it exactly.",
    "Article.notes": "Markdown: how the text was obtained, what is known about its provenance.",
    "Article.related_sources": "Other sources about the article itself, with the fields of a claim's evidence.",
}

BLOCK = {"Claim.analysis", "Claimant.description", "Article.text"}
"""Required Markdown or long-text fields: written as an empty ``|-`` block to be filled below the key."""
MUST_FILL = {"Appearance.quote"}
"""Optional in the model but required here (an appearance with ``article`` needs its ``quote``)."""
ALTERNATIVES = ("url", "title", "date", "medium", "name", "timestamp", "archive_url")
COMMENTED = {f"Appearance.{name}" for name in ALTERNATIVES}
"""Alternatives to the prefilled values: shown as comments, never as empty keys."""
OMITTED = {"Claim.imported"}
"""Written by the importer only."""

_ABSENT = object()


def _unwrap(annotation: Any) -> Any:
    """The annotation without ``| None`` and ``Annotated``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _submodel(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _comment(lines: Iterable[str], indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in lines]


class _Writer:
    """Turns a model into commented YAML lines; ``values`` holds what is already known."""

    def __init__(self, kind: str, context: dict[str, str]) -> None:
        self.kind = kind
        self.context = context
        self.todos = 0

    def mapping(self, model: type[BaseModel], indent: str, values: dict[str, Any]) -> list[str]:
        lines: list[str] = []
        for name, info in model.model_fields.items():
            lines += self.field(model, name, info.annotation, info.is_required(), indent, values.get(name, _ABSENT))
        return lines

    def field(self, model: type[BaseModel], name: str, annotation: Any, required: bool, indent: str,
              value: Any) -> list[str]:
        key = f"{model.__name__}.{name}"
        text = COMMENTS.get(key, f"See schemas/{self.kind}.schema.json{'' if required else ' (optional)'}.")
        text = re.sub(r"\{(verdicts|topics|people|article)\}", lambda m: self.context.get(m.group(1), ""), text)
        inner = _unwrap(annotation)
        origin = typing.get_origin(inner)
        item_model = _submodel(typing.get_args(inner)[0]) if origin is list else None
        sub = _submodel(inner)
        if key in OMITTED:
            return []
        if key in COMMENTED:  # the alternatives of an appearance: one comment block, on its first field
            if key != "Appearance.url":
                return []
            return _comment(text.splitlines() + [f"{n}:" for n in ALTERNATIVES], indent)
        if (required or key in MUST_FILL) and value is _ABSENT and not (sub or item_model):
            self.todos += 1
            text = TODO + text
        elif not required and key not in MUST_FILL and value is _ABSENT:
            text = "Optional. " + text
        head = _comment(text.splitlines(), indent)
        if sub is not None:  # a nested record: its fields, one level deeper
            nested = value if isinstance(value, dict) else {}
            return head + [f"{indent}{name}:"] + self.mapping(sub, indent + "  ", nested)
        if item_model is not None:
            if required or value is not _ABSENT:  # at least one entry: write one to fill in
                out = head + [f"{indent}{name}:"]
                for item in value if isinstance(value, list) else [{}]:
                    out += self.item(item_model, indent + "  ", item)
                return out
            # Optional sub-records: an empty list, and a commented template of one entry above it.
            template = [line[len(indent):] for line in self.item(item_model, indent + "  ", {}, count=False)
                        if not line.lstrip().startswith("#")]
            return (head + _comment(["To add one, replace the line below by these, without the '# ':", f"{name}:"]
                                    + template, indent) + [f"{indent}{name}: []"])
        if value is not _ABSENT:
            return head + [f"{indent}{name}: {value}"]
        if origin is list:
            return head + [f"{indent}{name}: []"]
        if origin is dict:
            return head + [f"{indent}{name}: {{}}"]
        if key in BLOCK:
            return head + [f"{indent}{name}: |-"]
        return head + [f"{indent}{name}:"]

    def item(self, model: type[BaseModel], indent: str, values: dict[str, Any], count: bool = True) -> list[str]:
        """One list entry: the first key gets the ``- `` (its comment goes above the dash)."""
        todos = self.todos
        lines = self.mapping(model, indent + "  ", values)
        if not count:
            self.todos = todos
        first = next(i for i, line in enumerate(lines) if not line.lstrip().startswith("#"))
        out = [line.replace(indent + "  ", indent, 1) for line in lines[:first]]
        out.append(indent + "- " + lines[first][len(indent) + 2:])
        return out + lines[first + 1:]


# --------------------------------------------------------------------------- reading what exists


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _data(path: Path) -> dict[str, Any]:
    """A record's fields, or {} when it cannot be read (a scaffold must not fail on an unrelated record)."""
    try:
        data = load_yaml(path, display_path(path)).data
    except (FactcheckError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


def _ids(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yml")) if folder.is_dir() else []


def _keys(items: Any, key: str) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i[key] for i in items if isinstance(i, dict) and isinstance(i.get(key), str)]


def _plain(value: str) -> str:
    """An id, date or language code taken from another record: plain if it is one, else quoted."""
    return value if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", value) else _quoted(value)


def _known(ids: list[str], limit: int = 12) -> str:
    if not ids:
        return ""
    shown = ", ".join(ids[:limit])
    return f": {shown}" + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def _require(content: Path, folder: str, record_id: str, option: str, what: str, create: str) -> dict[str, Any]:
    """The fields of a record the new one refers to; a clear error (exit 1) when it does not exist."""
    path = content / folder / f"{record_id}.yml"
    if path.is_file():
        return _data(path)
    known = _ids(content / folder)
    close = difflib.get_close_matches(record_id, known, n=1)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif known:
        hint = f"known: {', '.join(known[:12])}" + (" …" if len(known) > 12 else "")
    else:
        hint = f"there is none yet; create it first with `factcheck new {create}`"
    raise FactcheckError([Problem(display_path(path), 0, option, f"no {what} with id {record_id!r}", hint)])


def _check(adapter: TypeAdapter[Any], value: str, option: str, hint: str) -> None:
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise FactcheckError([Problem("factcheck new", 0, option, f"{value!r}: {message}", hint)]) from None


_LINE: TypeAdapter[Any] = TypeAdapter(Line)
_URL: TypeAdapter[Any] = TypeAdapter(HttpUrl)


# --------------------------------------------------------------------------- the command


def _choose_id(folder: Path, explicit: str | None, base_text: str, option: str) -> str:
    if explicit is not None:
        if not re.match(ID_PATTERN, explicit) or len(explicit) > 120:
            raise FactcheckError([Problem("factcheck new", 0, "--id", f"{explicit!r} is not a valid id",
                                          "use lowercase ASCII letters, digits and single hyphens, "
                                          "e.g. 'raqqa-talks'")])
        if _taken(folder, explicit):
            what = ("is reserved for listing pages" if explicit in RESERVED_IDS
                    else "exists already; nothing was overwritten")
            raise FactcheckError([Problem(display_path(folder / f"{explicit}.yml"), 0, "--id", what,
                                          "choose another id")])
        return explicit
    base = slugify(base_text)
    if not base:
        raise FactcheckError([Problem("factcheck new", 0, option,
                                      f"no id can be made from {base_text!r} (no Latin letters or digits)",
                                      "pass --id with a lowercase ASCII id, e.g. --id raqqa-talks")])
    return next_free_id(folder, base)


def _header(kind: str, today: date) -> list[str]:
    return [
        schema_line(kind),
        f"# New {kind}, written by `factcheck new {kind}` on {today.isoformat()}. Every field is listed.",
        "# Fill in each value marked TODO: until then `factcheck check` (and `mkdocs serve`) name every",
        "# one still empty, with its line, so that nothing half-finished can be published.",
        "# Optional values may stay empty or be removed.",
        "",
    ]


def new_claim(content: Path, article_id: str, title: str | None, record_id: str | None,
              today: date) -> tuple[Path, int]:
    article = _require(content, "articles", article_id, "--article", "article",
                       "article --outlet ID --title T --url URL")
    if title is not None:
        _check(_LINE, title, "--title", "a claim's title is one line without < or >")
    folder = content / FOLDER["claim"]
    record_id = _choose_id(folder, record_id, title or article_id, "--title")
    scale = _data(content / "verdicts.yml")
    statement: dict[str, Any] = {"appearances": [{"article": article_id}]}
    for key in ("language", "claimant", "date"):
        source = {"claimant": "outlet"}.get(key, key)
        if isinstance(article.get(source), str) and article[source]:
            statement[key] = _plain(article[source])
    values: dict[str, Any] = {"id": record_id, "status": "draft", "claim": statement, "published": today.isoformat()}
    if title is not None:
        values["title"] = _quoted(title)
    context = {"verdicts": _known(_keys(scale.get("verdicts"), "key")),
               "topics": _known(_keys(_data(content / "topics.yml").get("topics"), "id")),
               "people": _known(_ids(content / "people")), "article": article_id}
    return _write(content, "claim", record_id, values, context, today)


def new_claimant(content: Path, name: str, claimant_kind: str | None, record_id: str | None,
                 today: date) -> tuple[Path, int]:
    _check(_LINE, name, "--name", "a name is one line without < or >")
    record_id = _choose_id(content / FOLDER["claimant"], record_id, name, "--name")
    values: dict[str, Any] = {"id": record_id, "name": _quoted(name)}
    if claimant_kind is not None:
        values["kind"] = claimant_kind
    return _write(content, "claimant", record_id, values, {}, today)


def new_article(content: Path, outlet: str, title: str, url: str, record_id: str | None, article_date: date | None,
                today: date) -> tuple[Path, int]:
    _require(content, "claimants", outlet, "--outlet", "claimant", "claimant --name NAME")
    _check(_LINE, title, "--title", "an article's title is one line without < or >")
    _check(_URL, url, "--url", "the article's address, starting with https:// or http://")
    record_id = _choose_id(content / FOLDER["article"], record_id, title, "--title")
    values: dict[str, Any] = {"id": record_id, "title": _quoted(title), "outlet": outlet, "url": _quoted(url)}
    if article_date is not None:
        values["date"] = article_date.isoformat()
    language = _data(content / "site.yml").get("language")
    if isinstance(language, str) and re.fullmatch(r"[a-z]{2}", language):
        values["language"] = language
    return _write(content, "article", record_id, values, {}, today)


def render_record(kind: str, values: dict[str, Any], context: dict[str, str], today: date) -> tuple[str, int]:
    """The text of a new record and the number of TODO values in it (pure; for tests and the command)."""
    writer = _Writer(kind, context)
    body = writer.mapping(MODEL[kind], "", values)
    # A blank line before each top-level field's comment keeps the long file readable.
    lines: list[str] = []
    for i, line in enumerate(body):
        if i and not line.startswith(" ") and not body[i - 1].startswith("#") and line:
            lines.append("")
        lines.append(line)
    return "\n".join(_header(kind, today) + lines) + "\n", writer.todos


def _write(content: Path, kind: str, record_id: str, values: dict[str, Any], context: dict[str, str],
           today: date) -> tuple[Path, int]:
    text, todos = render_record(kind, values, context, today)
    folder = content / FOLDER[kind]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record_id}.yml"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never replace an existing file
            handle.write(text)
    except FileExistsError:
        raise FactcheckError([Problem(display_path(path), 0, "-", "exists already; nothing was overwritten",
                                      "choose another id with --id")]) from None
    return path, todos


def _iso_date(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid date ({exc})") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``new`` command to the CLI."""
    new = sub.add_parser("new", help="write a new record with every field explained (fill in the TODO values)",
                         description="Write content/<folder>/<id>.yml with every field and a comment on each. "
                                     "`factcheck check` lists the values still marked TODO.")
    kinds = new.add_subparsers(required=True, metavar="KIND", dest="new_kind")
    claim = kinds.add_parser("claim", help="a claim checked from an article (status: draft)")
    claim.add_argument("--article", required=True, metavar="ID", help="the article the claim appeared in")
    claim.add_argument("--title", help="the claim as a question; the id is made from it")
    claim.add_argument("--id", dest="record_id", metavar="ID", help="the id (default: from the title)")
    claim.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="published date (default: today)")
    claim.set_defaults(func=cmd_new)
    claimant = kinds.add_parser("claimant", help="an outlet, organisation or person whose claims are checked")
    claimant.add_argument("--name", required=True, help="the name as shown; the id is made from it")
    claimant.add_argument("--kind", dest="claimant_kind", choices=["outlet", "organisation", "person"])
    claimant.add_argument("--id", dest="record_id", metavar="ID", help="the id (default: from the name)")
    claimant.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    claimant.set_defaults(func=cmd_new)
    article = kinds.add_parser("article", help="a checked article (paste its full text into the record)")
    article.add_argument("--outlet", required=True, metavar="ID", help="the claimant that published it")
    article.add_argument("--title", required=True, help="the headline; the id is made from it")
    article.add_argument("--url", required=True, help="where it was published (https:// or http://)")
    article.add_argument("--id", dest="record_id", metavar="ID", help="the id (default: from the title)")
    article.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                         help="the day it was published (default: left as a TODO, never guessed)")
    article.set_defaults(func=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    content: Path = args.content
    if not content.is_dir():
        raise FactcheckError([Problem(display_path(content), 0, "-", "content folder not found",
                                      "run from the project root or pass --content DIR")])
    today = date.today()
    if args.new_kind == "claim":
        path, todos = new_claim(content, args.article, args.title, args.record_id, args.date or today)
    elif args.new_kind == "claimant":
        path, todos = new_claimant(content, args.name, args.claimant_kind, args.record_id, args.date or today)
    else:
        path, todos = new_article(content, args.outlet, args.title, args.url, args.record_id, args.date,
                                  args.date or today)
    print(f"wrote {display_path(path)}: fill in the {todos} value{'s' if todos != 1 else ''} marked TODO, "
          f"then run `factcheck check`")
    return 0
