"""How claims as newsrooms meet them are shown: a spoken claim (an offline appearance with medium,
place, date, timestamp and transcript), a stamped screenshot, and a right-to-left (Arabic) claim —
in the page templates, as a golden page, and laid out in Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import paths
from generator.pipeline import build_site
from tests.browser import browser, serve
from tests.conftest import MINI
from tests.imagefiles import screenshot
from tests.minisite import build_content

GOLDEN = Path(__file__).resolve().parent / "golden" / "claim-spoken-rtl.md"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
CLAIM_ID = "rede-grenze"

SPOKEN_CLAIM = """id: rede-grenze
status: published
title: Wurde die Grenze im Oktober geschlossen?
claim:
  text: أُغلقت الحدود في أكتوبر بالكامل.
  language: ar
  translation:
    de: Die Grenze wurde im Oktober vollständig geschlossen.
  claimant: tagblatt
  date: 2020-01-05
  media:
    - path: media/2020/beitrag.png
      alt: Screenshot eines Beitrags, der die Behauptung auf Arabisch wiederholt.
      caption: Der weitergeleitete Beitrag.
      credit: "Screenshot: Redaktion"
      stamp: true
  appearances:
    - medium: speech
      name: Stadtrat, 3. Sitzung
      date: 2020-01-05
      timestamp: "1:02:05"
      url: https://example.org/stadtrat/sitzung-3
      archive_url: https://example.org/archive/stadtrat-3
      quote: أُغلقت الحدود في أكتوبر
    - medium: messenger
      name: Weitergeleitete Nachricht
      date: 2020-01-06
verdict: falsch
summary: Die Grenze blieb offen; nur ein Übergang war zwei Tage zu.
analysis: Das Protokoll der Grenzbehörde verzeichnet keinen geschlossenen Tag.
evidence:
  - title: Protokoll Oktober
    publisher: Grenzbehörde
    url: https://example.org/grenze/oktober
    date: 2020-01-04
topics: [stadt]
authors: [anna]
reviewers: [ben]
published: 2020-01-08
"""


@pytest.fixture
def spoken(tmp_path: Path) -> Path:
    """mini plus a spoken Arabic claim with a stamped screenshot."""
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    screenshot(content / "media" / "2020" / "beitrag.png", size=(900, 600))
    (content / "claims" / f"{CLAIM_ID}.yml").write_text(SPOKEN_CLAIM, encoding="utf-8")
    return content


def test_golden_spoken_rtl_claim(spoken: Path, update_goldens: bool) -> None:
    actual = build_site(spoken).pages[paths.claim(CLAIM_ID)].markdown()
    if update_goldens:
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8"), "golden changed; rerun with --update-goldens if intended"


def test_offline_appearance_reads_as_where_when_and_what_was_said(spoken: Path) -> None:
    html = build_site(spoken).pages[paths.claim(CLAIM_ID)].html
    speech = re.search(r'<li class="fc-appearance" data-medium="speech">(.*?)</li>', html, re.S)
    assert speech, html
    text = speech[1]
    assert "<strong>Erschienen in:</strong> Rede · Stadtrat, 3. Sitzung · 5. Januar 2020" in text
    assert 'bei <time datetime="PT1H2M5S">1:02:05</time>' in text
    assert '<a href="https://example.org/stadtrat/sitzung-3" rel="noopener noreferrer">Aufzeichnung</a>' in text
    assert '<a href="https://example.org/archive/stadtrat-3" rel="noopener noreferrer">Archivkopie</a>' in text
    assert '„<span lang="ar" dir="rtl">أُغلقت الحدود في أكتوبر</span>“' in text
    assert "Messenger · Weitergeleitete Nachricht · 6. Januar 2020" in html
    english = build_site(spoken, language="en").pages[paths.claim(CLAIM_ID)].html
    assert "Speech · Stadtrat, 3. Sitzung · 5 January 2020 · at <time" in english


def test_claim_text_and_article_text_carry_their_direction(spoken: Path) -> None:
    site = build_site(spoken)
    html = site.pages[paths.claim(CLAIM_ID)].html
    assert '<blockquote class="fc-claim__text" lang="ar" dir="rtl">' in html
    assert '<blockquote class="fc-claim__translation" lang="de"><p>' in html  # ltr: no attribute needed
    german = site.pages[paths.claim("rathaus-blau")].html
    assert 'dir="rtl"' not in german


def test_stamped_screenshot_is_a_responsive_figure(spoken: Path) -> None:
    site = build_site(spoken)
    html = site.pages[paths.claim(CLAIM_ID)].html
    figure = re.search(r'<figure class="fc-media">\n<img (.*?)>\n<figcaption>(.*?)</figcaption>', html, re.S)
    assert figure, html
    attrs, caption = figure[1], figure[2]
    assert 'src="../../media/2020/beitrag-falsch-900w.png"' in attrs
    assert 'srcset="../../media/2020/beitrag-falsch-480w.png 480w, ../../media/2020/beitrag-falsch-900w.png 900w"' in attrs
    assert 'width="900" height="600"' in attrs and 'loading="lazy"' in attrs
    assert 'alt="Screenshot eines Beitrags, der die Behauptung auf Arabisch wiederholt. ' \
           '(Mit Bewertung gestempelt: Falsch)"' in attrs
    assert caption == 'Der weitergeleitete Beitrag. · <span class="fc-media__credit">Screenshot: Redaktion</span>'
    for rendition in ("media/2020/beitrag-falsch-480w.png", "media/2020/beitrag-falsch-900w.png"):
        assert rendition in site.files


@pytest.mark.browser
def test_rtl_claim_and_stamped_screenshot_in_chromium(spoken: Path, tmp_path: Path) -> None:
    site = build_content(spoken, tmp_path / "build")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(f"{base}claims/{CLAIM_ID}/")
        claim = page.locator(".fc-claim__text")
        assert claim.evaluate("e => getComputedStyle(e).direction") == "rtl"
        box = claim.locator("p").bounding_box()
        quote = claim.bounding_box()
        assert box and quote
        # Right to left: the text hugs the right edge of its block, not the left.
        text_right = claim.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e.querySelector('p'));"
                                    " const b = r.getBoundingClientRect(); return [b.left, b.right]; }")
        assert quote["x"] + quote["width"] - text_right[1] < 40 < text_right[0] - quote["x"]
        image = page.locator(".fc-media img")
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        page.locator(".fc-claim").screenshot(path=str(SCREENSHOTS / "claim-spoken-rtl.png"))
        page.screenshot(path=str(SCREENSHOTS / "claim-spoken-rtl-page.png"), full_page=True)
