"""ClaimReview JSON-LD, the ClaimReview feed, claims.json and the Atom feed, read back by real
consumers (extruct for JSON-LD, feedparser for Atom), not by the code that wrote them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import extruct
import feedparser
import pytest
import yaml

from generator.pipeline import build_site
from tests.browser import browser, serve
from tests.conftest import MINI, ROOT, edit
from tests.minisite import build_content
from tests.sitebuild import build_repo_site

SITE_URL = "http://127.0.0.1:8000/"
CLAIMS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content" / "claims").glob("*.yml"))}
SCALE = yaml.safe_load((ROOT / "content" / "verdicts.yml").read_text(encoding="utf-8"))
VERDICTS = {v["key"]: v for v in SCALE["verdicts"]}
HOSTILE = "Er sagte </script><script>alert(1)</script> und <!-- das & mehr"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("repo"))


def json_ld(page: Path, url: str) -> list[dict]:
    data = extruct.extract(page.read_text(encoding="utf-8"), base_url=url, syntaxes=["json-ld"], uniform=False)
    return data["json-ld"]


@pytest.mark.parametrize("claim_id", sorted(CLAIMS))
def test_every_claim_page_has_one_complete_claimreview(site: Path, claim_id: str) -> None:
    url = f"{SITE_URL}claims/{claim_id}/"
    blocks = json_ld(site / "claims" / claim_id / "index.html", url)
    assert len(blocks) == 1, "a page is eligible for a fact-check result only with exactly one ClaimReview"
    review = blocks[0]
    record = CLAIMS[claim_id]
    verdict = VERDICTS[record["verdict"]]
    # REQUIRED
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == record["claim"]["text"]
    assert review["url"] == url
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == verdict["label"]["de"]
    # RECOMMENDED
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    assert review["datePublished"] == str(record["published"])
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Organization", "name": "SouthFront"}
    assert item["datePublished"] == str(record["claim"]["date"])
    assert item["firstAppearance"]["url"].startswith("https://de.southfront.press/")
    assert item["appearance"][0] == item["firstAppearance"]
    if "rating" in verdict:
        assert rating["ratingValue"] == verdict["rating"]
        assert (rating["worstRating"], rating["bestRating"]) == (SCALE["worst_rating"], SCALE["best_rating"])
        assert SCALE["worst_rating"] <= rating["ratingValue"] <= SCALE["best_rating"]
    else:  # 'unbelegt' has no place on the numeric scale
        assert "ratingValue" not in rating and "bestRating" not in rating
    assert rating["ratingExplanation"] == record["summary"]


def test_only_claim_pages_carry_claimreview(site: Path) -> None:
    for page in ("index.html", "verdicts/index.html", "articles/southfront-2017-10-11-raqqa/index.html"):
        assert json_ld(site / page, SITE_URL) == []


def test_every_page_links_the_atom_feed(site: Path) -> None:
    for page in (site / "index.html", site / "claims" / "raqqa-abzugsverhandlungen" / "index.html"):
        assert 'rel="alternate" type="application/atom+xml"' in page.read_text(encoding="utf-8")


def _site_path(site: Path, url: str) -> Path:
    path = urlsplit(url).path.lstrip("/")
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def test_atom_feed_parses_and_links_existing_pages(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == len(CLAIMS)
    for entry in feed.entries:
        assert entry.link.startswith(SITE_URL + "claims/")
        assert _site_path(site, entry.link).is_file(), entry.link
        assert entry.summary and entry.published.startswith("2026-")


def test_claimreview_feed_and_claims_json(site: Path) -> None:
    feed = json.loads((site / "claimreview.json").read_text(encoding="utf-8"))
    assert feed["@type"] == "DataFeed"
    reviews = [item for element in feed["dataFeedElement"] for item in element["item"]]
    assert sorted(r["url"] for r in reviews) == sorted(f"{SITE_URL}claims/{c}/" for c in CLAIMS)
    assert all(r["@type"] == "ClaimReview" for r in reviews)
    records = json.loads((site / "claims.json").read_text(encoding="utf-8"))
    assert {c["id"] for c in records["claims"]} == set(CLAIMS)
    full = next(c for c in records["claims"] if c["id"] == "raqqa-abzugsverhandlungen")
    assert full["evidence"] == [dict(e, date=str(e["date"])) if "date" in e else e
                                for e in CLAIMS["raqqa-abzugsverhandlungen"]["evidence"]]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(MINI, content)
    edit(content / "claims" / "rathaus-blau.yml", "  text: Das Rathaus ist blau.", f"  text: {json.dumps(HOSTILE)}")
    edit(content / "claims" / "rathaus-blau.yml", "summary: Das Rathaus ist rot.", "summary: '</script><img src=x onerror=alert(2)>'")
    return build_content(content, root)


def test_hostile_text_stays_inside_the_json_string(hostile_site: Path) -> None:
    page = hostile_site / "claims" / "rathaus-blau" / "index.html"
    html = page.read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    script = head[head.index('<script type="application/ld+json">'):]
    script = script[: script.index("</script>") + len("</script>")]
    assert "<!--" not in script and script.count("<") == 2  # only the element's own tags
    assert script.count(">") == 2 and "&" not in script  # escaped too: nothing in it reads as markup
    [review] = json_ld(page, SITE_URL + "claims/rathaus-blau/")
    assert review["claimReviewed"] == HOSTILE


@pytest.mark.browser
def test_hostile_claimreview_runs_no_script_in_chromium(hostile_site: Path) -> None:
    with serve(hostile_site) as base, browser() as chromium:
        page = chromium.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "claims/rathaus-blau/", wait_until="load", timeout=15000)
        page.wait_for_timeout(300)
        assert dialogs == []
        ld = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
        assert ld["claimReviewed"] == HOSTILE
        page.close()


# --------------------------------------------------------------------------- property by property

DEPLOYED = "https://example.github.io/faktenchecks/"


def reviews_of(content: Path, *, include_drafts: bool = False) -> dict[str, dict]:
    """Claim id → the ClaimReview in its page's head, read back from the escaped JSON."""
    site = build_site(content, include_drafts=include_drafts, site_url=DEPLOYED)
    return {src.removeprefix("claims/").removesuffix(".md"): json.loads(script) for src, script in site.head.items()}


def test_claimreview_has_every_property_with_its_own_value(mini: Path) -> None:
    """Every property of one review, against the records it comes from. The site (de), the claim
    (en here) and the article (fr here) have different languages, so no value can stand in for another."""
    edit(mini / "claims" / "rathaus-blau.yml", "  language: de", "  language: en")
    edit(mini / "articles" / "tagblatt-2020-01-01.yml", "language: de", "language: fr")
    review = reviews_of(mini)["rathaus-blau"]
    url = DEPLOYED + "claims/rathaus-blau/"
    tagblatt = {"@type": "Organization", "name": "Das Tagblatt", "url": "https://example.org/tagblatt"}
    article = {"@type": "CreativeWork", "url": "https://example.org/tagblatt/2020-01-01",
               "name": "Regen und Sonne am Neujahrstag", "headline": "Regen und Sonne am Neujahrstag",
               "datePublished": "2020-01-01", "inLanguage": "fr", "author": tagblatt}
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": url + "#claimreview",
        "url": url,
        "name": "Ist das Rathaus blau?",
        "claimReviewed": "Das Rathaus ist blau.",
        "datePublished": "2020-02-03",  # no `updated:`, so no dateModified
        "inLanguage": "de",
        # site.yml's publisher has no url: the site's own address stands for it
        "author": {"@type": "Organization", "name": "Testredaktion", "url": DEPLOYED},
        "reviewRating": {"@type": "Rating", "alternateName": "Falsch", "name": "Falsch",
                         "ratingExplanation": "Das Rathaus ist rot.", "ratingValue": 1, "bestRating": 3,
                         "worstRating": 1},
        # Google's Fact Check Tools read a claim's place from itemReviewed.name: the first appearance's.
        "itemReviewed": {"@type": "Claim", "@id": url + "#claim", "name": "Regen und Sonne am Neujahrstag",
                         "author": tagblatt, "datePublished": "2020-01-01", "inLanguage": "en",
                         "appearance": [article], "firstAppearance": article},
    }


def test_claimreview_dates_people_and_unrated_verdicts(mini: Path) -> None:
    edit(mini / "claimants" / "tagblatt.yml", "kind: outlet", "kind: person")
    edit(mini / "claimants" / "tagblatt.yml", "url: https://example.org/tagblatt\n", "")
    edit(mini / "site.yml", "  name: Testredaktion", "  name: Testredaktion\n  url: https://example.org/redaktion\n"
         "  logo: https://example.org/logo.png")
    edit(mini / "claims" / "sonne-drei-stunden.yml", "verdict: richtig", "verdict: unbelegt")
    review = reviews_of(mini)["sonne-drei-stunden"]
    assert (review["datePublished"], review["dateModified"]) == ("2020-02-02", "2020-02-03")
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Das Tagblatt"}  # no url: none given
    assert review["author"] == {"@type": "Organization", "name": "Testredaktion", "url": "https://example.org/redaktion",
                                "logo": {"@type": "ImageObject", "url": "https://example.org/logo.png"}}
    # 'unbelegt' has no place on the numeric scale: a label, no numbers
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unbelegt", "name": "Unbelegt",
                                      "ratingExplanation": "Der Wetterdienst bestätigt drei Sonnenstunden."}


def test_claimreview_of_appearances_known_only_by_url(mini: Path) -> None:
    """An appearance without an article record (e.g. imported): its URL, and title and date when known."""
    edit(mini / "claims" / "rathaus-blau.yml", "      quote: Das Rathaus ist blau.\n",
         "      quote: Das Rathaus ist blau.\n    - url: https://example.org/radio/rathaus\n"
         "      title: Radiobeitrag\n      date: 2020-01-05\n    - url: https://example.org/forum/rathaus\n")
    item = reviews_of(mini)["rathaus-blau"]["itemReviewed"]
    assert item["appearance"][1:] == [
        {"@type": "CreativeWork", "url": "https://example.org/radio/rathaus", "name": "Radiobeitrag",
         "headline": "Radiobeitrag", "datePublished": "2020-01-05"},
        {"@type": "CreativeWork", "url": "https://example.org/forum/rathaus"},
    ]
    assert item["firstAppearance"]["url"] == "https://example.org/tagblatt/2020-01-01"


@pytest.mark.parametrize("status", ["draft", "review"])
def test_unpublished_claims_get_no_claimreview_even_when_shown(mini: Path, status: str) -> None:
    """Under preview (serve, or `drafts: always`) drafts and records in review have pages, but no
    ClaimReview and no place in the exports: a search engine must not read an unreviewed verdict."""
    if status == "review":
        edit(mini / "claims" / "strassen-trocken.yml", "status: draft", "status: review")
    site = build_site(mini, include_drafts=True, site_url=DEPLOYED)
    assert "claims/strassen-trocken.md" in site.pages
    assert sorted(site.head) == ["claims/rathaus-blau.md", "claims/regen-zwoelf-stunden.md",
                                 "claims/sonne-drei-stunden.md"]
    for name in ("claimreview.json", "claims.json", "feed.xml"):
        assert b"strassen-trocken" not in site.files[name], name
        assert b"rathaus-blau" in site.files[name], name


def test_feed_holds_the_latest_fifty_checks_and_the_data_feed_all(tmp_path: Path) -> None:
    from benchmarks import synth

    synth.generate(tmp_path / "content", 60)
    site = build_site(tmp_path / "content", site_url=DEPLOYED)
    published = site.graph.newest_first([cid for cid, c in site.graph.claims.items() if c.status == "published"])
    assert len(published) > 50
    feed = feedparser.parse(site.files["feed.xml"])
    assert [e.link for e in feed.entries] == [f"{DEPLOYED}claims/{cid}/" for cid in published[:50]]
    data_feed = json.loads(site.files["claimreview.json"])
    assert [e["item"][0]["url"] for e in data_feed["dataFeedElement"]] == [f"{DEPLOYED}claims/{cid}/" for cid in published]
    assert [c["id"] for c in json.loads(site.files["claims.json"])["claims"]] == published


def _tree(element: ET.Element) -> list:
    """An XML element as (tag without namespace, attributes, text, children): what a reader gets."""
    return [element.tag.rsplit("}", 1)[-1], dict(element.attrib), (element.text or "").strip(),
            [_tree(child) for child in element]]


def _nulls(data: object) -> int:
    if isinstance(data, dict):
        return sum(_nulls(v) for v in data.values())
    if isinstance(data, list):
        return sum(_nulls(v) for v in data)
    return data is None


def test_exports_of_a_small_site_in_full() -> None:
    """feed.xml, claimreview.json and claims.json of the mini fixture, element by element."""
    site = build_site(MINI, site_url=DEPLOYED)
    c = DEPLOYED + "claims/"
    entries = [("rathaus-blau", "Falsch: Ist das Rathaus blau?", "2020-02-03", "2020-02-03", "Das Rathaus ist rot.",
                "falsch", "Falsch"),
               ("sonne-drei-stunden", "Richtig: Schien danach drei Stunden die Sonne?", "2020-02-02", "2020-02-03",
                "Der Wetterdienst bestätigt drei Sonnenstunden.", "richtig", "Richtig"),
               ("regen-zwoelf-stunden", "Teils richtig: Regnete es am Neujahrstag zwölf Stunden lang?", "2020-02-01",
                "2020-02-01", "Es regnete, aber nur acht Stunden.", "teils-richtig", "Teils richtig")]
    assert _tree(ET.fromstring(site.files["feed.xml"])) == [
        "feed", {"{http://www.w3.org/XML/1998/namespace}lang": "de"}, "", [
            ["id", {}, DEPLOYED, []], ["title", {}, "Testchecks", []], ["link", {"href": DEPLOYED}, "", []],
            ["link", {"rel": "self", "href": DEPLOYED + "feed.xml"}, "", []], ["updated", {}, "2020-02-03T00:00:00Z", []],
            ["author", {}, "", [["name", {}, "Testredaktion", []]]],
            *[["entry", {}, "", [["id", {}, c + cid + "/", []], ["title", {}, title, []],
                                 ["link", {"href": c + cid + "/"}, "", []],
                                 ["published", {}, published + "T00:00:00Z", []],
                                 ["updated", {}, updated + "T00:00:00Z", []], ["summary", {}, summary, []],
                                 ["category", {"term": term, "label": label}, "", []]]]
              for cid, title, published, updated, summary, term, label in entries]]]
    ids = [e[0] for e in entries]
    data_feed = json.loads(site.files["claimreview.json"])
    assert {k: v for k, v in data_feed.items() if k != "dataFeedElement"} == {
        "@context": "https://schema.org", "@type": "DataFeed", "name": "Testchecks"}
    assert data_feed["dataFeedElement"] == [{"@type": "DataFeedItem", "item": [json.loads(site.head[f"claims/{cid}.md"])]}
                                            for cid in ids]
    records = json.loads(site.files["claims.json"])
    assert sorted(records) == ["articles", "claimants", "claims", "topics", "verdicts"]
    assert [(r["id"], r["url"], r["status"]) for r in records["claims"]] == [(cid, c + cid + "/", "published") for cid in ids]
    assert records["claims"][0]["evidence"][0]["archive_url"] == "https://example.org/archive/rathaus"
    assert [r["id"] for r in records["claimants"]] == ["tagblatt"]
    assert [r["id"] for r in records["articles"]] == ["tagblatt-2020-01-01"]
    assert [t["id"] for t in records["topics"]] == ["wetter", "stadt"]
    assert (records["verdicts"]["best_rating"], records["verdicts"]["worst_rating"]) == (3, 1)
    assert [v["key"] for v in records["verdicts"]["verdicts"]] == ["richtig", "teils-richtig", "falsch", "unbelegt"]
    assert _nulls(records) == 0, "fields left empty are left out, not written as null"
    assert site.files["claims.json"].endswith(b"}\n") and site.files["claimreview.json"].endswith(b"}\n")


def test_exports_leave_empty_fields_out_and_an_empty_feed_is_dated_1970(mini: Path) -> None:
    edit(mini / "claimants" / "tagblatt.yml", "url: https://example.org/tagblatt\n", "")
    records = json.loads(build_site(mini, site_url=DEPLOYED).files["claims.json"])
    assert "url" not in records["claimants"][0]
    assert _nulls(records) == 0
    for claim in mini.glob("claims/*.yml"):
        claim.write_text(claim.read_text(encoding="utf-8").replace("status: published", "status: review"), encoding="utf-8")
    feed = ET.fromstring(build_site(mini, site_url=DEPLOYED).files["feed.xml"])
    assert feed.find("{http://www.w3.org/2005/Atom}updated").text == "1970-01-01T00:00:00Z"
    assert feed.find("{http://www.w3.org/2005/Atom}entry") is None
