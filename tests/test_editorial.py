"""Editorial workflow: review before publication, corrections, drafts, permanent URLs (aliases),
and the history rules of ``factcheck check --against REF``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator import paths
from generator.pipeline import build_site
from tests.browser import browser, serve
from tests.conftest import edit, run_cli
from tests.minisite import build_content, write_config


def check(capsys, content: Path, *extra: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, "--content", str(content), "check", *extra)
    return code, out + err


def test_published_claim_needs_an_independent_reviewer(mini: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(mini.parent)
    edit(mini / "claims" / "rathaus-blau.yml", "reviewers: [ben]", "reviewers: [anna]")
    code, text = check(capsys, mini)
    assert code == 1
    line = (mini / "claims" / "rathaus-blau.yml").read_text(encoding="utf-8").splitlines().index("reviewers: [anna]") + 1
    assert (f"content/claims/rathaus-blau.yml:{line}: reviewers: a published claim needs a reviewer who is not one of "
            "its authors; add 'reviewers: [person-id]' or keep 'status: review' until reviewed") in text
    edit(mini / "site.yml", "page_size: 2", "page_size: 2\nrequire_review: false")
    assert check(capsys, mini)[0] == 0


def test_a_claim_in_review_needs_no_reviewer_yet(mini: Path, capsys) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "status: published", "status: review")
    edit(mini / "claims" / "rathaus-blau.yml", "reviewers: [ben]", "reviewers: []")
    assert check(capsys, mini)[0] == 0


def test_correction_cannot_predate_publication(mini: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(mini.parent)
    edit(mini / "claims" / "sonne-drei-stunden.yml", "  - date: 2020-02-03", "  - date: 2019-12-31")
    code, text = check(capsys, mini)
    assert code == 1 and "corrections[0].date: 2019-12-31 is before published 2020-02-02" in text


def test_corrections_page_lists_every_correction_newest_first(mini: Path) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "reviewers: [ben]", "reviewers: [ben]\ncorrections:\n"
         "  - {date: 2020-03-01, note: Farbe präzisiert.}\n  - {date: 2020-02-10, note: Foto ergänzt.}")
    page = build_site(mini).pages[paths.listing("corrections")].html
    entries = [line for line in page.splitlines() if line.startswith("<li>")]
    assert entries == [
        '<li><strong>1. März 2020</strong> · <a href="../claims/rathaus-blau/">Ist das Rathaus blau?</a>: '
        "Farbe präzisiert.</li>",
        '<li><strong>10. Februar 2020</strong> · <a href="../claims/rathaus-blau/">Ist das Rathaus blau?</a>: '
        "Foto ergänzt.</li>",
        '<li><strong>3. Februar 2020</strong> · <a href="../claims/sonne-drei-stunden/">Schien danach drei '
        "Stunden die Sonne?</a>: Uhrzeit berichtigt.</li>",
    ]
    claim_page = build_site(mini).pages[paths.claim("rathaus-blau")].html
    assert claim_page.index("1. März 2020") < claim_page.index("10. Februar 2020")  # newest first there too


def test_aliases_must_not_collide(mini: Path, capsys) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "reviewers: [ben]", "reviewers: [ben]\naliases: [sonne-drei-stunden, alt]")
    edit(mini / "claims" / "regen-zwoelf-stunden.yml", "authors: [anna]", "authors: [anna]\naliases: [alt]")
    code, text = check(capsys, mini)
    assert code == 1
    assert "aliases[0]: 'sonne-drei-stunden' is the id of an existing claim" in text
    assert "aliases[0]: 'alt' is already an alias of 'rathaus-blau'" in text


@pytest.fixture
def alias_site(mini: Path, tmp_path: Path) -> Path:
    edit(mini / "claims" / "rathaus-blau.yml", "reviewers: [ben]", "reviewers: [ben]\naliases: [rathaus-farbe]")
    return build_content(mini, tmp_path / "build")


def test_alias_gets_a_redirect_page(alias_site: Path) -> None:
    redirect = (alias_site / "claims" / "rathaus-farbe" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../rathaus-blau/">' in redirect
    assert '<link rel="canonical" href="../rathaus-blau/">' in redirect


@pytest.mark.browser
def test_alias_redirect_resolves_in_chromium(alias_site: Path) -> None:
    with serve(alias_site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "claims/rathaus-farbe/", timeout=15000)
        page.wait_for_url(base + "claims/rathaus-blau/", timeout=15000)
        assert page.locator("h1").inner_text().startswith("Ist das Rathaus blau?")
        page.close()


def test_drafts_are_left_out_of_builds(mini: Path, tmp_path: Path) -> None:
    site = build_content(mini, tmp_path / "build")
    assert (site / "claims" / "rathaus-blau" / "index.html").is_file()
    assert not (site / "claims" / "strassen-trocken").exists()
    from generator.pagefind import fragments

    urls = [record["url"] for record in fragments(site / "pagefind")]
    assert "claims/rathaus-blau/" in urls and not [u for u in urls if "strassen-trocken" in u]


def head_of(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[: html.index("</head>")]


def test_drafts_always_shows_drafts_without_claimreview(mini: Path, tmp_path: Path) -> None:
    """`drafts: always` (a staging build) renders drafts and records in review with their banner, but
    only published claims carry ClaimReview or appear in the exports."""
    edit(mini / "claims" / "sonne-drei-stunden.yml", "status: published", "status: review")
    site = build_content(mini, tmp_path / "build", factcheck="drafts: always")
    for claim_id in ("strassen-trocken", "sonne-drei-stunden"):
        page = site / "claims" / claim_id / "index.html"
        assert "Entwurf – nicht veröffentlicht" in page.read_text(encoding="utf-8"), claim_id
        assert "application/ld+json" not in head_of(page), claim_id
    assert head_of(site / "claims" / "rathaus-blau" / "index.html").count('<script type="application/ld+json">') == 1
    for name in ("claimreview.json", "claims.json", "feed.xml"):
        text = (site / name).read_text(encoding="utf-8")
        assert "strassen-trocken" not in text and "sonne-drei-stunden/" not in text and "rathaus-blau" in text, name


def test_drafts_are_shown_with_a_banner_under_serve(mini: Path, tmp_path: Path, monkeypatch) -> None:
    from mkdocs.config import load_config

    from generator.plugin import FactcheckPlugin

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # else the plugin sets it for this whole process

    config = load_config(str(write_config(mini, tmp_path)))
    for command, expected in (("build", False), ("serve", True)):
        plugin = FactcheckPlugin()
        plugin.load_config({})
        plugin.on_startup(command=command, dirty=False)
        plugin.on_config(config)
        plugin.on_pre_build(config=config)
        assert plugin.site is not None
        page = plugin.site.pages.get(paths.claim("strassen-trocken"))
        assert (page is not None) == expected
        if page:
            assert '<p class="fc-draft" role="note">Entwurf – nicht veröffentlicht (draft)</p>' in page.html


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(mini: Path) -> Path:
    git(mini.parent, "init", "-q", "-b", "main")
    git(mini.parent, "add", "-A")
    git(mini.parent, "commit", "-qm", "base")
    return mini


def test_rename_without_alias_is_caught(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo.parent)
    old, new = repo / "claims" / "rathaus-blau.yml", repo / "claims" / "rathaus-rot.yml"
    shutil.move(old, new)
    edit(new, "id: rathaus-blau", "id: rathaus-rot")
    code, text = check(capsys, repo, "--against", "main")
    assert code == 1
    assert ("main:claims/rathaus-blau.yml: id: claim 'rathaus-blau' was renamed or removed; its URL would break; "
            "add 'aliases: [rathaus-blau]' to the claim that replaces it") in text
    edit(new, "reviewers: [ben]", "reviewers: [ben]\naliases: [rathaus-blau]")
    code, text = check(capsys, repo, "--against", "main")
    assert code == 0, text


def test_verdict_change_needs_a_correction(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo.parent)
    record = repo / "claims" / "rathaus-blau.yml"
    edit(record, "verdict: falsch", "verdict: teils-richtig")
    code, text = check(capsys, repo, "--against", "main")
    line = record.read_text(encoding="utf-8").splitlines().index("verdict: teils-richtig") + 1
    assert code == 1
    assert (f"content/claims/rathaus-blau.yml:{line}: verdict: changed from 'falsch' to 'teils-richtig' since main "
            "without a correction entry; add a 'corrections:' entry saying what changed and why") in text
    edit(record, "reviewers: [ben]", "reviewers: [ben]\ncorrections:\n  - {date: 2020-03-01, note: Neu bewertet.}")
    assert check(capsys, repo, "--against", "main")[0] == 0


def test_against_an_unknown_ref_is_a_clear_error(repo: Path, capsys) -> None:
    code, text = check(capsys, repo, "--against", "no-such-ref")
    assert code == 1 and "pass a ref that exists" in text and "Traceback" not in text
