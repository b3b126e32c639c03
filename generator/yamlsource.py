"""Load stage, part 1: read one YAML file into plain Python data plus the line of every key.

PyYAML's node graph carries positions but its constructors throw them away, so we compose the
node graph (with libyaml's C parser when present) and build the values ourselves. Doing it by hand
also lets us refuse what a record never needs and an attacker might use: aliases (billion laughs),
non-standard tags (``!!python/object``), duplicate keys (PyYAML silently keeps the last one).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import FactcheckError, Problem, field_name

try:  # libyaml is several times faster; the pure-Python loader gives identical nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

LOADER_VERSION = "2"
"""Bump when what ``load_yaml`` returns for the same bytes changes: cached parses (``records``) are
then made anew."""

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Records are text; an article's full text is well under this. Bigger files are refused unread."""

Loc = tuple[str | int, ...]

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + "str", _T + "int", _T + "float", _T + "bool", _T + "null", _T + "timestamp"}
_CONSTRUCT = yaml.constructor.SafeConstructor()
_ALIAS = "YAML aliases (*name) are not allowed"


@dataclass
class Document:
    """A parsed YAML file: its data and where each key path was written."""

    path: Path
    display: str
    data: Any
    known_lines: dict[Loc, int] | None = field(default_factory=dict)
    """None for the documents the load stage keeps (``records._parse``: from the build cache or
    parsed now), which hold the data only: the lines are needed only for a message, so the file
    is parsed again if one is written."""

    @property
    def lines(self) -> dict[Loc, int]:
        if self.known_lines is None:
            try:
                self.known_lines = load_yaml(self.path, self.display).known_lines or {}
            except (FactcheckError, OSError):  # changed since it was read: line 1 it is
                self.known_lines = {}
        return self.known_lines

    def line_of(self, loc: Loc) -> int:
        """Line of ``loc``, or of its nearest written ancestor (a missing key → its parent)."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def problem(self, loc: Loc, message: str, hint: str = "") -> Problem:
        return Problem(self.display, self.line_of(loc), field_name(loc), message, hint)


def load_yaml(path: Path, display: str, raw: bytes | None = None) -> Document:
    """Parse ``path`` (whose bytes are ``raw`` when the caller has read them already); raise
    ``FactcheckError`` naming the line of whatever is wrong."""
    size = path.stat().st_size if raw is None else len(raw)
    if size > MAX_FILE_BYTES:
        raise _file_error(display, f"file is {size} bytes, more than the limit of {MAX_FILE_BYTES}",
                          "split it, or shorten the text; records are never this large")
    if raw is None:
        raw = path.read_bytes()
    text = _decode(raw, display)
    if not text.strip():
        raise _file_error(display, "file is empty", "a record is a YAML mapping of fields; see README 'Writing a record'")
    _check_characters(text, display)
    _check_nesting(text, display)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise FactcheckError([_syntax_problem(exc, text, display)]) from None
    except yaml.YAMLError as exc:
        raise _file_error(display, f"invalid YAML: {exc}", "check the file's syntax") from None
    doc = Document(path, display, None)
    problems: list[Problem] = []
    doc.data = _build(node, (), doc, problems, set())
    if any(p.message == _ALIAS for p in problems):
        problems = _alias_lines(text, problems)
    if problems:
        raise FactcheckError(problems)
    return doc


# Characters libyaml counts as line breaks although editors do not (every later line number would
# be off), and control characters YAML refuses with a message that names no line.
_BAD_CHARS = {"\u2028": "a line separator (U+2028)", "\u2029": "a paragraph separator (U+2029)",
              "\u0085": "a next-line character (U+0085)", "\x7f": "a control character (U+007F)"}
_BAD_CHARS |= {chr(c): f"a control character (U+{c:04X})" for c in range(32) if chr(c) not in "\t\n\r"}

MAX_NESTING = 64
"""Deepest nesting of lists and mappings a record may use. libyaml's C composer recurses without a
bound and crashes the interpreter on tens of thousands of levels; records need fewer than ten."""


_BAD_CHAR_RE = re.compile("[" + re.escape("".join(_BAD_CHARS)) + "]")
"""One pass over the text finds whether any of them is there (most files have none)."""


def _check_characters(text: str, display: str) -> None:
    if not _BAD_CHAR_RE.search(text):
        return
    problems = []
    for char, name in _BAD_CHARS.items():
        at = text.find(char)
        if at >= 0:
            problems.append(Problem(display, text.count("\n", 0, at) + 1, "-", f"contains {name}",
                                    "replace it with a space or a normal line break (it often comes from copy and paste)"))
    if problems:
        raise FactcheckError(problems)


_DEEP_INDENT = " " * (4 * MAX_NESTING + 1)
"""A line indented more than 4 * MAX_NESTING spaces. Found as a substring after a line break: a
regular expression with ``^`` or a look-behind tries every position (3 s at 10,000 records)."""


def _deep_indent(text: str) -> int | None:
    """Where the first line indented by ``_DEEP_INDENT`` or more starts (\\n and \\r both break lines)."""
    if text.startswith(_DEEP_INDENT):
        return 0
    found = [at + 1 for at in (text.find("\n" + _DEEP_INDENT), text.find("\r" + _DEEP_INDENT)) if at >= 0]
    return min(found) if found else None


def _check_nesting(text: str, display: str) -> None:
    # Cheap test first: a file with few brackets cannot nest deeply in flow style.
    if text.count("[") + text.count("{") > MAX_NESTING:
        depth = 0
        for at, char in enumerate(text):
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth > MAX_NESTING:
                raise FactcheckError([Problem(display, text.count("\n", 0, at) + 1, "-",
                                              f"lists or mappings nested more than {MAX_NESTING} levels deep",
                                              "records need only a few levels; check for a runaway '[' or '{'")])
    # Block style nests by indentation, so a bound on indentation bounds its depth.
    if (start := _deep_indent(text)) is not None:
        number = len(text[:start].splitlines()) + 1  # line breaks as YAML counts them (\r too)
        indent = len(text[start:]) - len(text[start:].lstrip(" "))
        raise FactcheckError([Problem(display, number, "-", f"indented {indent} spaces, deeper than records ever need",
                                      "check the indentation of this line")])


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    mark, context = exc.problem_mark, exc.context_mark
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    # Past the end of the file the useful place is where the unfinished thing began (an open quote).
    if context is not None and (mark is None or mark.line + 1 > last_line):
        mark = context
    line = mark.line + 1 if mark else 0
    col = f", column {mark.column + 1}" if mark else ""
    what = exc.problem or exc.context or "invalid YAML"
    # For an unclosed list or quote, where it was opened is the line to look at.
    opened = exc.context and exc.context.startswith(("while parsing a flow", "while scanning a quoted"))
    if opened and context is not None and mark is not None and mark is not context and context.line != mark.line:
        what += f" ({exc.context} that began on line {context.line + 1})"
    return Problem(display, line, "-", f"invalid YAML{col}: {what}", "check indentation (spaces, not tabs) and quoting")


def _alias_lines(text: str, problems: list[Problem]) -> list[Problem]:
    """Aliases share their anchor's node, so the walk cannot see where an alias was written. The
    parser's events can: the n-th alias the walk met is the n-th AliasEvent of the file."""
    lines = [ev.start_mark.line + 1 for ev in yaml.parse(text, Loader=_Loader) if isinstance(ev, yaml.AliasEvent)]
    out, n = [], 0
    for p in problems:
        if p.message == _ALIAS and n < len(lines):
            p = Problem(p.path, lines[n], p.field, p.message, p.hint)
            n += 1
        out.append(p)
    return out


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _file_error(display, "file starts with a byte-order mark", "save it as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactcheckError([Problem(display, line, "-", f"not UTF-8 (byte {exc.start})",
                                      "save the file as UTF-8")]) from None


def _file_error(display: str, message: str, hint: str) -> FactcheckError:
    return FactcheckError([Problem(display, 0, "-", message, hint)])


def _build(node: yaml.Node | None, loc: Loc, doc: Document, problems: list[Problem], seen: set[int]) -> Any:
    if node is None:
        return None
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    # The composer returns the *same* node object for every alias of an anchor; a second visit
    # means an alias. Refusing it here is what keeps a billion-laughs file from expanding at all.
    if id(node) in seen:
        problems.append(doc.problem(loc, _ALIAS, "write the value out in full"))
        return None
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, loc, doc, problems, seen)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _T + "seq":
            return _bad_tag(node, loc, doc, problems)
        return [_build(item, loc + (i,), doc, problems, seen) for i, item in enumerate(node.value)]
    return _build_scalar(node, loc, doc, problems)


def _build_mapping(node: yaml.MappingNode, loc: Loc, doc: Document, problems: list[Problem], seen: set[int]) -> Any:
    if node.tag != _T + "map":
        return _bad_tag(node, loc, doc, problems)
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _T + "str":
            problems.append(Problem(doc.display, key_node.start_mark.line + 1, field_name(loc),
                                    f"key {key_node.value!r} is not a plain name", "keys are field names like 'title'"))
            continue
        key = key_node.value
        key_loc = loc + (key,)
        if key in out:
            problems.append(Problem(doc.display, key_node.start_mark.line + 1, field_name(key_loc),
                                    f"duplicate key (first on line {doc.lines[key_loc]})",
                                    "remove one of them; YAML would silently keep only the last"))
            continue
        doc.lines[key_loc] = key_node.start_mark.line + 1
        out[key] = _build(value_node, key_loc, doc, problems, seen)
    return out


def _build_scalar(node: yaml.Node, loc: Loc, doc: Document, problems: list[Problem]) -> Any:
    tag = node.tag
    if tag not in _SCALAR_TAGS:
        return _bad_tag(node, loc, doc, problems)
    if tag == _T + "str" or tag == _T + "timestamp":
        # Dates stay text: the model parses them, so '2017-13-45' gets a message, not a crash.
        return _shared(node.value)
    if tag == _T + "null":
        return None
    if ":" in node.value:
        # YAML 1.1 reads 12:05 as the base-60 number 725 (1.2 dropped that); in a record it is a
        # timestamp into a recording, so it stays the text the editor wrote.
        return node.value
    method = {"int": _CONSTRUCT.construct_yaml_int, "float": _CONSTRUCT.construct_yaml_float,
              "bool": _CONSTRUCT.construct_yaml_bool}[tag.rsplit(":", 1)[1]]
    try:
        return method(node)
    except (ValueError, KeyError, yaml.YAMLError):  # KeyError: an explicit !!bool with an unknown word
        problems.append(doc.problem(loc, f"{node.value!r} is not a valid {tag.rsplit(':', 1)[1]}"))
        return None


SHARED_CHARS = 100
"""Texts up to this long are kept once however often records repeat them (language codes,
publishers, verdicts, a note every source shares): each parse makes its own copy, and at 10,000
claims the copies were 15 MB of the records in memory."""


def _shared(text: str) -> str:
    return sys.intern(text) if len(text) <= SHARED_CHARS else text


def _bad_tag(node: yaml.Node, loc: Loc, doc: Document, problems: list[Problem]) -> None:
    problems.append(doc.problem(loc, f"YAML tag {node.tag!r} is not allowed",
                                "records hold plain text, numbers, lists and mappings; remove the '!' tag"))
    return None
