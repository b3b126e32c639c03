"""Every way an editor can get a record wrong ends in one clear line: ``path:line: field: problem; hint``.

Each case changes the mini fixture in one small way and names the exact line(s) ``factcheck check``
must print. Line numbers were read off the fixture files in tests/fixtures/mini.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MINI, edit, run_cli

CLAIM = "claims/rathaus-blau.yml"
"""The claim most cases change. Lines: 1 id, 3 title, 7 claimant, 10 article, 11 quote, 12 verdict,
13 summary, 18 evidence[0].url, 21 topics, 22 related, 23 authors, 24 published."""
SONNE = "claims/sonne-drei-stunden.yml"
ARTICLE = "articles/tagblatt-2020-01-01.yml"
VERDICTS = "verdicts.yml"
TOPICS = "topics.yml"

ID_HINT = "use lowercase ASCII letters, digits and single hyphens, e.g. 'raqqa-talks'"
DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2017-10-11"
URL_HINT = "links must start with https:// or http://"
KNOWN_VERDICTS = "known: richtig, teils-richtig, falsch, unbelegt"


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (exactly once) by ``new`` in ``content/<path>``."""

    path: str
    old: str
    new: str

    def apply(self, content: Path) -> None:
        edit(content / self.path, self.old, self.new)


@dataclass(frozen=True)
class Write:
    path: str
    text: str

    def apply(self, content: Path) -> None:
        (content / self.path).write_text(self.text, encoding="utf-8")


@dataclass(frozen=True)
class Mkdir:
    path: str

    def apply(self, content: Path) -> None:
        (content / self.path).mkdir()


@dataclass(frozen=True)
class Delete:
    path: str

    def apply(self, content: Path) -> None:
        (content / self.path).unlink()


Change = Edit | Write | Mkdir | Delete


def check(mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          *changes: Change) -> tuple[int, str]:
    """Apply ``changes`` to the fixture and run ``factcheck check`` from its parent folder."""
    for change in changes:
        change.apply(mini)
    monkeypatch.chdir(mini.parent)
    code, _out, err = run_cli(capsys, "--content", str(mini), "check")
    return code, err


def case(case_id: str, change: Change | tuple[Change, ...], *lines: str) -> object:
    """One table row: the change(s) and every line that must appear in stderr."""
    changes = change if isinstance(change, tuple) else (change,)
    return pytest.param(changes, lines, id=case_id)


CASES = [
    # --- schema: required fields, types, YAML's implicit typing, unknown keys ---------------------------
    case("missing-required-field", Edit(CLAIM, "summary: Das Rathaus ist rot.\n", ""),
         "content/claims/rathaus-blau.yml:1: summary: required field is missing; "
         "add 'summary:' (see README 'Writing a record')"),
    case("title-is-a-number", Edit(CLAIM, "title: Ist das Rathaus blau?", "title: 20240425"),
         "content/claims/rathaus-blau.yml:3: title: expected text, got int 20240425; put the value in quotes"),
    case("verdict-no-is-a-bool", Edit(CLAIM, "verdict: falsch", "verdict: no"),
         "content/claims/rathaus-blau.yml:12: verdict: expected text, got false "
         "(YAML reads yes/no/on/off/true/false as true or false); put the value in quotes"),
    case("unknown-key-did-you-mean", Edit(CLAIM, "summary:", "sumary:"),
         "content/claims/rathaus-blau.yml:13: sumary: unknown field; did you mean 'summary'?",
         "content/claims/rathaus-blau.yml:1: summary: required field is missing; "
         "add 'summary:' (see README 'Writing a record')"),
    case("title-with-script-tag",
         Edit(CLAIM, "title: Ist das Rathaus blau?", "title: Ist das <script>alert(1)</script> blau?"),
         "content/claims/rathaus-blau.yml:3: title: 'Ist das <script>alert(1)</script> blau?' is not allowed: "
         "titles and names are one line, without < or >; write it on one line and use words instead of angle brackets"),
    case("language-key-in-wrong-case",
         Edit(VERDICTS, 'label: {de: Richtig, en: "True"}', 'label: {de: Richtig, EN: "True"}'),
         "content/verdicts.yml:5: verdicts[0].label.EN: 'EN' is not a language code; "
         "use a two-letter ISO 639-1 code such as 'de'"),
    # --- verdicts ------------------------------------------------------------------------------------------
    case("verdict-underscore-did-you-mean", Edit(CLAIM, "verdict: falsch", "verdict: teils_richtig"),
         f"content/claims/rathaus-blau.yml:12: verdict: 'teils_richtig' is not a verdict; {KNOWN_VERDICTS}; "
         "did you mean 'teils-richtig'?"),
    case("verdict-typo-did-you-mean", Edit(CLAIM, "verdict: falsch", "verdict: teils-richtg"),
         f"content/claims/rathaus-blau.yml:12: verdict: 'teils-richtg' is not a verdict; {KNOWN_VERDICTS}; "
         "did you mean 'teils-richtig'?"),
    case("verdict-wrong-case", Edit(CLAIM, "verdict: falsch", "verdict: Falsch"),
         f"content/claims/rathaus-blau.yml:12: verdict: 'Falsch' is not a verdict; {KNOWN_VERDICTS}; "
         "did you mean 'falsch'?"),
    case("status-typo-did-you-mean", Edit(CLAIM, "status: published", "status: drafd"),
         "content/claims/rathaus-blau.yml:2: status: 'drafd' is not allowed; known: 'draft', 'review' or "
         "'published'; did you mean 'draft'?"),
    case("duplicate-verdict-key", Edit(VERDICTS, "- key: falsch", "- key: richtig"),
         "content/verdicts.yml:16: verdicts[2].key: duplicate key 'richtig'; each entry needs its own key"),
    case("rating-outside-scale", Edit(VERDICTS, "    rating: 3", "    rating: 7"),
         "content/verdicts.yml:9: verdicts[0].rating: 7 is outside the scale 1..3; "
         "change the rating or worst_rating/best_rating"),
    case("duplicate-topic-id", Edit(TOPICS, "- id: stadt", "- id: wetter"),
         "content/topics.yml:5: topics[1].id: duplicate id 'wetter'; each entry needs its own key"),
    # --- ids -----------------------------------------------------------------------------------------------
    case("id-differs-from-file-name", Edit(CLAIM, "id: rathaus-blau", "id: rathaus-rot"),
         "content/claims/rathaus-blau.yml:1: id: id 'rathaus-rot' differs from the file name 'rathaus-blau'; "
         "rename the file to rathaus-rot.yml or set id: rathaus-blau"),
    *[case(f"id-not-a-slug-{name}", Edit(CLAIM, "id: rathaus-blau", f"id: {bad}"),
           f"content/claims/rathaus-blau.yml:1: id: {bad!r} is not a valid id; {ID_HINT}")
      for name, bad in [("upper-underscore", "Regen_Zwoelf"), ("dot-dot-slash", "../etc"),
                        ("space", "a b"), ("umlaut", "ümlaut")]],
    # --- references between records ---------------------------------------------------------------------
    case("dangling-related", Edit(CLAIM, "related: [sonne-drei-stunden]", "related: [gibt-es-nicht]"),
         "content/claims/rathaus-blau.yml:22: related[0]: no claim with id 'gibt-es-nicht'; "
         "known: rathaus-blau, regen-zwoelf-stunden, sonne-drei-stunden, strassen-trocken"),
    case("related-to-itself", Edit(CLAIM, "related: [sonne-drei-stunden]", "related: [rathaus-blau]"),
         "content/claims/rathaus-blau.yml:22: related[0]: a claim cannot be related to itself; remove it"),
    case("dangling-claimant", Edit(CLAIM, "claimant: tagblatt", "claimant: tagesblatt"),
         "content/claims/rathaus-blau.yml:7: claim.claimant: no claimant with id 'tagesblatt'; "
         "did you mean 'tagblatt'?"),
    case("dangling-article", Edit(CLAIM, "- article: tagblatt-2020-01-01", "- article: tagblatt-2020-01-02"),
         "content/claims/rathaus-blau.yml:10: claim.appearances[0].article: no article with id "
         "'tagblatt-2020-01-02'; did you mean 'tagblatt-2020-01-01'?"),
    case("dangling-author", Edit(CLAIM, "authors: [anna]", "authors: [carla]"),
         "content/claims/rathaus-blau.yml:23: authors[0]: no person with id 'carla'; known: anna, ben"),
    case("claimant-file-deleted", Delete("claimants/tagblatt.yml"),
         "content/articles/tagblatt-2020-01-01.yml:3: outlet: no claimant with id 'tagblatt'; known: (none)",
         "content/claims/rathaus-blau.yml:7: claim.claimant: no claimant with id 'tagblatt'; known: (none)",
         "content/claims/regen-zwoelf-stunden.yml:9: claim.claimant: no claimant with id 'tagblatt'; known: (none)",
         "content/claims/sonne-drei-stunden.yml:7: claim.claimant: no claimant with id 'tagblatt'; known: (none)",
         "content/claims/strassen-trocken.yml:7: claim.claimant: no claimant with id 'tagblatt'; known: (none)"),
    case("directory-named-like-a-record", Mkdir("claims/ordner.yml"),
         "content/claims/ordner.yml: -: is not a regular file; record files are YAML text files"),
    # --- quotes --------------------------------------------------------------------------------------------
    case("quote-not-in-article", Edit(CLAIM, "quote: Das Rathaus ist blau.", "quote: Das Rathaus ist grün."),
         "content/claims/rathaus-blau.yml:11: claim.appearances[0].quote: quote not found in the text of article "
         "'tagblatt-2020-01-01'; copy the passage verbatim from the article (same quotes, spaces and line breaks)"),
    case("overlapping-quotes",
         # regen-zwoelf-stunden quotes "regnete es in der ganzen Stadt zwölf Stunden lang" (article line 8)
         Edit(CLAIM, "quote: Das Rathaus ist blau.", "quote: Stadt zwölf Stunden lang."),
         "content/claims/rathaus-blau.yml:11: claim.appearances[0].quote: passage overlaps the quote of claim "
         "'regen-zwoelf-stunden' in article 'tagblatt-2020-01-01'; "
         "each checked passage must be marked once; shorten one quote"),
    case("three-overlapping-quotes",
         # one long quote holding two short ones that do not touch each other: both are caught, not
         # only the one next to the long quote
         (Edit(CLAIM, "quote: Das Rathaus ist blau.", "quote: Die Sonne schien danach noch drei Stunden. Das Rathaus ist blau."),
          Edit(SONNE, "quote: Die Sonne schien danach noch drei Stunden.", "quote: drei Stunden."),
          Edit("claims/regen-zwoelf-stunden.yml", "quote: regnete es in der ganzen Stadt zwölf Stunden lang",
               "quote: Rathaus ist")),
         "content/claims/sonne-drei-stunden.yml:11: claim.appearances[0].quote: passage overlaps the quote of claim "
         "'rathaus-blau' in article 'tagblatt-2020-01-01'; each checked passage must be marked once; shorten one quote",
         "content/claims/regen-zwoelf-stunden.yml:13: claim.appearances[0].quote: passage overlaps the quote of claim "
         "'rathaus-blau' in article 'tagblatt-2020-01-01'; each checked passage must be marked once; shorten one quote"),
    case("reserved-ids",
         # 'index' would be the listing's own page (claims/index.md, topics/index.md)
         (Write("claims/index.yml", (MINI / CLAIM).read_text(encoding="utf-8").replace("id: rathaus-blau", "id: index")
                .replace("quote: Das Rathaus ist blau.", "quote: Am Neujahrstag")),
          Edit(TOPICS, "    label: {de: Stadt, en: City}", "    label: {de: Stadt, en: City}\n  - id: index\n"
               "    label: {de: Index, en: Index}")),
         "content/claims/index.yml:1: id: 'index' is reserved; choose another id",
         "content/topics.yml:7: topics[2].id: 'index' is reserved; choose another"),
    case("unknown-topic", Edit(CLAIM, "topics: [stadt]", "topics: [stadt, wettr]"),
         "content/claims/rathaus-blau.yml:21: topics[1]: no topic with id 'wettr'; did you mean 'wetter'?"),
    # --- URLs and dates ------------------------------------------------------------------------------------
    *[case(f"evidence-url-{name}", Edit(CLAIM, "url: https://example.org/archiv/rathaus", f"url: {url}"),
           f"content/claims/rathaus-blau.yml:18: evidence[0].url: {url!r} is not an http(s) URL; {URL_HINT}")
      for name, url in [("javascript", "javascript:alert(1)"), ("ftp", "ftp://x")]],
    case("date-impossible", Edit(CLAIM, "published: 2020-02-03", "published: 2017-13-45"),
         "content/claims/rathaus-blau.yml:24: published: '2017-13-45' is not a valid calendar date "
         f"(month must be in 1..12); {DATE_HINT}"),
    case("date-not-iso", Edit(CLAIM, "published: 2020-02-03", "published: 01.02.2020"),
         f"content/claims/rathaus-blau.yml:24: published: '01.02.2020' is not an ISO date (YYYY-MM-DD); {DATE_HINT}"),
    case("updated-before-published", Edit(SONNE, "updated: 2020-02-03", "updated: 2020-02-01"),
         "content/claims/sonne-drei-stunden.yml:23: updated: 2020-02-01 is before published 2020-02-02; "
         "'updated' must be on or after 'published'"),
]


def assert_refused(mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                   changes: tuple[Change, ...], lines: tuple[str, ...]) -> None:
    """``check`` after ``changes`` exits 1 printing every one of ``lines``, and ``render`` writes nothing."""
    code, err = check(mini, capsys, monkeypatch, *changes)
    assert code == 1, err
    assert "Traceback" not in err
    printed = err.splitlines()
    for line in lines:
        assert line in printed, f"expected line not printed:\n  {line}\nstderr was:\n{err}"
    assert printed[-1].endswith("found; nothing was written.")
    # The same input stops `render` too, before anything is written.
    out = mini.parent / "rendered"
    render_code, _out, render_err = run_cli(capsys, "--content", str(mini), "render", str(out))
    assert render_code == 1 and "Traceback" not in render_err
    assert not out.exists()


@pytest.mark.parametrize(("changes", "lines"), CASES)
def test_error_line(mini: Path, capsys, monkeypatch, changes: tuple[Change, ...], lines: tuple[str, ...]) -> None:
    assert_refused(mini, capsys, monkeypatch, changes, lines)
    assert sorted(p.name for p in mini.parent.iterdir()) == ["content"]


def test_all_problems_reported_together_sorted(mini: Path, capsys, monkeypatch) -> None:
    """Problems in five files, introduced out of order, come back in one report sorted by file and line."""
    code, err = check(
        mini, capsys, monkeypatch,
        Edit(VERDICTS, 'colour: "#2e7d32"', "colour: green"),
        Edit(TOPICS, "- id: stadt", "- id: stadt: x"),
        Edit(CLAIM, "summary:", "sumary:"),
        Edit(CLAIM, "title: Ist das Rathaus blau?", "title: 20240425"),
        Edit("people/ben.yml", "role: Schlussredaktion\n", ""),
        Edit(ARTICLE, "date: 2020-01-01", "date: 2020-02-30"),
    )
    assert code == 1
    assert err.splitlines() == [
        "content/articles/tagblatt-2020-01-01.yml:5: date: '2020-02-30' is not a valid calendar date "
        f"(day is out of range for month); {DATE_HINT}",
        "content/claims/rathaus-blau.yml:1: summary: required field is missing; "
        "add 'summary:' (see README 'Writing a record')",
        "content/claims/rathaus-blau.yml:3: title: expected text, got int 20240425; put the value in quotes",
        "content/claims/rathaus-blau.yml:13: sumary: unknown field; did you mean 'summary'?",
        "content/people/ben.yml:1: role: required field is missing; add 'role:' (see README 'Writing a record')",
        "content/topics.yml:5: -: invalid YAML, column 14: mapping values are not allowed in this context; "
        "check indentation (spaces, not tabs) and quoting",
        "content/verdicts.yml:7: verdicts[0].colour: 'green' is not a colour of the form #rrggbb; e.g. '#1b5e20'",
        "7 problems found; nothing was written.",
    ]

