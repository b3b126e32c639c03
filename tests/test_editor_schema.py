"""Editor support: the committed JSON Schemas (what a YAML editor checks while typing) refuse what
`factcheck check` refuses and accept every real record; every record names its schema, and
.vscode/settings.json maps each record folder to the right one."""

from __future__ import annotations

import copy
import fnmatch
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from generator.errors import FactcheckError
from generator.model import KINDS
from generator.records import record_files
from generator.scaffold import schema_line
from generator.schema import SCHEMA_DIR
from generator.validate import validate_one
from generator.yamlsource import Document, load_yaml
from tests.conftest import MINI, ROOT

CONTENT = ROOT / "content"
SETTINGS = ROOT / ".vscode" / "settings.json"


def schema_validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def load(path: Path) -> Any:
    """The record as the checker sees it: dates stay text (as an editor's YAML server sees them)."""
    return load_yaml(path, str(path)).data


def all_records() -> list[tuple[str, Path]]:
    return record_files(CONTENT) + record_files(MINI)


def test_there_are_records_of_every_kind() -> None:
    assert {kind for kind, _ in record_files(CONTENT)} == set(KINDS)


@pytest.mark.parametrize(("kind", "path"), all_records(), ids=lambda v: v if isinstance(v, str) else
                         f"{v.parent.parent.name}/{v.parent.name}/{v.name}")
def test_schema_accepts_every_record(kind: str, path: Path) -> None:
    found = schema_validator(kind).iter_errors(load(path))
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in found]
    assert errors == []


Change = Callable[[dict[str, Any]], None]


def _set(*loc: str | int, value: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in loc[:-1]:
            target = target[part]
        target[loc[-1]] = value
    return change


def _delete(*loc: str | int) -> Change:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in loc[:-1]:
            target = target[part]
        del target[loc[-1]]
    return change


CLAIM = MINI / "claims" / "rathaus-blau.yml"
CLAIMANT = MINI / "claimants" / "tagblatt.yml"
ARTICLE = MINI / "articles" / "tagblatt-2020-01-01.yml"
VERDICTS = MINI / "verdicts.yml"
PERSON = MINI / "people" / "anna.yml"
SITE = MINI / "site.yml"

REJECTED = [
    # unknown keys (typos), at the top and nested
    ("claim", CLAIM, _set("sumary", value="Das Rathaus ist rot."), "unknown-key"),
    ("claim", CLAIM, _set("evidence", 0, "ulr", value="https://example.org/x"), "unknown-nested-key"),
    ("claimant", CLAIMANT, _set("homepage", value="https://example.org/"), "unknown-key-claimant"),
    # wrong types (YAML's implicit typing)
    ("claim", CLAIM, _set("title", value=20240425), "int-title"),
    ("claim", CLAIM, _set("verdict", value=False), "bool-verdict"),
    ("claim", CLAIM, _set("summary", value=["a", "b"]), "list-summary"),
    ("claim", CLAIM, _set("topics", value="stadt"), "text-instead-of-list"),
    ("claim", CLAIM, _set("claim", value="Das Rathaus ist blau."), "text-instead-of-mapping"),
    ("site", SITE, _set("page_size", value="2"), "text-page-size"),
    # ids that are not lowercase slugs
    ("claim", CLAIM, _set("id", value="Rathaus_Blau"), "id-uppercase-underscore"),
    ("claim", CLAIM, _set("id", value="rathaus--blau"), "id-double-hyphen"),
    ("claim", CLAIM, _set("id", value="rathaus-blau-"), "id-trailing-hyphen"),
    ("claimant", CLAIMANT, _set("id", value="tag blatt"), "id-space"),
    ("article", ARTICLE, _set("id", value="tagblatt.2020"), "id-dot"),
    ("verdicts", VERDICTS, _set("verdicts", 0, "key", value="Richtig"), "verdict-key"),
    # missing required fields
    ("claim", CLAIM, _delete("summary"), "missing-summary"),
    ("claim", CLAIM, _delete("claim", "claimant"), "missing-claimant"),
    ("claim", CLAIM, _set("evidence", value=[]), "no-evidence"),
    ("claim", CLAIM, _set("authors", value=[]), "no-authors"),
    ("article", ARTICLE, _delete("text"), "missing-text"),
    ("person", PERSON, _delete("role"), "missing-role"),
    # values outside their list
    ("claim", CLAIM, _set("status", value="publish"), "status-publish"),
    ("claim", CLAIM, _set("status", value="Published"), "status-capital"),
    ("claimant", CLAIMANT, _set("kind", value="newspaper"), "claimant-kind"),
    ("article", ARTICLE, _set("language", value="deu"), "language-three-letters"),
    # dates that are not ISO calendar dates
    ("claim", CLAIM, _set("published", value="01.02.2020"), "date-german"),
    ("claim", CLAIM, _set("published", value="2017-13-45"), "date-month-13"),
    ("claim", CLAIM, _set("published", value="2020-02-30"), "date-feb-30"),
    ("claim", CLAIM, _set("published", value="20240425"), "date-digits"),
    ("claim", CLAIM, _set("published", value=20240425), "date-int"),
    ("claim", CLAIM, _set("claim", "date", value="2020-1-1"), "date-short"),
    ("article", ARTICLE, _set("date", value="11. Oktober 2017"), "date-words"),
    # URLs that are not http(s)
    ("claim", CLAIM, _set("evidence", 0, "url", value="ftp://example.org/archiv/rathaus"), "url-ftp"),
    ("claim", CLAIM, _set("evidence", 0, "url", value="javascript:alert(1)"), "url-javascript"),
    ("claim", CLAIM, _set("evidence", 0, "url", value="example.org/archiv"), "url-no-scheme"),
    ("claim", CLAIM, _set("evidence", 0, "archive_url", value="file:///etc/passwd"), "url-file"),
    ("article", ARTICLE, _set("url", value="//example.org/tagblatt"), "url-protocol-relative"),
    ("claimant", CLAIMANT, _set("url", value="mailto:redaktion@example.org"), "url-mailto"),
    # other formats
    ("verdicts", VERDICTS, _set("verdicts", 0, "colour", value="green"), "colour-name"),
]


@pytest.mark.parametrize(("kind", "path", "change"), [c[:3] for c in REJECTED], ids=[c[3] for c in REJECTED])
def test_schema_rejects_what_the_checker_rejects(kind: str, path: Path, change: Change) -> None:
    data = copy.deepcopy(load(path))
    change(data)
    with pytest.raises(FactcheckError):
        validate_one(KINDS[kind], Document(path, path.name, data))
    errors = list(schema_validator(kind).iter_errors(data))
    assert errors, "the editor's schema accepts what `factcheck check` refuses"


def test_unchanged_records_pass_both() -> None:
    for kind, path in [("claim", CLAIM), ("claimant", CLAIMANT), ("article", ARTICLE), ("verdicts", VERDICTS)]:
        data = load(path)
        validate_one(KINDS[kind], Document(path, path.name, data))
        assert list(schema_validator(kind).iter_errors(data)) == []


# --------------------------------------------------------------------------- the editor finds the schema


def test_every_record_in_content_names_its_schema_on_line_one() -> None:
    for kind, path in record_files(CONTENT):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), f"{path.relative_to(ROOT)}: first line is {first!r}"
        target = (path.parent / first.removeprefix(prefix)).resolve()
        assert target == (SCHEMA_DIR / f"{kind}.schema.json").resolve(), f"{path.relative_to(ROOT)} points at {target}"


def test_the_scaffold_header_points_at_the_schema() -> None:
    for kind, folder in [("claim", "claims"), ("claimant", "claimants"), ("article", "articles")]:
        ref = schema_line(kind).split("$schema=")[1]
        assert (CONTENT / folder / ref).resolve() == (SCHEMA_DIR / f"{kind}.schema.json").resolve()


def test_vscode_maps_every_record_to_its_schema() -> None:
    settings = json.loads(SETTINGS.read_text(encoding="utf-8"))
    mapping: dict[str, list[str]] = settings["yaml.schemas"]
    assert set(mapping) == {f"./schemas/{kind}.schema.json" for kind in KINDS}
    for schema in mapping:
        assert (ROOT / schema).is_file(), schema
    for kind, path in all_records():
        rel = path.relative_to(ROOT).as_posix()
        matched = [schema for schema, globs in mapping.items() if any(fnmatch.fnmatch(rel, g) for g in globs)]
        assert matched == [f"./schemas/{kind}.schema.json"], f"{rel} → {matched}"
    # Hand-written pages and other YAML get no record schema.
    for other in ["content/about.md", "mkdocs.yml", ".github/workflows/pages.yml", "content/claims/notes.md"]:
        assert not any(fnmatch.fnmatch(other, g) for globs in mapping.values() for g in globs), other
