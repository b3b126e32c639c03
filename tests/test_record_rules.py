"""Issue 12's rules, each broken once on purpose: offline appearances, claim media, bidi controls and
URLs with user info. Every case names the exact line ``factcheck check`` prints (file:line: field:
problem; hint) and that nothing is written. Lines are those of tests/fixtures/mini after the change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import media
from tests.conftest import run_cli
from tests.imagefiles import png_bomb, screenshot
from tests.test_errors import CLAIM, Change, Edit, assert_refused, case, check

APPEARANCE = "    - article: tagblatt-2020-01-01\n      quote: Das Rathaus ist blau.\n"
"""Lines 10 and 11 of rathaus-blau.yml."""
OFFLINE = ("    - medium: tv\n"              # line 10
           "      name: ZDF, Markus Lanz\n"  # 11
           "      date: 2020-01-01\n"        # 12
           "      timestamp: 12:05\n"        # 13
           "      quote: Das Rathaus ist blau, sagte er.\n")  # 14
"""A valid spoken appearance in place of the article one: the claim's lines after it move down 3."""
WITH_MEDIA = "  date: 2020-01-01\n  media:\n    - path: media/post.png\n      alt: Screenshot des Beitrags\n"
"""Lines 8-11: claim.media[0] on line 10 (path), alt on 11; the appearance moves to lines 13-14."""
MEDIA_HEAD = "  date: 2020-01-01\n  media:\n"

KNOWN_MEDIUMS = "'speech', 'tv', 'radio', 'print', 'video', 'social', 'messenger' or 'other'"
BIDI_HINT = ("delete it (retype the text around it); right-to-left text needs none: "
             "the page sets the direction from the language")
USERINFO_HINT = "remove the 'user:password@' part; a link must not carry a login or hide its real host"
PLACE_HINT = "see README 'Writing a record'"


def offline(old: str, new: str) -> tuple[Change, ...]:
    """The offline appearance with one line of it changed."""
    assert old in OFFLINE
    return (Edit(CLAIM, APPEARANCE, OFFLINE.replace(old, new)),)


def with_media(entry: str, *extra: Change) -> tuple[Change, ...]:
    """claim.media with one entry (its lines start at line 10)."""
    return (Edit(CLAIM, "  date: 2020-01-01\n", MEDIA_HEAD + entry), *extra)


class Image:
    """A change that writes an image (or something pretending to be one) into content/media/."""

    def __init__(self, name: str, make) -> None:
        self.name, self.make = name, make

    def apply(self, content: Path) -> None:
        target = content / "media" / self.name
        target.parent.mkdir(parents=True, exist_ok=True)
        self.make(target)


class Symlink:
    def __init__(self, name: str, to: str) -> None:
        self.name, self.to = name, to

    def apply(self, content: Path) -> None:
        outside = content.parent / self.to
        screenshot(outside, (100, 80))
        (content / "media").mkdir(exist_ok=True)
        os.symlink(outside, content / "media" / self.name)


def _big(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(media.MAX_BYTES + 1)


def _truncated(path: Path) -> None:
    screenshot(path, (600, 400))
    path.write_bytes(path.read_bytes()[:2000])


ENTRY = "    - path: media/{name}\n      alt: Screenshot des Beitrags\n"

CASES = [
    # --- offline appearances --------------------------------------------------------------------------
    case("medium-typo-did-you-mean", offline("medium: tv", "medium: spech"),
         f"content/claims/rathaus-blau.yml:10: claim.appearances[0].medium: 'spech' is not allowed; "
         f"known: {KNOWN_MEDIUMS}; did you mean 'speech'?"),
    case("medium-without-name", offline("      name: ZDF, Markus Lanz\n", ""),
         "content/claims/rathaus-blau.yml:10: claim.appearances[0]: an appearance with 'medium' needs 'name': "
         f"where and when the claim was made; {PLACE_HINT}"),
    case("medium-without-name-and-date", offline("      name: ZDF, Markus Lanz\n      date: 2020-01-01\n", ""),
         "content/claims/rathaus-blau.yml:10: claim.appearances[0]: an appearance with 'medium' needs 'name' and "
         f"'date': where and when the claim was made; {PLACE_HINT}"),
    case("timestamp-not-mm-ss", offline("timestamp: 12:05", "timestamp: 12:5"),
         "content/claims/rathaus-blau.yml:13: claim.appearances[0].timestamp: '12:5' is not a timestamp "
         "(mm:ss or hh:mm:ss); write the minute and second in the recording, e.g. 12:05 or 1:02:30"),
    case("timestamp-seconds-over-59", offline("timestamp: 12:05", 'timestamp: "1:02:75"'),
         "content/claims/rathaus-blau.yml:13: claim.appearances[0].timestamp: '1:02:75' is not a timestamp "
         "(mm:ss or hh:mm:ss); write the minute and second in the recording, e.g. 12:05 or 1:02:30"),
    case("appearance-with-no-place", offline("    - medium: tv\n      name: ZDF, Markus Lanz\n      date", "    - date"),
         "content/claims/rathaus-blau.yml:10: claim.appearances[0]: an appearance needs 'article' and 'quote', the "
         "'url' where the claim appeared, or 'medium', 'name' and 'date' for a spoken, broadcast or printed claim; "
         f"{PLACE_HINT}"),
    case("article-and-medium", Edit(CLAIM, "      quote: Das Rathaus ist blau.\n",
                                    "      quote: Das Rathaus ist blau.\n      medium: print\n"),
         "content/claims/rathaus-blau.yml:10: claim.appearances[0]: 'medium' describes an appearance without an "
         f"article record; remove it, or remove 'article'; {PLACE_HINT}"),
    case("medium-unknown-field", offline("timestamp: 12:05", "timestmp: 12:05"),
         "content/claims/rathaus-blau.yml:13: claim.appearances[0].timestmp: unknown field; "
         "did you mean 'timestamp'?"),
    # --- bidi controls and user info --------------------------------------------------------------------
    case("title-with-rtl-override", Edit(CLAIM, "title: Ist das Rathaus blau?", "title: Ist das \u202egpj.exe?"),
         "content/claims/rathaus-blau.yml:3: title: 'Ist das \\u202egpj.exe?' is not allowed: it contains U+202E "
         f"(RIGHT-TO-LEFT OVERRIDE), an invisible bidi control character; {BIDI_HINT}"),
    case("claimant-name-with-isolate", Edit("claimants/tagblatt.yml", "name: Das Tagblatt", "name: Das \u2067Tagblatt"),
         "content/claimants/tagblatt.yml:2: name: 'Das \\u2067Tagblatt' is not allowed: it contains U+2067 "
         f"(RIGHT-TO-LEFT ISOLATE), an invisible bidi control character; {BIDI_HINT}"),
    case("evidence-publisher-with-embedding", Edit(CLAIM, "publisher: Stadtarchiv", "publisher: Stadt\u202barchiv"),
         "content/claims/rathaus-blau.yml:17: evidence[0].publisher: 'Stadt\\u202barchiv' is not allowed: it contains "
         f"U+202B (RIGHT-TO-LEFT EMBEDDING), an invisible bidi control character; {BIDI_HINT}"),
    case("url-with-user-and-password",
         Edit(CLAIM, "url: https://example.org/archiv/rathaus", "url: https://user:geheim@example.org/archiv/rathaus"),
         "content/claims/rathaus-blau.yml:18: evidence[0].url: 'https://user:geheim@example.org/archiv/rathaus' is "
         f"not allowed: a URL with user info (user:password@) before the host; {USERINFO_HINT}"),
    case("url-hiding-its-host",
         Edit(CLAIM, "archive_url: https://example.org/archive/rathaus",
              "archive_url: https://example.org@evil.example/rathaus"),
         "content/claims/rathaus-blau.yml:20: evidence[0].archive_url: 'https://example.org@evil.example/rathaus' is "
         f"not allowed: a URL with user info (user:password@) before the host; {USERINFO_HINT}"),
    # --- media: the record ------------------------------------------------------------------------------
    case("media-without-alt", with_media("    - path: media/post.png\n", Image("post.png", screenshot)),
         "content/claims/rathaus-blau.yml:10: claim.media[0].alt: required field is missing; add 'alt:' saying what "
         "the image shows, for readers who cannot see it"),
    case("media-path-escapes", with_media(ENTRY.format(name="../../secret.png").replace("media/../", "../")),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: '../../secret.png' is outside content/media/; "
         "give the path relative to content/, e.g. media/2017/screenshot.png"),
    case("media-path-absolute", with_media("    - path: /etc/passwd.png\n      alt: x\n"),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: '/etc/passwd.png' is outside content/media/; "
         "give the path relative to content/, e.g. media/2017/screenshot.png"),
    case("media-path-with-space", with_media(ENTRY.format(name="mein post.png")),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: 'media/mein post.png' is not a plain path "
         "(letters, digits, '.', '-', '_' and '/' only); rename the file: no spaces, umlauts or other special "
         "characters"),
    case("media-path-gif", with_media(ENTRY.format(name="post.gif")),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: 'media/post.gif' is not a PNG, JPEG or WebP file "
         "name (.png, .jpg, .jpeg, .webp); convert the image to PNG (screenshots) or JPEG (photos)"),
    case("media-alt-two-lines", with_media('    - path: media/post.png\n      alt: "eins\\nzwei"\n',
                                           Image("post.png", screenshot)),
         "content/claims/rathaus-blau.yml:11: claim.media[0].alt: 'eins\\nzwei' is not allowed: titles and names are "
         "one line, without < or >; write it on one line and use words instead of angle brackets"),
    # --- media: the file -------------------------------------------------------------------------------
    case("media-file-missing", with_media(ENTRY.format(name="fehlt.png")),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: file not found: content/media/fehlt.png; "
         "check the path and its upper/lower case; images live in content/media/"),
    case("media-not-an-image", with_media(ENTRY.format(name="post.png"),
                                          Image("post.png", lambda p: p.write_text("<svg/>", encoding="utf-8"))),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: not a PNG, JPEG or WebP image; export it again "
         "as PNG (screenshots) or JPEG (photos); the name's ending does not make a file an image"),
    case("media-decompression-bomb", with_media(ENTRY.format(name="bomb.png"), Image("bomb.png", png_bomb)),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: 900000000 pixels, more than the limit of "
         "40 megapixels; a decompression bomb, or a far too large original: scale it down"),
    case("media-over-40-megapixels",
         with_media(ENTRY.format(name="gross.png"), Image("gross.png", lambda p: png_bomb(p, 7000))),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: 7000×7000 pixels, more than the limit of "
         "40 megapixels; a decompression bomb, or a far too large original: scale it down"),
    case("media-over-size-limit", with_media(ENTRY.format(name="riesig.png"), Image("riesig.png", _big)),
         f"content/claims/rathaus-blau.yml:10: claim.media[0].path: file is {media.MAX_BYTES + 1} bytes, more than "
         "the limit of 10485760; scale or compress it; a screenshot needs no more than 2000 pixels across"),
    case("media-symlink-out-of-content", with_media(ENTRY.format(name="link.png"), Symlink("link.png", "geheim.png")),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: leads outside content/media/ (through a symbolic "
         "link); copy the image into content/media/ instead of linking to it"),
    case("media-in-appearance-missing",
         Edit(CLAIM, APPEARANCE, APPEARANCE + "      media:\n        - path: media/fehlt.jpg\n          alt: Foto\n"),
         "content/claims/rathaus-blau.yml:13: claim.appearances[0].media[0].path: file not found: "
         "content/media/fehlt.jpg; check the path and its upper/lower case; images live in content/media/"),
    case("media-copy-would-replace-a-file",
         with_media(ENTRY.format(name="post.png"), Image("post.png", screenshot), Image("post-480w.png", screenshot)),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: its copy media/post-480w.png would replace the "
         "file content/media/post-480w.png; rename that file (names ending in -480w and the like are kept for the "
         "built copies)"),
    case("media-stamp-label-without-glyphs",
         (*with_media(ENTRY.format(name="post.png") + "      stamp: true\n", Image("post.png", screenshot)),
          Edit("verdicts.yml", "label: {de: Falsch", "label: {de: خطأ")),
         "content/claims/rathaus-blau.yml:12: claim.media[0].stamp: the verdict label 'خطأ' has characters the "
         "stamp's font (Noto Sans) lacks: خ ط أ; set 'stamp: false'; the page shows the verdict beside the image"),
    case("media-and-link-problems-together",
         (*with_media(ENTRY.format(name="fehlt.png")), Edit(CLAIM, "verdict: falsch", "verdict: falsh")),
         "content/claims/rathaus-blau.yml:10: claim.media[0].path: file not found: content/media/fehlt.png; "
         "check the path and its upper/lower case; images live in content/media/",
         "content/claims/rathaus-blau.yml:15: verdict: 'falsh' is not a verdict; known: richtig, teils-richtig, "
         "falsch, unbelegt; did you mean 'falsch'?"),
]


@pytest.mark.parametrize(("changes", "lines"), CASES)
def test_error_line(mini: Path, capsys, monkeypatch, changes: tuple[Change, ...], lines: tuple[str, ...]) -> None:
    assert_refused(mini, capsys, monkeypatch, changes, lines)


VALID = [
    pytest.param((Edit(CLAIM, APPEARANCE, OFFLINE),), id="spoken-on-tv"),
    pytest.param(offline("timestamp: 12:05", "timestamp: 1:02:30"), id="hh-mm-ss-unquoted"),
    pytest.param(offline("timestamp: 12:05", 'timestamp: "75:10"'), id="long-mm-ss"),
    pytest.param(offline("    - medium: tv\n", "    - medium: messenger\n      url: https://example.org/weitergeleitet\n"
                                                 "      archive_url: https://example.org/archiv/weitergeleitet\n"),
                 id="messenger-with-url"),
    pytest.param((Edit(CLAIM, APPEARANCE, "    - url: https://example.org/post/1\n      quote: Das Rathaus ist blau.\n"),),
                 id="url-with-quote"),
    pytest.param((Edit(CLAIM, "title: Ist das Rathaus blau?", "title: هل مبنى البلدية أزرق؟"),), id="arabic-title"),
    pytest.param((Edit(CLAIM, "title: Ist das Rathaus blau?", "title: Ist das Rathaus blau?\u200f"),),
                 id="right-to-left-mark-is-no-control"),
    pytest.param(with_media(ENTRY.format(name="2020/post.png") + "      caption: Der Beitrag vom 1. Januar.\n"
                            "      credit: \"Screenshot: Redaktion\"\n      stamp: true\n",
                            Image("2020/post.png", screenshot)), id="stamped-screenshot"),
]


@pytest.mark.parametrize("changes", VALID)
def test_valid_variants_pass(mini: Path, capsys, monkeypatch, changes: tuple[Change, ...]) -> None:
    code, err = check(mini, capsys, monkeypatch, *changes)
    assert code == 0, err


def test_the_first_publication_is_unchanged_and_valid(capsys) -> None:
    from tests.conftest import ROOT
    code, out, err = run_cli(capsys, "--content", str(ROOT / "content"), "check")
    assert code == 0, err
    assert not (ROOT / "content" / "media").exists()
