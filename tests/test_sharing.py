"""Fact-checks that travel: page metadata parsed from built pages under a sub-path site_url, share
cards (1200×630 PNG, identical bytes on rebuild, cached, no tofu), share links, embed cards, the
front page in Chromium at 1280 and 390 px. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import random
import re
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from urllib.parse import quote

import extruct
import pytest
import yaml
from PIL import Image

from generator import cards
from generator.meta import SERVICES
from tests.browser import browser, serve
from tests.conftest import ROOT
from tests.sitebuild import copy_project, mkdocs_env

SITE_URL = "https://example.github.io/faktenchecks/"
SHOTS = ROOT / "test-results" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CLAIMS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "content" / "claims").glob("*.yml"))}
CLAIM = "russische-luftangriffe-mayadin"


def _build(project: Path, site: Path) -> str:
    env = mkdocs_env() | {"SITE_URL": SITE_URL}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=project,
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str, str]:
    """The repository's site built twice into two folders from one project (one card cache)."""
    project = copy_project(tmp_path_factory.mktemp("share"))
    first_log = _build(project, project / "site1")
    second_log = _build(project, project / "site2")
    return project / "site1", project / "site2", first_log, second_log


def _opengraph(page: Path) -> dict[str, list[str]]:
    html = page.read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=SITE_URL, syntaxes=["opengraph"], uniform=False)["opengraph"]
    out: dict[str, list[str]] = {}
    for block in data:
        for key, value in block["properties"]:
            out.setdefault(key, []).append(value)
    return out


def _meta(html: str, name: str) -> list[str]:
    return re.findall(rf'<meta name="{re.escape(name)}" content="([^"]*)"', html)


def test_every_page_has_its_own_metadata_with_absolute_urls_under_the_sub_path(built) -> None:
    site = built[0]
    descriptions = set()
    for page in sorted(site.rglob("index.html")):
        if "/embed/" in page.as_posix() or page.parent.name in ("search",):
            continue
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # an alias redirect
        og = _opengraph(page)
        for key in ("og:title", "og:description", "og:url", "og:image", "og:image:width", "og:image:height",
                    "og:image:alt", "og:locale", "og:site_name", "og:type"):
            assert og.get(key), f"{page}: no {key}"
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert canonical, page
        for url in [canonical[1], og["og:url"][0], og["og:image"][0], *_meta(html, "twitter:image")]:
            assert url.startswith(SITE_URL), (page, url)
        assert og["og:url"][0] == canonical[1]
        image = og["og:image"][0].removeprefix(SITE_URL)
        assert (site / image).is_file(), f"{page}: og:image {image} is not in the site"
        assert _meta(html, "twitter:card") == ["summary_large_image"]
        assert "noindex" not in html.split("</head>")[0], f"{page}: a published page is not noindex"
        descriptions.add(_meta(html, "description")[0])
    assert len(descriptions) > 20, "pages describe themselves, not all with the site's description"


def test_claim_page_metadata_comes_from_the_claim(built) -> None:
    site = built[0]
    record = CLAIMS[CLAIM]
    og = _opengraph(site / "claims" / CLAIM / "index.html")
    assert og["og:type"] == ["article"]
    assert og["og:title"] == [record["title"]]
    assert og["og:url"] == [f"{SITE_URL}claims/{CLAIM}/"]
    assert og["og:image"] == [f"{SITE_URL}claims/{CLAIM}/card.png"]
    assert og["og:image:width"] == ["1200"] and og["og:image:height"] == ["630"]
    assert og["og:locale"] == ["de_DE"]
    assert og["article:published_time"] == [str(record["published"])]
    assert og["og:description"][0] and record["summary"].startswith(og["og:description"][0].rstrip("…"))
    assert "Teils richtig" in og["og:image:alt"][0]
    assert len(og["article:tag"]) == len(record["topics"])


def test_share_cards_exist_are_1200x630_and_rebuild_byte_identical(built) -> None:
    first, second, first_log, second_log = built
    for cid, record in CLAIMS.items():
        if record["status"] != "published":
            continue
        card = first / "claims" / cid / "card.png"
        with Image.open(card) as image:
            assert image.format == "PNG" and image.size == (1200, 630)
        assert card.read_bytes() == (second / "claims" / cid / "card.png").read_bytes()
    assert (first / "assets" / "fc-card.png").read_bytes() == (second / "assets" / "fc-card.png").read_bytes()
    assert re.search(r"share cards: 8, 8 drawn, 0 from the cache \(in a process beside the pages\)",
                     first_log), first_log
    assert re.search(r"share cards drawn in [\d.]+ s and copied in [\d.]+ s beside the pages \(cards_wait \d+ ms\)",
                     first_log), first_log
    assert re.search(r"share cards: 8, 0 drawn, 8 from the cache", second_log), second_log


def test_card_drawing_is_deterministic_without_metadata_and_without_tofu() -> None:
    card = cards.Card("claims/x/card.png", "#b71c1c", "cross", "Falsch",
                      "Zażółć gęślą jaźń – où est l’œuvre? Größe " * 10, "Ąę · 1. Mai 2020", "Faktenchecks")
    png = cards.draw(card)
    assert png == cards.draw(card)
    assert b"tEXt" not in png and b"tIME" not in png and b"iTXt" not in png
    assert cards.drawable("Zażółć gęślą jaźń ÀÉÎÕÜ œŒ ß „“ «»")
    assert not cards.drawable("日本語") and not cards.drawable("مرحبا")
    assert cards.first_drawable("日本語の主張", None, "Der Titel") == "Der Titel"
    assert cards.wrap("a " * 500, cards._face(44, 500), 1080, 3)[-1].endswith("…")


def test_cache_skips_drawing_and_a_changed_card_is_drawn_again(tmp_path: Path) -> None:
    a = cards.Card("claims/a/card.png", "#1b5e20", "check", "Richtig", "Text", "X · 1. Mai 2020", "S")
    b = cards.Card("claims/b/card.png", "#1b5e20", "check", "Richtig", "Anderer Text", "X · 1. Mai 2020", "S")
    files, stats = cards.render([a, b], tmp_path)
    assert (stats.drawn, stats.reused) == (2, 0)
    files2, stats = cards.render([a, b], tmp_path)
    assert (stats.drawn, stats.reused) == (0, 2) and files2 == files
    files3, stats = cards.render([a, dataclasses.replace(b, text="neu")], tmp_path)
    assert (stats.drawn, stats.reused, stats.removed) == (1, 1, 1)
    # The old card of b is gone from the cache (it would grow with every edit otherwise).
    assert sorted(tmp_path.iterdir()) == sorted(files3.values())


# Cards of every kind: each verdict icon, the site card (no icon, two-line label), a claim long
# enough to be cut, no claim, no byline.
KINDS = [
    cards.Card("claims/a/card.png", "#1b5e20", "check", "Richtig", "Der Pegel stieg 2023 um 4 Prozent",
               "A · 1. Mai 2020", "S"),
    cards.Card("claims/b/card.png", "#33691e", "check-minus", "Weitgehend richtig", "Zażółć gęślą jaźń " * 30,
               "Ąę · 2. Mai 2020", "S"),
    cards.Card("claims/c/card.png", "#8a5a00", "half", "Teils richtig", "Où est l’œuvre? Größe", "", "S"),
    cards.Card("claims/d/card.png", "#a34700", "alert", "Irreführend", "", "B · 3. Mai 2020", "S"),
    cards.Card("claims/e/card.png", "#b71c1c", "cross-minus", "Weitgehend falsch", "x", "C · 4. Mai 2020", "S"),
    cards.Card("claims/f/card.png", "#8e1010", "cross", "Falsch", "Worte " * 200, "D · 5. Mai 2020", "S"),
    cards.Card("claims/g/card.png", "#455a64", "question", "Unbelegt", "Belegt?", "E · 6. Mai 2020", "S"),
    cards.Card("assets/fc-card.png", "#3f51b5", "", "Faktenchecks mit Belegen aus aller Welt und noch mehr Worten",
               "Wir prüfen Behauptungen. " * 8, "", "Redaktion"),
]


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + size]
        assert struct.unpack(">I", png[pos + 8 + size:pos + 12 + size])[0] == zlib.crc32(kind + data), kind
        out.append((kind, data))
        pos += 12 + size
    return out


@pytest.mark.parametrize("deflater", [cards.ZLIB, cards.DEFLATER], ids=lambda d: d.name)
def test_card_png_joined_from_pieces_is_exactly_the_plainly_drawn_picture(deflater) -> None:
    """The PNG is written by hand from separately compressed pieces (band and footer once per
    verdict, blank rows once, only rows with ink per card): it must decode, with zlib's own
    checksum check, to the very pixels and palette of the card drawn as one image."""
    assert cards.DEFLATER.name == "isal", "ISA-L (a dependency on x86-64 and ARM64) is installed"
    for card in KINDS:
        png = cards.draw(card, deflater)
        chunks = _chunks(png)
        assert [kind for kind, _ in chunks] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]  # no time, no text
        scanlines = zlib.decompress(chunks[2][1])  # checks the Adler-32 of every row
        assert len(scanlines) == 630 * 1201 and scanlines[::1201] == bytes(630)  # filter "none" on every row
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            expected = cards.picture(card)
            assert (image.mode, image.size) == ("P", (1200, 630))
            assert image.tobytes() == expected.tobytes(), card.path
            assert image.getpalette() == expected.getpalette()
        assert len(png) < 60_000


def test_cards_are_the_same_bytes_in_any_order_and_in_worker_processes(tmp_path: Path) -> None:
    """One canvas per process is reused and cleared between cards; a card's bytes must not depend
    on the cards drawn before it, nor on which worker drew it."""
    alone = {card.path: cards.draw(card) for card in KINDS}
    assert {card.path: cards.draw(card) for card in reversed(KINDS)} == alone
    many = [dataclasses.replace(card, path=f"{card.path}-{i}", byline=f"{card.byline} {i}")
            for i in range(3) for card in KINDS]
    assert len(many) >= cards.PARALLEL_FROM  # drawn by the worker pool where there are cores
    files, stats = cards.render(many, tmp_path / "cache")
    assert stats.drawn == len(many)
    for card in many:
        assert files[card.path].read_bytes() == cards.draw(card), card.path


def _card_processes() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "factcheck-cards"]


def _not_here(job: tuple[cards.Card, str]) -> None:
    raise AssertionError(f"{job[0].path} was drawn in the build's own process")


def test_cards_are_drawn_and_copied_into_the_site_by_a_process_of_their_own(tmp_path: Path, monkeypatch) -> None:
    """Under `mkdocs build` (CardJob, beside) a process forked before the records are read draws
    the cards and copies them into the site folder while the build goes on: the build's own process
    draws none, and the site gets every card, byte for byte what the cache holds."""
    job = cards.CardJob(tmp_path / "cache", beside=True)
    assert job.beside
    monkeypatch.setattr(cards, "_draw_to", _not_here)  # in this process only: the card process is forked already
    job.draw(KINDS)
    assert (job.stats.cards, job.stats.drawn) == (len(KINDS), len(KINDS))
    site = tmp_path / "site"
    site.mkdir()
    job.publish(site)
    job.wait()
    assert not _card_processes()
    assert job.stats.draw_seconds > 0 and job.stats.copy_seconds > 0
    for card in KINDS:
        assert (site / card.path).read_bytes() == job.files[card.path].read_bytes() == cards.draw(card), card.path
    # Nothing to draw the next time; the copies still come.
    again = cards.CardJob(tmp_path / "cache", beside=True)
    again.draw(KINDS)
    assert (again.stats.drawn, again.stats.reused) == (0, len(KINDS))
    again.publish(tmp_path / "site2")
    again.wait()
    assert sorted(p.relative_to(tmp_path / "site2") for p in (tmp_path / "site2").rglob("*.png")) == \
        sorted(Path(card.path) for card in KINDS)


def test_a_card_process_that_fails_stops_the_build_with_its_message(tmp_path: Path) -> None:
    job = cards.CardJob(tmp_path / "cache", beside=True)
    job.draw(KINDS[:2])
    site = tmp_path / "site"
    site.write_text("a file where the site folder should be")
    job.publish(site)
    with pytest.raises(cards.CardError, match=r"^NotADirectoryError: .*site"):
        job.wait()


def test_a_card_job_never_published_draws_into_the_cache_and_ends(tmp_path: Path) -> None:
    """Without a site folder (a caller of build_site that writes no site) ``wait`` must not hang."""
    job = cards.CardJob(tmp_path / "cache", beside=True)
    job.draw(KINDS[:3])
    waiter = threading.Thread(target=job.wait, daemon=True)
    waiter.start()
    waiter.join(timeout=60)
    assert not waiter.is_alive(), "CardJob.wait hangs when nothing was published"
    assert not _card_processes()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(p.name for p in job.files.values())


def test_with_another_thread_running_the_cards_are_drawn_here_and_copied_at_the_end(tmp_path: Path) -> None:
    """Forking beside other threads (mkdocs serve: its server and file watcher) is unsafe: then
    ``draw`` draws in this process and ``wait`` copies."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        job = cards.CardJob(tmp_path / "cache", beside=True)
    finally:
        stop.set()
        other.join()
    assert not job.beside
    job.draw(KINDS[:2])
    assert all(path.is_file() for path in job.files.values())
    site = tmp_path / "site"
    job.publish(site)
    assert not site.exists()
    job.wait()
    assert (site / KINDS[0].path).read_bytes() == cards.draw(KINDS[0])


def test_a_cancelled_card_process_ends_and_its_leftovers_go_with_the_next_build(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    job = cards.CardJob(cache, beside=True)
    process = job._process
    assert process is not None and process.is_alive()
    job.cancel()
    assert not process.is_alive() and not _card_processes()
    cache.mkdir()
    (cache / f".{'0' * 64}.png.4242.tmp").write_bytes(b"half a card")
    files, stats = cards.render(KINDS[:1], cache)
    assert sorted(cache.iterdir()) == [files[KINDS[0].path]] and stats.removed == 0


def test_a_hand_written_file_at_a_share_cards_path_is_an_error(tmp_path: Path) -> None:
    """The plugin copies the cards itself: a page's asset of the same name would be overwritten."""
    project = copy_project(tmp_path / "project")
    (project / "content" / "assets").mkdir(exist_ok=True)
    Image.new("RGB", (12, 6), "red").save(project / "content" / "assets" / "fc-card.png")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            check=False, cwd=project, env=mkdocs_env(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 1
    assert "assets/fc-card.png: a hand-written file has the path of a share card; rename it" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_verdict_part_is_drawn_once_and_cards_still_differ_by_verdict_and_claim() -> None:
    cards._base.cache_clear()
    right, false = KINDS[0], KINDS[5]
    drawn = [right, false, dataclasses.replace(right, text="Ein anderer Satz"),
             dataclasses.replace(false, text="Noch einer")]
    images = []
    for card in drawn:
        with Image.open(io.BytesIO(cards.draw(card))) as image:
            images.append((image.tobytes(), image.getpalette()))
    info = cards._base.cache_info()
    assert (info.misses, info.hits) == (2, 2), "the band and footer of a verdict are drawn once"
    assert len({pixels for pixels, _ in images}) == 4, "every card shows its own claim"
    band = 171 * 1200  # rows 0–170: colour, icon, label
    assert images[0][0][:band] == images[2][0][:band] and images[0][1] == images[2][1]
    assert images[0][0][:band] != images[1][0][:band], "another verdict: another icon and label"
    assert images[0][1] != images[1][1], "another verdict: another colour"
    assert images[0][0][band:] != images[2][0][band:] and images[1][0][band:] != images[3][0][band:]


def test_adler32_of_joined_pieces() -> None:
    rng = random.Random(7)
    for _ in range(200):
        a = rng.randbytes(rng.randrange(0, 3000)) + bytes(rng.randrange(0, 70000))
        b = rng.randbytes(rng.randrange(0, 3000)) + bytes(rng.randrange(0, 70000))
        assert cards._adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_share_links_carry_the_canonical_url_and_the_embed_card_has_no_script(built) -> None:
    site = built[0]
    html = (site / "claims" / CLAIM / "index.html").read_text(encoding="utf-8")
    canonical = f"{SITE_URL}claims/{CLAIM}/"
    links = re.findall(r'<a class="fc-share__link" data-service="([^"]+)" href="([^"]+)"', html)
    assert [name for name, _ in links] == [name for name, _ in SERVICES]
    for name, href in links:
        assert quote(canonical, safe="") in href, (name, href)
    assert f'value="{canonical}"' in html  # the address to copy, selectable without JavaScript
    assert f"{SITE_URL}claims/{CLAIM}/embed/" in html  # the iframe snippet
    embed = (site / "claims" / CLAIM / "embed" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in embed.lower() and f'href="{canonical}"' in embed
    assert CLAIMS[CLAIM]["title"] in embed and 'data-verdict="teils-richtig"' in embed
    assert re.search(r"https?://", embed.replace(canonical, "")) is None, "the embed card requests nothing else"


def test_drafts_are_noindex(tmp_path: Path) -> None:
    from tests.minisite import build_content

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", content)
    draft = content / "claims" / "rathaus-blau.yml"
    draft.write_text(draft.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    site = build_content(content, tmp_path, extra_config="\nplugins:\n  - search\n  - factcheck:\n      drafts: always\n")
    head = (site / "claims" / "rathaus-blau" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert '<meta name="robots" content="noindex">' in head
    other = (site / "claims" / "sonne-drei-stunden" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert "noindex" not in other


@pytest.mark.browser
def test_front_page_and_share_area_in_chromium(built) -> None:
    site = built[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, browser() as chromium:
        found = {}
        for width, height in ((1280, 900), (390, 844)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            page.goto(base, timeout=15000)
            assert page.locator(".fc-card").count() == len(CLAIMS)
            assert page.locator(".fc-card--lead img").is_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"front page scrolls sideways at {width} px"
            page.screenshot(path=str(SHOTS / f"front-page-{width}.png"), full_page=False)
            page.close()
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        for name, path in (("home", ""), ("claim", f"claims/{CLAIM}/")):
            page.goto(base + path, timeout=15000)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)""")
            if violations:
                found[name] = violations
        page.goto(base + f"claims/{CLAIM}/embed/", timeout=15000)
        page.add_script_tag(path=str(AXE))
        found_embed = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)""")
        if found_embed:
            found["embed"] = found_embed
        page.goto(base + f"claims/{CLAIM}/", timeout=15000)
        area = page.locator(".fc-share")
        area.scroll_into_view_if_needed()
        assert page.locator(".fc-share__button").is_visible(), "the copy button is shown where JavaScript runs"
        page.locator(".fc-share__embed summary").click()
        area.screenshot(path=str(SHOTS / "share-area.png"))
        # Keyboard: the share links are reachable with Tab.
        page.locator(".fc-share__link").first.focus()
        assert page.evaluate("document.activeElement.dataset.service") == "bluesky"
        page.close()
        assert found == {}
