"""``factcheck new claim|claimant|article``: complete, commented drafts that `factcheck check` accepts
once the TODO values are filled in, with free ids and nothing overwritten."""

from __future__ import annotations

import json
import re
import typing
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from generator.model import Article, Claim, Claimant
from generator.scaffold import next_free_id, schema_line, slugify
from generator.yamlsource import load_yaml
from tests.conftest import run_cli
from tests.minisite import build_content

DAY = "2024-05-01"
ARTICLE = "tagblatt-2020-01-01"
MODELS: dict[str, type[BaseModel]] = {"claim": Claim, "claimant": Claimant, "article": Article}


def new(capsys: pytest.CaptureFixture[str], content: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--content", str(content), "new", *args)


def check(capsys: pytest.CaptureFixture[str], content: Path) -> tuple[int, str, str]:
    return run_cli(capsys, "--content", str(content), "check")


def written(out: str) -> Path:
    match = re.match(r"wrote (\S+\.yml): fill in the (\d+) values? marked TODO", out)
    assert match, out
    return Path(match.group(1))


def fill(path: Path, **values: str) -> None:
    """Write ``values`` (YAML text) into the first *empty* line of each key, as an editor would."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for key, value in values.items():
        for i, line in enumerate(lines):
            match = re.fullmatch(rf"(\s*(?:- )?){key}:(?: \|-| \[\])?", line)
            if match:
                lines[i] = f"{match.group(1)}{key}: {value}"
                break
        else:
            raise AssertionError(f"no empty '{key}:' left in {path}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_key(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    new_text, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, flags=re.MULTILINE)
    assert count == 1
    path.write_text(new_text, encoding="utf-8")


def field_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field of ``model`` and of the records nested in it, as dotted paths."""
    out = set()
    for name, info in model.model_fields.items():
        out.add(prefix + name)
        for arg in [info.annotation, *typing.get_args(info.annotation)]:
            for inner in [arg, *typing.get_args(arg)]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    out |= field_paths(inner, f"{prefix}{name}.")
    return out


def written_keys(text: str) -> set[str]:
    """Dotted paths of every key in the file, written or commented out (``# key:``), from indentation."""
    found: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        match = re.match(r"^(\s*)(# ?)?(\s*)(- )?([a-z_]+):(\s|$)", line)
        if not match or (match.group(2) and not re.match(r"^\s*#\s*(- )?[a-z_]+:(\s*$| \[\]$| \{\}$)", line)):
            continue
        indent = len(match.group(1)) + len(match.group(3)) + (2 if match.group(4) else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([s[1] for s in stack] + [match.group(5)])
        found.add(path)
        stack.append((indent, match.group(5)))
    return found


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(("text", "slug"), [
    ("Über Straßen & Plätze: Ärger in Köln?", "ueber-strassen-plaetze-aerger-in-koeln"),
    ("GRÖSSTE Lüge?", "groesste-luege"),
    ("Łódź, Øresund, Crème brûlée", "lodz-oeresund-creme-brulee"),
    ("  --Hallo___Welt--  ", "hallo-welt"),
    ("COVID-19 & 5G", "covid-19-5g"),
    ("Москва", ""),
    ("Verhandelten die US-geführte Koalition und die SDF im Oktober 2017 mit dem IS über einen Abzug?",
     "verhandelten-die-us-gefuehrte-koalition-und-die-sdf-im"),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert len(slug) <= 60


def test_next_free_id(tmp_path: Path) -> None:
    assert next_free_id(tmp_path, "rathaus") == "rathaus"
    (tmp_path / "rathaus.yml").write_text("x", encoding="utf-8")
    (tmp_path / "rathaus-2.yaml").write_text("x", encoding="utf-8")
    assert next_free_id(tmp_path, "rathaus") == "rathaus-3"
    assert next_free_id(tmp_path, "index") == "index-2"


# --------------------------------------------------------------------------- every field, explained


@pytest.mark.parametrize("kind", ["claim", "claimant", "article"])
def test_draft_lists_every_field_of_the_model_with_a_comment(mini: Path, capsys, kind: str) -> None:
    args = {"claim": ["--article", ARTICLE, "--title", "Ist der Marktplatz grün?"],
            "claimant": ["--name", "Der Bürgerbote"],
            "article": ["--outlet", "tagblatt", "--title", "Neues vom Markt", "--url", "https://example.org/markt"]}
    code, out, err = new(capsys, mini, kind, *args[kind], "--date", DAY)
    assert code == 0, err
    path = written(out)
    assert path.parent.name == f"{kind}s"
    text = path.read_text(encoding="utf-8")
    header = f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"
    assert text.splitlines()[0] == schema_line(kind) == header
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    assert load_yaml(path, str(path)).data["id"] == path.stem  # our strict loader accepts it too
    # Only the importer writes 'imported' (the review a record was made from): never offered to fill in.
    importer_only = {"imported", "imported.url", "imported.digest"}
    assert field_paths(MODELS[kind]) - importer_only <= written_keys(text), "fields missing from the draft"
    assert not importer_only & written_keys(text)
    assert set(data) <= set(MODELS[kind].model_fields)
    # Every key line has its explanation right above it.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_]+:", line):
            assert lines[i - 1].startswith("# "), f"no comment above {line!r}"
    todos = int(re.search(r"fill in the (\d+) value", out).group(1))
    assert text.count("# TODO: ") == todos > 0
    comments = "\n".join(line for line in lines[1:] if line.lstrip().startswith("#"))
    assert not re.search(r"https?://[\w-]", comments), "a URL in a comment (the content tests trace every URL)"


def test_claim_draft_takes_what_is_known_from_the_article(mini: Path, capsys) -> None:
    code, out, err = new(capsys, mini, "claim", "--article", ARTICLE, "--title", "Über Straßen: Ärger?", "--date", DAY)
    assert code == 0, err
    path = written(out)
    assert path.name == "ueber-strassen-aerger.yml"
    data = load_yaml(path, str(path)).data
    assert data["id"] == "ueber-strassen-aerger"
    assert data["status"] == "draft"
    assert data["title"] == "Über Straßen: Ärger?"
    assert data["published"] == DAY
    assert data["claim"]["claimant"] == "tagblatt"
    assert data["claim"]["language"] == "de"
    assert data["claim"]["date"] == "2020-01-01"
    assert data["claim"]["appearances"] == [{"article": ARTICLE, "quote": None, "media": []}]
    text = path.read_text(encoding="utf-8")
    quote_comment = text[: text.index("      quote:")].rsplit("\n      # TODO:", 1)[1]
    assert f"content/articles/{ARTICLE}.yml" in quote_comment and "verbatim" in quote_comment
    # The comments name what exists: verdict keys, people.
    assert "richtig, teils-richtig, falsch, unbelegt" in text
    assert "anna, ben" in text


def test_published_defaults_to_today(mini: Path, capsys) -> None:
    before = date.today().isoformat()
    code, out, err = new(capsys, mini, "claim", "--article", ARTICLE, "--title", "Heute?")
    after = date.today().isoformat()
    assert code == 0, err
    assert load_yaml(written(out), "x").data["published"] in (before, after)


def test_article_date_is_never_guessed(mini: Path, capsys) -> None:
    code, out, err = new(capsys, mini, "article", "--outlet", "tagblatt", "--title", "Ohne Datum",
                         "--url", "https://example.org/ohne")
    assert code == 0, err
    text = written(out).read_text(encoding="utf-8")
    assert re.search(r"# TODO: The day the article was published.*\ndate:\n", text)


def test_unfilled_draft_fails_check_naming_every_todo(mini: Path, capsys) -> None:
    code, out, err = new(capsys, mini, "claim", "--article", ARTICLE, "--title", "Leer?", "--date", DAY)
    assert code == 0, err
    path = written(out)
    lines = path.read_text(encoding="utf-8").splitlines()
    code, out, err = check(capsys, mini)
    assert code == 1
    display = f"{path.parent.parent.name}/claims/leer.yml"
    problems = [line for line in err.splitlines() if display in line]
    fields = [p.split(": ")[1] for p in problems]
    assert fields == ["claim.text", "claim.appearances[0]", "verdict", "summary", "analysis", "evidence[0].title",
                      "evidence[0].publisher", "evidence[0].url", "authors"]
    assert "needs the verbatim 'quote'" in problems[1]
    verdict_line = lines.index("verdict:") + 1
    assert f"leer.yml:{verdict_line}: verdict:" in problems[2]
    assert err.splitlines()[-1] == "9 problems found; nothing was written."


# --------------------------------------------------------------------------- ids and overwriting


def test_ids_are_the_next_free_slug(mini: Path, capsys) -> None:
    paths = []
    for _ in range(3):
        code, out, err = new(capsys, mini, "claimant", "--name", "Der Bürgerbote", "--kind", "outlet")
        assert code == 0, err
        paths.append(written(out).name)
    assert paths == ["der-buergerbote.yml", "der-buergerbote-2.yml", "der-buergerbote-3.yml"]
    assert load_yaml(mini / "claimants" / "der-buergerbote-3.yml", "x").data["id"] == "der-buergerbote-3"
    # An existing record's id is never reused: the mini fixture has claims/rathaus-blau.yml.
    code, out, err = new(capsys, mini, "claim", "--article", ARTICLE, "--title", "Rathaus blau", "--date", DAY)
    assert written(out).name == "rathaus-blau-2.yml"


def test_refuses_to_overwrite(mini: Path, capsys) -> None:
    before = (mini / "claimants" / "tagblatt.yml").read_bytes()
    code, out, err = new(capsys, mini, "claimant", "--name", "Tagblatt", "--id", "tagblatt")
    assert code == 1
    assert "claimants/tagblatt.yml: --id: exists already; nothing was overwritten; choose another id" in err
    assert (mini / "claimants" / "tagblatt.yml").read_bytes() == before
    code, _, err = new(capsys, mini, "claimant", "--name", "Tagblatt", "--id", "Tag_Blatt")
    assert code == 1 and "'Tag_Blatt' is not a valid id" in err


def test_claim_needs_an_existing_article(mini: Path, capsys) -> None:
    before = sorted(p.name for p in (mini / "claims").iterdir())
    code, _, err = new(capsys, mini, "claim", "--article", "tagblatt-2020-01-02", "--title", "Gibt es nicht?")
    assert code == 1
    assert ("content/articles/tagblatt-2020-01-02.yml: --article: no article with id 'tagblatt-2020-01-02'; "
            "did you mean 'tagblatt-2020-01-01'?") in err
    assert sorted(p.name for p in (mini / "claims").iterdir()) == before


def test_article_needs_an_existing_outlet_and_a_real_url(mini: Path, capsys) -> None:
    code, _, err = new(capsys, mini, "article", "--outlet", "tagesblatt", "--title", "T", "--url", "https://example.org/t")
    assert code == 1 and "no claimant with id 'tagesblatt'; did you mean 'tagblatt'?" in err
    code, _, err = new(capsys, mini, "article", "--outlet", "tagblatt", "--title", "T", "--url", "ftp://example.org/t")
    assert code == 1 and "--url: 'ftp://example.org/t': not an http(s) URL" in err
    code, _, err = new(capsys, mini, "claim", "--article", ARTICLE, "--title", "Ist <b> blau?")
    assert code == 1 and "--title:" in err
    assert not (mini / "articles" / "t.yml").exists()


def test_a_name_without_latin_letters_needs_an_id(mini: Path, capsys) -> None:
    code, _, err = new(capsys, mini, "claimant", "--name", "Москва")
    assert code == 1 and "pass --id" in err
    code, out, err = new(capsys, mini, "claimant", "--name", "Москва", "--id", "moskau", "--kind", "organisation")
    assert code == 0 and written(out).name == "moskau.yml"


# --------------------------------------------------------------------------- filled in: checks and builds


def test_filled_in_drafts_pass_check_and_build(mini: Path, tmp_path: Path, capsys) -> None:
    """A claimant, an article of it and a claim from that article, each scaffolded and filled in."""
    code, out, err = new(capsys, mini, "claimant", "--name", "Der Bürgerbote", "--kind", "outlet", "--date", DAY)
    assert code == 0, err
    claimant = written(out)
    fill(claimant, description=json.dumps("Eine erfundene Zeitung."))

    code, out, err = new(capsys, mini, "article", "--outlet", "der-buergerbote", "--title", "Markttag in Köln",
                         "--url", "https://example.org/buergerbote/markttag", "--date", "2020-03-01")
    assert code == 0, err
    article = written(out)
    fill(article, text=json.dumps("Der Markt war voll. Es gab keinen Käse."))

    code, out, err = new(capsys, mini, "claim", "--article", "markttag-in-koeln", "--title", "Gab es keinen Käse?",
                         "--date", DAY)
    assert code == 0, err
    claim = written(out)
    text = claim.read_text(encoding="utf-8")
    assert "claimant: der-buergerbote" in text and "date: 2020-03-01" in text
    fill(claim, text=json.dumps("Es gab keinen Käse."), quote=json.dumps("Es gab keinen Käse."), verdict="falsch",
         summary=json.dumps("Es gab Käse."), analysis=json.dumps("Ein Foto zeigt **Käse**."),
         title=json.dumps("Marktfoto"), publisher=json.dumps("Stadtarchiv"),
         url=json.dumps("https://example.org/archiv/markt"), authors="[anna]", reviewers="[ben]")

    code, out, err = check(capsys, mini)
    assert code == 0, err
    assert out.startswith("ok: 5 claims (2 draft, 3 published), 2 claimants, 2 articles")

    set_key(claim, "status", "published")
    site = build_content(mini, tmp_path / "build")
    page = (site / "claims" / "gab-es-keinen-kaese" / "index.html").read_text(encoding="utf-8")
    assert "Gab es keinen Käse?" in page and "https://example.org/archiv/markt" in page
    assert (site / "articles" / "markttag-in-koeln" / "index.html").is_file()
    assert (site / "claimants" / "der-buergerbote" / "index.html").is_file()


def test_claim_without_title_takes_its_id_from_the_article(mini: Path, capsys) -> None:
    code, out, err = new(capsys, mini, "claim", "--article", ARTICLE, "--date", DAY)
    assert code == 0, err
    path = written(out)
    assert path.name == f"{ARTICLE}.yml"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"# TODO: The claim as a question.*\ntitle:\n", text)
    assert "fill in the 10 values marked TODO" in out
