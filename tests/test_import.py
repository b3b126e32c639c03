"""``factcheck import claimreview``: messy ClaimReview JSON in, valid records out, and back out again
as ClaimReview JSON-LD (read by extruct, not by our own code) with the essential facts unchanged."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import extruct
import pytest
import yaml

from generator import importer
from generator.model import VerdictScale
from tests.conftest import run_cli
from tests.minisite import build_content

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "claimreview"
FEED = FIXTURES / "feed.json"
SINGLE = FIXTURES / "single.json"
LIST = FIXTURES / "list.json"
GRAPH = FIXTURES / "graph.json"

BRUECKE = "die-neue-bruecke-ueber-die-oehle-kostet-fuenf"
FREIBAD = "das-freibad-bleibt-den-ganzen-sommer-geschlossen"
BUSSE = "im-mai-fallen-alle-busse-aus"
TRAM = "tram-tickets-will-cost-ten-euros-from-next"
SONNE = "am-neujahrstag-schien-die-sonne-zwoelf-stunden-lang"
BAHNHOF = "der-bahnhof-wird-abgerissen"
TODAY = "2026-11-27"
"""The import date every test passes (--published): new records' 'published'."""

FEED_OUT = [
    "created content/claimants/erika-mustermann.yml",
    "created content/claimants/stadtwerke-beispielstadt.yml",
    "created content/claimants/unbekannt.yml",
    "created content/claimants/max-muster.yml",
    f"created content/claims/{BRUECKE}.yml",
    f"created content/claims/{FREIBAD}.yml",
    f"created content/claims/{BUSSE}.yml",
    f"created content/claims/{TRAM}.yml",
    f"created content/claims/{BAHNHOF}.yml",  # no appearance URL: an offline appearance now
    "skipped dataFeedElement[3].item[0]: empty claimReviewed",
    "5 reviews: 5 created; 4 claimants created, 1 skipped",
]


@pytest.fixture
def site(mini: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini content tree, with the working directory beside it so paths print as content/…"""
    monkeypatch.chdir(mini.parent)
    return mini


def run_import(capsys: pytest.CaptureFixture[str], source: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "--content", "content", "import", "claimreview", str(source), "--published", TODAY, *extra)


def snapshot(content: Path) -> dict[str, str]:
    """Every file under ``content`` with a hash of its bytes: equal snapshots mean nothing was touched."""
    return {str(p.relative_to(content)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(content.rglob("*")) if p.is_file()}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------- a messy feed

def test_feed_import_reports_every_file_and_skip(site: Path, capsys) -> None:
    code, out, err = run_import(capsys, FEED, "--author", "anna", "--reviewer", "ben", "--status", "published")
    assert code == 0, err
    assert out.splitlines() == FEED_OUT
    assert err == ""


def test_imported_feed_passes_check(site: Path, capsys) -> None:
    assert run_import(capsys, FEED, "--author", "anna", "--reviewer", "ben", "--status", "published")[0] == 0
    code, out, err = run_cli(capsys, "--content", "content", "check")
    assert code == 0, err
    assert out.startswith("ok: 9 claims (1 draft, 8 published), 5 claimants")


def test_feed_records_hold_what_the_reviews_say(site: Path, capsys) -> None:
    run_import(capsys, FEED, "--author", "anna")
    claims = site / "claims"
    text = (claims / f"{BRUECKE}.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/claim.schema.json\n")

    bruecke = load(claims / f"{BRUECKE}.yml")
    assert bruecke["status"] == "draft"  # the default: an editor reviews every import
    assert bruecke["claim"]["text"] == "Die neue Brücke über die Öhle kostet fünf Millionen Euro mehr als geplant."
    assert bruecke["claim"]["language"] == "de"  # from 'de-DE'
    assert bruecke["claim"]["claimant"] == "erika-mustermann"
    assert str(bruecke["claim"]["date"]) == "2020-10-05"
    assert "date_note" not in bruecke["claim"]
    assert bruecke["claim"]["appearances"] == [  # list of a CreativeWork (angle brackets dropped) and a bare URL
        {"url": "https://example.net/posts/123", "title": "Brücke wird viel teurer", "date": "2020-10-05"},
        {"url": "https://example.net/posts/124"},
    ]
    assert bruecke["verdict"] == "falsch"  # by label
    assert bruecke["summary"] == "Laut Haushaltsplan liegen die Mehrkosten bei 1,2 Millionen Euro."
    assert "Prüfstelle Nord" in bruecke["analysis"]
    assert "https://example.com/faktencheck/bruecke-mehrkosten" in bruecke["analysis"]
    assert "„Falsch“, Wert 1 (beste Stufe 5, schlechteste 1)" in bruecke["analysis"]
    assert bruecke["evidence"] == [{"title": "Kostet die Brücke fünf Millionen mehr?", "publisher": "Prüfstelle Nord",
                                    "url": "https://example.com/faktencheck/bruecke-mehrkosten",
                                    "date": "2020-10-07"}]  # the review's date, from '2020-10-07 20:05'
    assert bruecke["authors"] == ["anna"] and bruecke["topics"] == [] and bruecke["related"] == []
    assert str(bruecke["published"]) == TODAY  # ours: the day of the import
    assert bruecke["imported"]["url"] == "https://example.com/faktencheck/bruecke-mehrkosten"
    assert len(bruecke["imported"]["digest"]) == 64

    freibad = load(claims / f"{FREIBAD}.yml")
    assert freibad["verdict"] == "falsch"  # 'Fake' is not ours; value 5 on an inverted scale (best 1, worst 5)
    assert freibad["summary"] == "Bewertung von Prüfstelle Nord: „Fake“."
    assert "„Fake“, Wert 5 (beste Stufe 1, schlechteste 5)" in freibad["analysis"]
    assert freibad["claim"]["claimant"] == "stadtwerke-beispielstadt"  # itemReviewed typed CreativeWork
    assert freibad["claim"]["appearances"] == [{"url": "https://example.org/stadtwerke/mitteilung-7",
                                                "title": "Mitteilung 7"}]
    assert str(freibad["evidence"][0]["date"]) == "2021-03-04"  # from a full ISO datetime
    assert freibad["evidence"][0]["title"] == "ClaimReview von Prüfstelle Nord"

    busse = load(claims / f"{BUSSE}.yml")
    assert busse["claim"]["claimant"] == "tagblatt"  # the bare string 'das  Tagblatt' matches 'Das Tagblatt'
    assert busse["verdict"] == "unbelegt"  # unknown label, -1 everywhere: unrated
    assert "nicht bewertet (-1)" in busse["analysis"]
    assert str(busse["claim"]["date"]) == "2021-05-03" and busse["claim"]["date_note"]  # the review's date, said so

    tram = load(claims / f"{TRAM}.yml")
    assert tram["verdict"] == "teils-richtig"  # 3 of 1..5 is the middle of our 1..3
    assert tram["claim"]["language"] == "en"
    assert tram["claim"]["claimant"] == "unbekannt"
    assert tram["claim"]["appearances"] == [{"url": "https://example.net/tram"}]  # firstAppearance only

    bahnhof = load(claims / f"{BAHNHOF}.yml")  # no appearance at all: said somewhere, by someone, on a date
    assert bahnhof["claim"]["appearances"] == [{"medium": "other", "name": "Max Muster", "date": "2021-07-01"}]
    assert bahnhof["claim"]["claimant"] == "max-muster"


def test_new_claimants_say_only_what_the_review_says(site: Path, capsys) -> None:
    run_import(capsys, FEED, "--author", "anna")
    claimants = site / "claimants"
    assert (claimants / "erika-mustermann.yml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/claimant.schema.json\n")
    assert load(claimants / "erika-mustermann.yml") == {
        "id": "erika-mustermann", "name": "Erika Mustermann", "kind": "person",
        "url": "https://example.net/erika", "description": "Importiert aus ClaimReview."}
    assert load(claimants / "stadtwerke-beispielstadt.yml")["kind"] == "organisation"
    assert load(claimants / "unbekannt.yml") == {"id": "unbekannt", "name": "Unbekannt", "kind": "organisation",
                                                "description": "Importiert aus ClaimReview."}
    assert load(claimants / "tagblatt.yml")["description"] == "Eine erfundene Zeitung für Tests."  # untouched


# ------------------------------------------------------------------------------- other shapes

def test_single_object_exact_output(site: Path, capsys) -> None:
    code, out, err = run_import(capsys, SINGLE, "--author", "ben")
    assert code == 0, err
    assert out == (f"created content/claims/{SONNE}.yml\n"
                   "1 review: 1 created; 0 claimants created, 0 skipped\n")
    record = load(site / "claims" / f"{SONNE}.yml")
    assert record["verdict"] == "richtig"  # 'true' matches the English label case-insensitively
    assert record["claim"]["claimant"] == "tagblatt"  # 'DAS TAGBLATT'
    assert record["claim"]["appearances"] == [{"url": "https://example.org/tagblatt/2020-01-01"}]
    assert record["authors"] == ["ben"]


def test_list_with_the_same_claim_twice_numbers_the_second(site: Path, capsys) -> None:
    code, out, err = run_import(capsys, LIST, "--author", "anna")
    assert code == 0, err
    assert out.splitlines() == [
        "created content/claimants/erika-mustermann.yml",  # once, though two reviews name her
        "created content/claims/die-stadtbibliothek-schliesst-am-sonntag.yml",
        "created content/claims/die-stadtbibliothek-schliesst-am-sonntag-2.yml",
        "2 reviews: 2 created; 1 claimant created, 0 skipped",
    ]
    second = load(site / "claims" / "die-stadtbibliothek-schliesst-am-sonntag-2.yml")
    assert second["verdict"] == "falsch"  # "1,5" on 1..5 → 1.25 on 1..3
    assert second["claim"]["claimant"] == "erika-mustermann"
    assert second["evidence"][0]["title"] == "Stadtbibliothek: sonntags offen"  # headline
    assert second["evidence"][0]["publisher"] == "Faktenlabor Süd"


def test_graph_references_are_followed(site: Path, capsys) -> None:
    code, out, err = run_import(capsys, GRAPH, "--author", "anna")
    assert code == 0, err
    record = load(site / "claims" / "der-wochenmarkt-zieht-auf-den-schlossplatz.yml")
    assert record["claim"]["claimant"] == "stadtrat-beispielstadt"
    assert str(record["claim"]["date"]) == "2022-05-30"
    assert record["evidence"][0]["url"] == "https://example.com/faktencheck/markt"  # @id without its fragment
    assert record["evidence"][0]["publisher"] == "Prüfstelle Nord"
    assert record["verdict"] == "richtig"


def test_text_without_ascii_gets_a_hashed_id(site: Path, capsys, tmp_path: Path) -> None:
    review = json.loads(SINGLE.read_text(encoding="utf-8"))
    review["claimReviewed"] = "市长说桥是蓝色的"
    source = tmp_path / "zh.json"
    source.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_import(capsys, source, "--author", "anna")
    assert code == 0, err
    expected = "claim-" + hashlib.sha1(review["url"].encode()).hexdigest()[:8]
    assert f"created content/claims/{expected}.yml" in out.splitlines()


# ------------------------------------------------------------------------------- re-import

def test_reimport_keeps_the_editors_record(site: Path, capsys) -> None:
    assert run_import(capsys, SINGLE, "--author", "anna")[0] == 0
    target = site / "claims" / f"{SONNE}.yml"
    target.write_text(target.read_text(encoding="utf-8").replace("status: draft", "status: review"), encoding="utf-8")
    before = snapshot(site)
    for extra in ((), ("--force",)):  # the review is the same: --force has nothing to update
        code, out, err = run_import(capsys, SINGLE, "--author", "anna", "--published", "2026-12-01", *extra)
        assert code == 0, err
        assert out.splitlines() == [f"unchanged content/claims/{SONNE}.yml",
                                    "1 review: 0 created, 1 unchanged; 0 claimants created, 0 skipped"]
        assert snapshot(site) == before


def _changed_single(tmp: Path) -> Path:
    review = json.loads(SINGLE.read_text(encoding="utf-8"))
    review["reviewRating"] = {"@type": "Rating", "alternateName": "Falsch"}
    review["claimReviewed"] = "Am Neujahrstag schien die Sonne <b>zwölf</b> Stunden lang."
    source = tmp / "single-changed.json"
    source.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    return source


def test_changed_review_is_reported_and_kept_without_force(site: Path, capsys) -> None:
    assert run_import(capsys, SINGLE, "--author", "anna")[0] == 0
    before = snapshot(site)
    code, out, err = run_import(capsys, _changed_single(site.parent), "--author", "anna")
    assert code == 0, err
    assert out.splitlines() == [
        f"changed content/claims/{SONNE}.yml: the review changed since it was imported (use --force to update the record)",
        "1 review: 0 created, 1 changed; 0 claimants created, 0 skipped"]
    assert snapshot(site) == before


def test_force_updates_a_changed_review_and_keeps_the_editors_fields(site: Path, capsys) -> None:
    assert run_import(capsys, SINGLE, "--author", "anna")[0] == 0
    target = site / "claims" / f"{SONNE}.yml"
    text = target.read_text(encoding="utf-8").replace("status: draft", "status: review")
    target.write_text(text.replace("topics: []", "topics: [wetter]"), encoding="utf-8")
    code, out, err = run_import(capsys, _changed_single(site.parent), "--author", "anna", "--force",
                                "--published", "2026-12-01")
    assert code == 0, err
    assert out.splitlines() == [f"updated content/claims/{SONNE}.yml",
                                "1 review: 0 created, 1 updated; 0 claimants created, 0 skipped"]
    record = load(target)
    assert record["verdict"] == "falsch"  # from the changed review
    assert record["claim"]["text"] == "Am Neujahrstag schien die Sonne zwölf Stunden lang."
    assert record["status"] == "draft"  # the source changed: an editor looks again
    assert record["topics"] == ["wetter"]  # the editor's
    assert (str(record["published"]), str(record["updated"])) == (TODAY, "2026-12-01")
    assert not [p for p in (site / "claims").iterdir() if p.suffix != ".yml"], "no temporary files left behind"
    assert run_cli(capsys, "--content", "content", "check")[0] == 0


def test_importing_twice_creates_nothing(site: Path, capsys) -> None:
    assert run_import(capsys, FEED, "--author", "anna")[0] == 0
    first = snapshot(site)
    code, out, err = run_import(capsys, FEED, "--author", "anna", "--force", "--published", "2027-01-01")
    assert code == 0, err
    assert snapshot(site) == first  # same files, same bytes; known claimants are reused, not duplicated
    assert out.splitlines()[-1] == "5 reviews: 0 created, 5 unchanged; 0 claimants created, 1 skipped"


def test_dry_run_writes_nothing(site: Path, capsys) -> None:
    before = snapshot(site)
    code, out, err = run_import(capsys, FEED, "--author", "anna", "--dry-run")
    assert code == 0, err
    assert out.splitlines() == FEED_OUT + ["dry run: nothing was written"]
    assert snapshot(site) == before


# ------------------------------------------------------------------------------- authors

def test_author_must_be_named_when_there_are_several_people(site: Path, capsys) -> None:
    before = snapshot(site)
    code, out, err = run_import(capsys, SINGLE)
    assert code == 1 and out == ""
    assert err.splitlines()[0] == ("content/people: --author: 2 people in content/people; the importer cannot choose "
                                   "the author; pass --author PERSON_ID (one of: anna, ben)")
    assert snapshot(site) == before


def test_unknown_author_is_refused(site: Path, capsys) -> None:
    code, _, err = run_import(capsys, SINGLE, "--author", "carla")
    assert code == 1
    assert "content/people: --author: no person with id 'carla'; known: anna, ben" in err


def test_published_needs_a_reviewer(site: Path, capsys) -> None:
    before = snapshot(site)
    code, out, err = run_import(capsys, SINGLE, "--author", "anna", "--reviewer", "anna", "--status", "published")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == ("content/people: --reviewer: a published claim needs a reviewer who is not its "
                                   "author; pass --reviewer PERSON_ID, or import with --status draft/review")
    assert snapshot(site) == before
    assert run_import(capsys, SINGLE, "--author", "anna", "--reviewer", "ben", "--status", "published")[0] == 0
    record = load(site / "claims" / f"{SONNE}.yml")
    assert (record["status"], record["authors"], record["reviewers"]) == ("published", ["anna"], ["ben"])


def test_the_only_person_is_the_author_by_default(site: Path, capsys) -> None:
    (site / "people" / "ben.yml").unlink()
    for claim in (site / "claims").glob("*.yml"):  # ben reviewed mini's published claims
        text = claim.read_text(encoding="utf-8")
        claim.write_text(text.replace("reviewers: [ben]", "reviewers: []"), encoding="utf-8")
    with (site / "site.yml").open("a", encoding="utf-8") as handle:
        handle.write("require_review: false\n")
    assert run_import(capsys, SINGLE)[0] == 0
    assert load(site / "claims" / f"{SONNE}.yml")["authors"] == ["anna"]


# ------------------------------------------------------------------------------- bad input

BAD_INPUTS = {
    "not-json": ('{\n  "@type": "ClaimReview",\n  "claimReviewed": "x",,\n}\n',
                 "bad.json:3: -: not valid JSON, column 24: Expecting property name enclosed in double quotes; "),
    "number": ("42\n", "bad.json: -: the JSON is a number, not an object or a list; "),
    "no-claimreview": ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Hallo"}',
                       "bad.json: -: no ClaimReview found; "),
    "no-claimreviewed": (json.dumps({"@type": "ClaimReview", "url": "https://example.com/x",
                                     "datePublished": "2020-01-01", "reviewRating": {"alternateName": "Falsch"},
                                     "itemReviewed": {"appearance": "https://example.net/y"}}),
                         "bad.json: claimReviewed: empty claimReviewed; "),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_an_error_and_writes_nothing(site: Path, capsys, case: str) -> None:
    text, expected = BAD_INPUTS[case]
    source = site.parent / "bad.json"
    source.write_text(text, encoding="utf-8")
    before = snapshot(site)
    code, out, err = run_import(capsys, source, "--author", "anna")
    assert code == 1 and out == ""
    assert expected in err
    assert err.rstrip().endswith("nothing was written.")
    assert "Traceback" not in err
    assert snapshot(site) == before


def test_missing_file(site: Path, capsys) -> None:
    code, _, err = run_import(capsys, site.parent / "nowhere.json", "--author", "anna")
    assert code == 1
    assert err.startswith("nowhere.json: -: file not found; ")


def test_all_reviews_unusable_lists_every_reason(site: Path, capsys) -> None:
    reviews = [{"@type": "ClaimReview", "claimReviewed": "Ohne Adresse.", "datePublished": "2020-01-01",
                "itemReviewed": {"appearance": "https://example.net/a"}},
               {"@type": "ClaimReview", "claimReviewed": "Ohne Datum.", "url": "https://example.com/b",
                "itemReviewed": {"appearance": "https://example.net/b"}},
               {"@type": "ClaimReview", "claimReviewed": "Ohne Fundstelle.", "url": "https://example.com/c",
                "datePublished": "2020-01-01", "itemReviewed": {"appearance": "ftp://example.net/c"}}]
    source = site.parent / "bad.json"
    source.write_text(json.dumps(reviews), encoding="utf-8")
    before = snapshot(site)
    code, out, err = run_import(capsys, source, "--author", "anna")
    assert code == 1 and out == ""
    assert err.splitlines()[:4] == [
        "bad.json: -: none of the 3 ClaimReviews can be imported; each reason is listed below",
        "bad.json: [0].url: no http(s) url of the review; the review's url becomes the claim's evidence",
        "bad.json: [1].datePublished: no datePublished (YYYY-MM-DD…) of the review; "
        "the review's date becomes the record's 'published'",
        "bad.json: [2].itemReviewed.appearance: no appearance: no http(s) URL and no name of where the claim was "
        "made; give the claim an appearance URL, or itemReviewed.name or an author (the offline appearance's name)",
    ]
    assert snapshot(site) == before


def test_failed_validation_names_the_real_targets_and_writes_nothing(site: Path, capsys,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    original = importer.claim_record

    def broken(*args, **kwargs):  # stands in for any record the model would refuse
        return original(*args, **kwargs) | {"verdict": "falsch-ish"}

    monkeypatch.setattr(importer, "claim_record", broken)
    before = snapshot(site)
    code, out, err = run_import(capsys, SINGLE, "--author", "anna")
    assert code == 1 and out == ""
    assert err.startswith(f"content/claims/{SONNE}.yml:")
    assert "'falsch-ish' is not a verdict" in err
    assert "factcheck-import-" not in err  # no temporary path
    assert snapshot(site) == before


# ------------------------------------------------------------------------------- units

SCALE = VerdictScale.model_validate(yaml.safe_load((Path(__file__).parent / "fixtures" / "mini" / "verdicts.yml")
                                                   .read_text(encoding="utf-8")))


@pytest.mark.parametrize(("rating", "expected"), [
    ({"alternateName": "FALSCH"}, ("falsch", "label")),
    ({"alternateName": "Half true"}, ("teils-richtig", "label")),
    ({"alternateName": "teils-richtig"}, ("teils-richtig", "label")),
    ({"ratingValue": "5", "bestRating": "1", "worstRating": "5"}, ("falsch", "number")),
    ({"ratingValue": "1", "bestRating": "1", "worstRating": "5"}, ("richtig", "number")),
    ({"ratingValue": 4.6}, ("richtig", "number")),  # schema.org's default bounds 1..5
    ({"ratingValue": "-1", "bestRating": "-1", "worstRating": "-1"}, ("unbelegt", "fallback")),
    ({"ratingValue": "3", "bestRating": "3", "worstRating": "3"}, ("unbelegt", "fallback")),
    ({"ratingValue": "NaN", "bestRating": "5", "worstRating": "1"}, ("unbelegt", "fallback")),
    ({"ratingValue": "9", "bestRating": "5", "worstRating": "1"}, ("richtig", "number")),  # clamped to the best
    ({}, ("unbelegt", "fallback")),
])
def test_pick_verdict(rating: dict, expected: tuple[str, str]) -> None:
    assert importer.pick_verdict(SCALE, importer._rating(rating)) == expected


@pytest.mark.parametrize(("text", "slug"), [
    ("Größte Übung für Ärzte im Café", "groesste-uebung-fuer-aerzte-im-cafe"),
    ("  Eins, zwei; drei!  vier fünf sechs sieben acht neun zehn", "eins-zwei-drei-vier-fuenf-sechs-sieben-acht"),
    ("Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellungsbetriebsleiterstellvertreter sagt",
     "donaudampfschifffahrtsgesellschaftskapitaensmuetzenabzeichenherstellungsbetriebs"),
    ("„—“", ""),
])
def test_slugify(text: str, slug: str) -> None:
    assert importer.slugify(text) == slug
    assert len(importer.slugify(text)) <= 80


@pytest.mark.parametrize(("value", "expected"), [
    ("2020-10-07 20:05", "2020-10-07"), ("2020-10-07T20:05:00+02:00", "2020-10-07"), ("2020-10-07", "2020-10-07"),
    ("7.10.2020", "2020-10-07"), ("2020-02-30", None), ("October 7", None), (None, None), (20201007, None),
])
def test_dates(value: object, expected: str | None) -> None:
    result = importer._date(value)
    assert (result.isoformat() if result else None) == expected


# ------------------------------------------------------------------------------- round trip

def _json_ld(page: Path, url: str) -> list[dict]:
    data = extruct.extract(page.read_text(encoding="utf-8"), base_url=url, syntaxes=["json-ld"], uniform=False)
    return data["json-ld"]


def test_round_trip_through_the_built_site(mini: Path, tmp_path: Path, capsys) -> None:
    content = tmp_path / "roundtrip" / "content"
    shutil.copytree(mini, content)
    code, _, err = run_cli(capsys, "--content", str(content), "import", "claimreview", str(FEED), "--published", TODAY,
                           "--author", "anna", "--reviewer", "ben", "--status", "published")
    assert code == 0, err
    site = build_content(content, tmp_path / "build")
    feed = json.loads(FEED.read_text(encoding="utf-8"))
    originals = {r["claimReviewed"]: r for e in feed["dataFeedElement"] if e["item"]
                 for r in (e["item"] if isinstance(e["item"], list) else [e["item"]])}
    # claim id → (verdict label as published, claim author, an appearance url)
    expected = {
        BRUECKE: ("Falsch", "Erika Mustermann", "https://example.net/posts/123"),
        FREIBAD: ("Falsch", "Stadtwerke Beispielstadt", "https://example.org/stadtwerke/mitteilung-7"),
        BUSSE: ("Unbelegt", "Das Tagblatt", "https://example.org/tagblatt/2021-05-01"),
        TRAM: ("Teils richtig", "Unbekannt", "https://example.net/tram"),
    }
    for claim_id, (label, author, appearance) in expected.items():
        url = f"http://127.0.0.1:8000/claims/{claim_id}/"
        blocks = _json_ld(site / "claims" / claim_id / "index.html", url)
        assert len(blocks) == 1, claim_id
        review = blocks[0]
        original = originals[review["claimReviewed"]]  # claimReviewed survives verbatim
        assert review["reviewRating"]["alternateName"] == label
        if original["reviewRating"].get("alternateName") in ("Falsch", "Richtig", "Unbelegt", "Teils richtig"):
            assert review["reviewRating"]["alternateName"] == original["reviewRating"]["alternateName"]
        assert review["itemReviewed"]["author"]["name"] == author
        assert appearance in [a["url"] for a in review["itemReviewed"]["appearance"]]
        assert review["datePublished"] == TODAY  # ours; the original's is on the evidence entry
        assert review["itemReviewed"]["datePublished"] == (original["itemReviewed"].get("datePublished")
                                                           or original["datePublished"])[:10]


def test_renamed_import_is_found_by_its_review_url(site: Path, capsys) -> None:
    assert run_import(capsys, SINGLE, "--author", "anna")[0] == 0
    old = site / "claims" / f"{SONNE}.yml"
    new = site / "claims" / "sonne-neujahr.yml"
    text = old.read_text(encoding="utf-8").replace(f"id: {SONNE}", "id: sonne-neujahr")
    new.write_text(text + f"aliases: [{SONNE}]\n", encoding="utf-8")
    old.unlink()
    before = snapshot(site)
    code, out, err = run_import(capsys, SINGLE, "--author", "anna", "--force")
    assert code == 0, err
    assert out.splitlines()[0] == "unchanged content/claims/sonne-neujahr.yml"
    assert snapshot(site) == before


def test_a_new_review_never_takes_an_existing_records_id(site: Path, capsys, tmp_path: Path) -> None:
    assert run_import(capsys, SINGLE, "--author", "anna")[0] == 0
    review = json.loads(SINGLE.read_text(encoding="utf-8"))
    review["url"] = "https://example.org/anderer-faktencheck/sonne"  # another review of the same claim
    source = tmp_path / "other.json"
    source.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_import(capsys, source, "--author", "anna", "--force")
    assert code == 0, err
    assert out.splitlines()[0] == f"created content/claims/{SONNE}-2.yml"


@pytest.mark.parametrize(("text", "title"), [
    ("Alles ist <b>gut</b>", "Alles ist gut"),  # leaked markup goes with its tag name
    ("Brücke wird <viel> teurer", "Brücke wird viel teurer"),  # an unknown <word> may be text: only brackets go
    ("a < b\nund c > d", "a b und c d"),
    ("x" * 400, "x" * 299 + "…"),
])
def test_titles_are_one_line_without_angle_brackets(text: str, title: str) -> None:
    assert importer._line(text) == title


# ------------------------------------------------------------------------------- a newsroom's feed

NEWSROOM = FIXTURES / "newsroom.json"
"""A DataFeed with a BOM and an @graph: a claim said in parliament (no URL), one said on TV (a
TVEpisode without URL), a post with HTML and a script in its claim text, the same review twice, and
an Arabic claim with an unrated (-1) review."""
RENTE = "die-rente-wurde-seit-2010-nicht-erhoeht"
MIETEN = "die-mieten-haben-sich-in-zehn-jahren-verdoppelt"
IMPF = "der-impfstoff-veraendert-das-erbgut-das-sagen-alle"
JISR = "claim-" + hashlib.sha1(b"https://example.org/tahaqquq/jisr").hexdigest()[:8]
NEWSROOM_OUT = [
    "created content/claimants/erika-mustermann.yml",
    "created content/claimants/max-muster.yml",
    "created content/claimants/impfkritik-kanal.yml",
    f"created content/claims/{RENTE}.yml",
    f"created content/claims/{MIETEN}.yml",
    f"created content/claims/{IMPF}.yml",
    f"created content/claims/{JISR}.yml",
    "skipped dataFeedElement[3].item[0]: the same review as dataFeedElement[2].item[0] "
    "(https://example.com/faktencheck/impfstoff-post)",
    "4 reviews: 4 created; 3 claimants created, 1 skipped",
]


def _newsroom_records(content: Path) -> dict[str, dict]:
    return {cid: load(content / "claims" / f"{cid}.yml") for cid in (RENTE, MIETEN, IMPF, JISR)}


def test_newsroom_feed_records(site: Path, capsys) -> None:
    code, out, err = run_import(capsys, NEWSROOM, "--author", "anna")
    assert code == 0, err
    assert out.splitlines() == NEWSROOM_OUT
    records = _newsroom_records(site)
    rente, mieten, impf, jisr = (records[k] for k in (RENTE, MIETEN, IMPF, JISR))
    assert rente["claim"]["appearances"] == [{"medium": "other", "name": "Bundestag, 12. Sitzung", "date": "2024-01-31"}]
    assert mieten["claim"]["appearances"] == [{"medium": "tv", "name": "ZDF, Markus Lanz", "date": "2024-03-05"}]
    assert str(mieten["claim"]["date"]) == "2024-03-05" and "date_note" not in mieten["claim"]  # the broadcast's
    assert impf["claim"]["text"] == 'Der Impfstoff verändert das Erbgut. Das sagen "alle".'  # no tags, no script
    assert impf["title"] == 'Der Impfstoff verändert das Erbgut. Das sagen "alle".'
    assert impf["evidence"][0]["title"] == "Ein Beitrag über Impfstoffe"
    assert impf["claim"]["appearances"] == [{"url": "https://example.net/kanal/post/77", "title": "Der Impfstoff"}]
    assert (jisr["claim"]["text"], jisr["claim"]["language"]) == ("الجسر الجديد كلف خمسة ملايين يورو إضافية.", "ar")
    assert jisr["verdict"] == "unbelegt"
    assert {str(r["published"]) for r in records.values()} == {TODAY}
    assert [r["imported"]["url"] for r in records.values()] == [
        "https://example.com/faktencheck/rente-bundestag", "https://example.com/faktencheck/mieten-talkshow",
        "https://example.com/faktencheck/impfstoff-post", "https://example.org/tahaqquq/jisr"]


def test_newsroom_json_lines_are_the_same_reviews(site: Path, capsys, tmp_path: Path) -> None:
    feed = json.loads(NEWSROOM.read_text(encoding="utf-8-sig"))
    lines = [json.dumps(review, ensure_ascii=False) for element in feed["dataFeedElement"]
             for review in (element["item"]["@graph"] if "@graph" in element["item"] else element["item"])]
    source = tmp_path / "newsroom.jsonl"
    source.write_text("\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]) + "\n", encoding="utf-8")
    code, out, err = run_import(capsys, source, "--author", "anna")
    assert code == 0, err
    assert out.splitlines()[3:] == [
        f"created content/claims/{RENTE}.yml", f"created content/claims/{MIETEN}.yml",
        f"created content/claims/{IMPF}.yml", f"created content/claims/{JISR}.yml",
        "skipped line 6: the same review as line 4 (https://example.com/faktencheck/impfstoff-post)",
        "4 reviews: 4 created; 3 claimants created, 1 skipped"]
    first = snapshot(site)
    renamed = tmp_path / "newsroom-lines.json"  # JSON Lines under a .json name: read as lines all the same
    renamed.write_bytes(source.read_bytes())
    code, out, err = run_import(capsys, renamed, "--author", "anna")
    assert code == 0, err
    assert out.splitlines()[-1] == "4 reviews: 0 created, 4 unchanged; 0 claimants created, 1 skipped"
    code, out, err = run_import(capsys, NEWSROOM, "--author", "anna")  # the DataFeed: the same four reviews
    assert code == 0, err
    assert out.splitlines()[-1] == "4 reviews: 0 created, 4 unchanged; 0 claimants created, 1 skipped"
    assert snapshot(site) == first


def test_json_lines_error_names_the_line(site: Path, capsys, tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"@type": "ClaimReview"}\n{"@type": "ClaimReview",,}\n', encoding="utf-8")
    code, out, err = run_import(capsys, source, "--author", "anna")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == ("bad.jsonl:2: -: not valid JSON, column 25: Expecting property name enclosed in "
                                   "double quotes; the file must be ClaimReview JSON(-LD) or JSON Lines; "
                                   "check the syntax there")


def test_newsroom_round_trip_imported_twice_built_strictly_read_with_extruct(mini: Path, tmp_path: Path,
                                                                              capsys) -> None:
    content = tmp_path / "newsroom" / "content"
    shutil.copytree(mini, content)
    args = ("--content", str(content), "import", "claimreview", str(NEWSROOM), "--published", TODAY,
            "--author", "anna", "--reviewer", "ben", "--status", "published")
    code, _, err = run_cli(capsys, *args)
    assert code == 0, err
    first = snapshot(content)
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    shown = out.splitlines()
    assert [line.split()[0] for line in shown[:4]] == ["unchanged"] * 4
    assert [Path(line.split()[1]).stem for line in shown[:4]] == [RENTE, MIETEN, IMPF, JISR]
    assert shown[-1] == "4 reviews: 0 created, 4 unchanged; 0 claimants created, 1 skipped"
    assert snapshot(content) == first
    site = build_content(content, tmp_path / "build")

    def review_of(claim_id: str) -> dict:
        blocks = _json_ld(site / "claims" / claim_id / "index.html", f"http://127.0.0.1:8000/claims/{claim_id}/")
        assert len(blocks) == 1, claim_id
        return blocks[0]

    rente = review_of(RENTE)
    assert rente["itemReviewed"]["name"] == "Bundestag, 12. Sitzung"  # Google's claim location
    assert rente["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "name": "Bundestag, 12. Sitzung",
                                                    "datePublished": "2024-01-31"}]  # no url: none was given
    assert rente["itemReviewed"]["firstAppearance"] == rente["itemReviewed"]["appearance"][0]
    assert rente["datePublished"] == TODAY
    mieten = review_of(MIETEN)
    assert mieten["itemReviewed"]["name"] == "ZDF, Markus Lanz"
    assert mieten["itemReviewed"]["datePublished"] == "2024-03-05"
    impf = review_of(IMPF)
    assert impf["claimReviewed"] == 'Der Impfstoff verändert das Erbgut. Das sagen "alle".'
    assert impf["itemReviewed"]["appearance"][0]["url"] == "https://example.net/kanal/post/77"
    assert impf["itemReviewed"]["name"] == "Der Impfstoff"
    page = (site / "claims" / IMPF / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;" not in page and "&lt;script" not in page and "alert(1)" not in page
    jisr = review_of(JISR)
    assert jisr["claimReviewed"] == "الجسر الجديد كلف خمسة ملايين يورو إضافية."
    assert jisr["itemReviewed"]["inLanguage"] == "ar"
    assert jisr["reviewRating"]["alternateName"] == "Unbelegt" and "ratingValue" not in jisr["reviewRating"]
    # One page per review: the duplicate made no second record.
    assert not list((site / "claims").glob(f"{IMPF}-2*"))
