"""Validate stage: raw YAML data → typed records (``model.py``), each error with file:line."""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import FactcheckError, Problem
from .model import KINDS, MEDIA_DIR, Record
from .records import RawRecord
from .yamlsource import Document, Loc


@dataclass
class Validated:
    """A record that passed its schema, with the document it came from (for later line lookups)."""

    kind: str
    record: Any
    doc: Document


def validate_records(raw: list[RawRecord]) -> tuple[list[Validated], list[Problem]]:
    """Validate every record; return the valid ones and the problems of all the others."""
    problems: list[Problem] = []
    out: list[Validated] = []
    for item in raw:
        model = KINDS[item.kind]
        try:
            record = validate_one(model, item.doc)
        except FactcheckError as exc:
            problems.extend(exc.problems)
            continue
        stem = item.stem
        if getattr(record, "id", stem) != stem:
            problems.append(item.doc.problem(("id",), f"id {record.id!r} differs from the file name {stem!r}",
                                             f"rename the file to {record.id}.yml or set id: {stem}"))
            continue
        out.append(Validated(item.kind, record, item.doc))
    return out, problems


def validate_one(model: type[Record], doc: Document) -> Record:
    if doc.data is None:
        raise FactcheckError([doc.problem((), "file has no fields (only comments or an empty document)",
                                          f"start with 'id: {doc.path.stem}' and one 'field: value' per line")])
    if not isinstance(doc.data, dict):
        got = _describe(doc.data)
        raise FactcheckError([doc.problem((), f"expected a mapping of fields, got {got}",
                                          f"start with 'id: {doc.path.stem}' and one 'field: value' per line")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise FactcheckError([_problem(model, doc, err) for err in exc.errors()]) from None


_TYPE_NAMES = {"string": "text", "int": "a whole number", "list": "a list", "dict": "a mapping", "model": "a mapping",
               "bool": "true or false", "date": "a date", "literal": "one of the listed values"}


def _problem(model: type[BaseModel], doc: Document, err: Any) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind: str = err["type"]
    value = err.get("input")
    if loc and loc[-1] == "[key]":  # pydantic's marker for a bad key of a dict (a language code)
        return doc.problem(loc[:-1], f"{loc[-2]!r} is not a language code", "use a two-letter ISO 639-1 code such as 'de'")
    if kind == "missing" and loc[-1] == "alt" and "media" in loc:
        return doc.problem(loc, "required field is missing",
                           "add 'alt:' saying what the image shows, for readers who cannot see it")
    if kind == "missing":
        return doc.problem(loc, "required field is missing", f"add '{loc[-1]}:' (see README 'Writing a record')")
    if kind == "extra_forbidden":
        known = sorted(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
        return doc.problem(loc, "unknown field", hint)
    if kind.endswith("_type") or kind == "model_attributes_type":
        expected = _TYPE_NAMES.get(kind.removesuffix("_type").removeprefix("model_attributes"), kind.removesuffix("_type"))
        if kind == "model_attributes_type":
            expected = "a mapping"
        if value is None:
            hint = "fill in the value, or remove the line if the field is optional"
        else:
            hint = "put the value in quotes" if expected == "text" else ""
        return doc.problem(loc, f"expected {expected}, got {_describe(value)}", hint)
    if kind == "literal_error":
        allowed = err["ctx"]["expected"]
        close = difflib.get_close_matches(str(value).lower(), re.findall(r"'([^']*)'", allowed), n=1)
        return doc.problem(loc, f"{value!r} is not allowed; known: {allowed}", f"did you mean '{close[0]}'?" if close else "")
    if kind == "string_pattern_mismatch" and loc[-1] != "language":
        return doc.problem(loc, f"{value!r} is not a valid id",
                           "use lowercase ASCII letters, digits and single hyphens, e.g. 'raqqa-talks'")
    if kind == "string_pattern_mismatch":
        return doc.problem(loc, f"{value!r} is not a language code", "use a two-letter ISO 639-1 code such as 'de'")
    if kind == "too_short":
        return doc.problem(loc, "must not be empty", "add at least one entry")
    if kind == "string_too_short":
        return doc.problem(loc, "must not be empty", "write a value or remove the field if it is optional")
    if kind == "value_error" and isinstance(value, dict):  # a rule across fields of one mapping
        return doc.problem(loc, str(err["msg"]).removeprefix("Value error, "), "see README 'Writing a record'")
    if kind == "value_error":
        return doc.problem(loc, f"{value!r} is {str(err['msg']).removeprefix('Value error, ')}", _value_hint(err))
    return doc.problem(loc, str(err["msg"]))


def _value_hint(err: Any) -> str:
    msg = str(err["msg"])
    if "bidi control" in msg:
        return ("delete it (retype the text around it); right-to-left text needs none: "
                "the page sets the direction from the language")
    if "user info" in msg:
        return "remove the 'user:password@' part; a link must not carry a login or hide its real host"
    if "timestamp" in msg:
        return "write the minute and second in the recording, e.g. 12:05 or 1:02:30"
    if f"content/{MEDIA_DIR}/" in msg:
        return f"give the path relative to content/, e.g. {MEDIA_DIR}/2017/screenshot.png"
    if "plain path" in msg:
        return "rename the file: no spaces, umlauts or other special characters"
    if "WebP file name" in msg:
        return "convert the image to PNG (screenshots) or JPEG (photos)"
    if "date" in msg:
        return "write dates as YYYY-MM-DD, e.g. 2017-10-11"
    if "URL" in msg:
        return "links must start with https:// or http://"
    if "titles and names" in msg:
        return "write it on one line and use words instead of angle brackets"
    if "colour" in msg:
        return "e.g. '#1b5e20'"
    return ""


def _describe(value: object) -> str:
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes/no/on/off/true/false as true or false)"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"{type(value).__name__} {value!r}"


def _fields_at(model: type[BaseModel], loc: Loc) -> set[str]:
    """The field names allowed at ``loc`` inside ``model`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = _model_in(annotation)
        if current is None:
            return set()
    return set(current.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None

