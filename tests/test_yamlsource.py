"""``generator.yamlsource.load_yaml``: plain data plus the line of every key, and a clear refusal of
everything a record never needs (aliases, tags, duplicate keys, huge files, broken encodings)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.errors import FactcheckError
from generator.yamlsource import MAX_FILE_BYTES, Document, load_yaml
from tests.conftest import ROOT, run_cli

NAME = "rec.yml"
"""The display name every unit test passes to ``load_yaml``; problems are printed with it."""
TAG_HINT = "records hold plain text, numbers, lists and mappings; remove the '!' tag"
ALIAS = "YAML aliases (*name) are not allowed; write the value out in full"
DUPLICATE_HINT = "remove one of them; YAML would silently keep only the last"
EMPTY = "rec.yml: -: file is empty; a record is a YAML mapping of fields; see README 'Writing a record'"


def invalid(line: int, column: int, what: str) -> str:
    """The problem line for a YAML syntax error."""
    return f"rec.yml:{line}: -: invalid YAML, column {column}: {what}; check indentation (spaces, not tabs) and quoting"


def write(folder: Path, content: str | bytes, name: str = NAME) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load(tmp_path: Path, content: str | bytes) -> Document:
    return load_yaml(write(tmp_path, content), NAME)


def problems(tmp_path: Path, content: str | bytes) -> list[str]:
    """The problem lines ``load_yaml`` reports for ``content`` (it must refuse it)."""
    with pytest.raises(FactcheckError) as info:
        load(tmp_path, content)
    return [str(p) for p in info.value.problems]


# --- where every key was written -----------------------------------------------------------------------

NESTED = """\
# a comment before the first key
id: x
claim:
  text: hello
  appearances:
    - article: a
      quote: |
        line one
        line two
    -
      article: b
tags: [p,
  q]
empty:
"""


def test_lines_of_every_key_path(tmp_path: Path) -> None:
    doc = load(tmp_path, NESTED)
    assert doc.data == {"id": "x",
                        "claim": {"text": "hello", "appearances": [{"article": "a", "quote": "line one\nline two\n"},
                                                                   {"article": "b"}]},
                        "tags": ["p", "q"], "empty": None}
    apps = ("claim", "appearances")
    assert doc.lines == {
        (): 2, ("id",): 2,
        ("claim",): 3, ("claim", "text"): 4, apps: 5,
        apps + (0,): 6, apps + (0, "article"): 6, apps + (0, "quote"): 7,
        apps + (1,): 11, apps + (1, "article"): 11,  # the item starts at its first key, not at the bare '-'
        ("tags",): 12, ("tags", 0): 12, ("tags", 1): 13,
        ("empty",): 14,
    }


@pytest.mark.parametrize(("loc", "line"), [
    (("claim", "text"), 4),                           # written: its own line
    (("claim", "language"), 3),                       # missing key → its parent mapping
    (("claim", "appearances", 1, "quote"), 11),       # missing key in a list item → the item
    (("claim", "appearances", 5, "article"), 5),      # index past the end → the list
    (("summary",), 2),                                # missing top-level key → the first key of the file
    ((), 2),
], ids=["written", "missing-key", "missing-in-item", "missing-index", "missing-top-level", "root"])
def test_line_of_falls_back_to_nearest_written_ancestor(tmp_path: Path, loc: tuple, line: int) -> None:
    assert load(tmp_path, NESTED).line_of(loc) == line


def test_problem_names_file_line_and_field(tmp_path: Path) -> None:
    problem = load(tmp_path, NESTED).problem(("claim", "appearances", 0, "quote"), "bad", "fix it")
    assert str(problem) == "rec.yml:7: claim.appearances[0].quote: bad; fix it"


# --- values --------------------------------------------------------------------------------------------

def test_dates_stay_text(tmp_path: Path) -> None:
    """The model parses dates itself, so an impossible date gets a message instead of a loader crash."""
    doc = load(tmp_path, "a: 2017-13-45\nb: 2020-01-01\nc: 2020-01-01 10:00:00\nd: '2020-01-01'\n")
    assert doc.data == {"a": "2017-13-45", "b": "2020-01-01", "c": "2020-01-01 10:00:00", "d": "2020-01-01"}


def test_plain_scalars_keep_their_yaml_types(tmp_path: Path) -> None:
    """The strict model reports these as type errors, which needs the types YAML gave them."""
    doc = load(tmp_path, "n: 12\nf: 1.5\nb: no\nz: ~\ns: '12'\n")
    assert doc.data == {"n": 12, "f": 1.5, "b": False, "z": None, "s": "12"}
    assert isinstance(doc.data["b"], bool)


def test_anchor_without_alias_is_fine(tmp_path: Path) -> None:
    assert load(tmp_path, "a: &x hello\n").data == {"a": "hello"}


# --- refused input: one exact problem line per case ----------------------------------------------------

REFUSED = [
    pytest.param("id: x\ntitle: a: b\n", [invalid(2, 9, "mapping values are not allowed in this context")],
                 id="syntax-error-line-and-column"),
    pytest.param("id: x\nsummary: [a, b\ntitle: c\n", [invalid(3, 6, "did not find expected ',' or ']' (while parsing a flow sequence that began on line 2)")],
                 id="unclosed-flow-list"),
    pytest.param("claim:\n\ttext: x\n", [invalid(2, 1, "found character that cannot start any token")],
                 id="tab-indentation"),
    pytest.param("claim:\n  text: x\n\tlanguage: de\n",
                 [invalid(3, 1, "found a tab character that violates indentation")], id="tab-after-spaces"),
    pytest.param("a: 1\n---\nb: 2\n", [invalid(2, 1, "but found another document")], id="two-documents"),
    pytest.param(b"id: x\ntitle: M\xe4rz\n", ["rec.yml:2: -: not UTF-8 (byte 14); save the file as UTF-8"],
                 id="latin-1-byte"),
    pytest.param(b"\xef\xbb\xbfid: x\n",
                 ["rec.yml: -: file starts with a byte-order mark; save it as UTF-8 without BOM"], id="utf-8-bom"),
    pytest.param("", [EMPTY], id="empty-file"),
    pytest.param("  \n\n\t\n", [EMPTY], id="whitespace-only"),
    pytest.param("a: 1\nb: 2\na: 3\n", [f"rec.yml:3: a: duplicate key (first on line 1); {DUPLICATE_HINT}"],
                 id="duplicate-key"),
    pytest.param("claim:\n  text: a\n  language: de\n  text: b\n",
                 [f"rec.yml:4: claim.text: duplicate key (first on line 2); {DUPLICATE_HINT}"],
                 id="duplicate-nested-key"),
    pytest.param("1: x\n", ["rec.yml:1: -: key '1' is not a plain name; keys are field names like 'title'"],
                 id="number-as-key"),
    pytest.param("id: x\ntitle: !!python/object:os.system {}\n",
                 [f"rec.yml:2: title: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed; {TAG_HINT}"],
                 id="python-object-tag"),
    pytest.param("title: !!python/object/apply:os.system ['echo pwned']\n",
                 [f"rec.yml:1: title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; "
                  f"{TAG_HINT}"],
                 id="python-apply-tag"),
    pytest.param("id: x\ntitle: !foo bar\n", [f"rec.yml:2: title: YAML tag '!foo' is not allowed; {TAG_HINT}"],
                 id="custom-tag"),
    pytest.param("a: !!int abc\n", ["rec.yml:1: a: 'abc' is not a valid int"], id="explicit-int-tag-bad-value"),
    pytest.param("a: &x hello\nb: *x\n", [f"rec.yml:2: b: {ALIAS}"], id="alias"),
    pytest.param("a: &x [*x]\n", [f"rec.yml:1: a[0]: {ALIAS}"], id="recursive-alias"),
]


@pytest.mark.parametrize(("content", "expected"), REFUSED)
def test_refused(tmp_path: Path, content: str | bytes, expected: list[str]) -> None:
    assert problems(tmp_path, content) == expected


def test_python_tags_are_never_constructed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object) -> int:
        raise AssertionError("os.system was called while loading YAML")

    monkeypatch.setattr(os, "system", boom)
    assert len(problems(tmp_path, "title: !!python/object/apply:os.system ['echo pwned']\n")) == 1


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    levels = "abcdefghi"
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]" for prev, cur in zip(levels, levels[1:])]
    start = time.perf_counter()
    found = problems(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 0.5
    assert len(found) == 8 * 9  # every alias of the eight levels b..i, each once, none expanded
    assert all(p.endswith(ALIAS) for p in found)
    assert found[0].endswith(f" b[0]: {ALIAS}") and found[-1].endswith(f" i[8]: {ALIAS}")


def test_file_over_the_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / NAME
    with path.open("wb") as f:  # sparse: no need to write 2 MB
        f.truncate(MAX_FILE_BYTES + 1)

    def unread(_self: Path) -> bytes:
        raise AssertionError("a file over the limit was read")

    monkeypatch.setattr(pathlib.Path, "read_bytes", unread)
    with pytest.raises(FactcheckError) as info:
        load_yaml(path, NAME)
    assert [str(p) for p in info.value.problems] == [
        f"rec.yml: -: file is {MAX_FILE_BYTES + 1} bytes, more than the limit of {MAX_FILE_BYTES}; "
        "split it, or shorten the text; records are never this large"]


def test_file_at_the_limit_is_loaded(tmp_path: Path) -> None:
    head = "text: "
    doc = load(tmp_path, head + "a" * (MAX_FILE_BYTES - len(head) - 1) + "\n")
    assert len(doc.data["text"]) == MAX_FILE_BYTES - len(head) - 1


# --- through the CLI: the same problems, with the path as the editor sees it --------------------------

@pytest.mark.parametrize(("content", "expected"), [
    pytest.param("- id: neu\n  title: x\n",
                 "content/claims/neu.yml:1: -: expected a mapping of fields, got a list; "
                 "start with 'id: neu' and one 'field: value' per line", id="top-level-list"),
    pytest.param("id: neu\nid: neu\n",
                 f"content/claims/neu.yml:2: id: duplicate key (first on line 1); {DUPLICATE_HINT}",
                 id="duplicate-key"),
    pytest.param(b"id: neu\ntitle: M\xe4rz\n",
                 "content/claims/neu.yml:2: -: not UTF-8 (byte 16); save the file as UTF-8", id="latin-1"),
    pytest.param("", "content/claims/neu.yml: -: file is empty; a record is a YAML mapping of fields; "
                     "see README 'Writing a record'", id="empty"),
])
def test_cli_reports_yaml_problems(mini: Path, capsys, monkeypatch, content: str | bytes, expected: str) -> None:
    write(mini / "claims", content, "neu.yml")
    monkeypatch.chdir(mini.parent)
    code, _out, err = run_cli(capsys, "--content", str(mini), "check")
    assert code == 1
    assert "Traceback" not in err
    assert expected in err.splitlines()


# --- once bugs, now fixed: each test pins the fix ------------------------------------------------------

def test_explicit_bool_tag_with_bad_value(tmp_path: Path) -> None:
    assert problems(tmp_path, "id: x\nstatus: !!bool maybe\n") == ["rec.yml:2: status: 'maybe' is not a valid bool"]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_unicode_line_separators_are_refused_on_their_own_line(tmp_path: Path, char: str) -> None:
    # libyaml counts them as line breaks and editors do not, so every later line number would be off.
    found = problems(tmp_path, f"id: x\ntitle: 'a{char}b'\nsummary: x\n")
    assert len(found) == 1 and found[0].startswith("rec.yml:2: -: contains a ")


def test_unclosed_quote_names_the_line_it_starts_on(tmp_path: Path) -> None:
    with pytest.raises(FactcheckError) as info:
        load(tmp_path, 'id: x\ntitle: "abc\nsummary: c\n')
    assert [p.line for p in info.value.problems] == [2]


@pytest.mark.parametrize(("content", "field"), [("a: &x hello\nb:\n  - *x\n", "b[0]"),
                                              ("a: &x {k: v}\nb: [0,\n  *x]\n", "b[1]")],
                         ids=["block-list", "flow-list"])
def test_alias_in_a_list_is_reported_on_its_own_line(tmp_path: Path, content: str, field: str) -> None:
    assert problems(tmp_path, content) == [f"rec.yml:3: {field}: {ALIAS}"]


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FactcheckError):
        load(tmp_path, "x: " + "[" * 1000 + "]" * 1000 + "\n")


def test_very_deep_nesting_does_not_crash_the_process(tmp_path: Path) -> None:
    path = write(tmp_path, "x: " + "[" * 100_000 + "]" * 100_000 + "\n")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from generator.errors import FactcheckError
        from generator.yamlsource import load_yaml
        try:
            load_yaml(Path({str(path)!r}), "rec.yml")
        except FactcheckError:
            print("refused")
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120)  # cwd: a core dump, if any, lands in tmp
    assert (result.returncode, result.stdout.strip()) == (0, "refused"), result.stderr[-2000:]


def test_comment_only_file_is_reported_in_plain_words(mini: Path, capsys, monkeypatch) -> None:
    write(mini / "claims", "# kommt noch\n", "neu.yml")
    monkeypatch.chdir(mini.parent)
    code, _out, err = run_cli(capsys, "--content", str(mini), "check")
    assert code == 1 and "Traceback" not in err
    assert any(line.startswith("content/claims/neu.yml") for line in err.splitlines())
    assert "NoneType" not in err


def test_short_texts_are_kept_once_across_files(tmp_path: Path) -> None:
    """Language codes, publishers and notes repeat in every record; each file's parse would make
    its own copy (15 MB of the records at 10,000 claims). Short texts are one object; long ones
    (analyses) are not looked up at all."""
    long = "Langer Text. " * 20
    docs = []
    for name in ("a.yml", "b.yml"):
        path = tmp_path / name
        path.write_text(f"publisher: Statistisches Landesamt\nlanguage: de\nanalysis: {long.strip()}\n", encoding="utf-8")
        docs.append(load_yaml(path, name).data)
    a, b = docs
    assert a == b
    assert a["publisher"] is b["publisher"] and a["language"] is b["language"]
    assert a["analysis"] is not b["analysis"]
