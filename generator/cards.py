"""Share cards: one 1200×630 PNG per claim (verdict, claim, claimant and date, site name) and one
for the site, what a shared link previews as (``og:image``).

Drawn with Pillow from Noto Sans (OFL, PyPI ``fontpkg-noto-sans``: Latin incl. every German,
French and Polish letter, Greek, Cyrillic); nothing is fetched at build time, no Cairo.

* No tofu: a text with a character the font lacks (its ``cmap``, read with fontTools) is not
  drawn; the caller picks another text (``drawable``) or leaves the line off.
* Deterministic: fixed layout engine (Pillow's basic one, not Raqm, whose presence differs between
  machines), a palette image, a PNG of four chunks and nothing else (no time, no text), every
  compressed piece from a fresh compressor of fixed parameters (nothing carried from card to card).
* Cached by content hash: the hash covers every drawn value, the font file and the versions of
  Pillow, FreeType, the compressors and this drawing code, so a card is drawn once and reused by
  every later build from ``.cache/`` (CI restores it). Missing cards are drawn in worker processes
  (fork, as ``sanitize.convert_many``).
* Fast (10,000 cards are drawn in a cold build; ``benchmarks/cards.py`` measures them): what a
  card shares with every other card of its verdict (band, icon, label, footer rule, site name) is
  drawn and compressed once per verdict (``_base``); per card only the rows between band and footer
  are drawn, and of them only the rows with ink are compressed (with ISA-L where it is installed),
  and the PNG's zlib stream is joined from the pieces (``_png``). Encoding the whole image with
  Pillow was 2/3 of a card's time. Glyphs are rasterised once per process and pasted; the image is
  8-bit with a palette of colour ramps, so antialiased text stays exact and the PNG holds a third
  of RGB's bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import struct
import sys
import threading
import time
import unicodedata
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

import fontpkg
import PIL
from PIL import Image, ImageDraw, ImageFont, features

from .sanitize import _workers

WIDTH, HEIGHT = 1200, 630
DRAWING_VERSION = "2"
"""Bump when the drawing or its encoding changes: every cached card is then drawn anew."""
FONT_FAMILY = "Noto Sans"
PARALLEL_FROM = 16


@dataclass(frozen=True)
class Deflater:
    """What compresses the rows drawn per card: a module with zlib's ``compressobj`` interface.
    (What is compressed once per process, band, footer and blank rows, is zlib's at level 9.)"""

    name: str
    version: str
    module: ModuleType
    level: int


ZLIB = Deflater("zlib", zlib.ZLIB_RUNTIME_VERSION, zlib, 1)
"""Python's zlib. Level 1: as small as 3 within 10 %, at a third of the time of 6."""


def _isal() -> Deflater | None:
    """ISA-L (PyPI ``isal``, wheels for x86-64 and ARM64): deflate in assembly, ~4× faster than zlib
    at level 1 on card rows and 7 % smaller; compressing was 2/3 of a card's time with zlib."""
    try:
        import isal
        from isal import isal_zlib
    except ImportError:  # a platform without wheels (isal's pyproject marker): zlib
        return None
    return Deflater("isal", isal.__version__, isal_zlib, 1)


DEFLATER = _isal() or ZLIB

INK = (0x1A, 0x1A, 0x1A)
WHITE = (0xFF, 0xFF, 0xFF)
MARGIN = 60
BAND = 170
"""Last row of the verdict band."""
FOOT = HEIGHT - 90
"""First row of the footer (rule and site name)."""
ROW = WIDTH + 1
"""Bytes of a PNG scanline: the filter type (0, none: the right one for palette images) and a byte per pixel."""


@dataclass(frozen=True, slots=True)
class Card:
    """What one card shows; every field is plain text, checked with ``drawable`` already."""

    path: str
    """Where it goes in the site, e.g. ``claims/<id>/card.png``."""
    colour: str
    """The verdict's colour (``#rrggbb``), or the site's accent on the site card."""
    icon: str
    """A verdict icon name (``model.Verdict.icon``), or "" (site card)."""
    label: str
    """The verdict label, or the site's name on the site card."""
    text: str
    """The claim, or "" to leave it off."""
    byline: str
    """Claimant · date, or ""."""
    site: str

    def key(self) -> str:
        """Content hash: what is drawn (every field but ``path``) and what draws and encodes it."""
        drawn = json.dumps([getattr(self, name) for name in _DRAWN], ensure_ascii=False)
        return hashlib.sha256(_key_prefix(DEFLATER) + drawn.encode("utf-8")).hexdigest()


_DRAWN = tuple(f.name for f in dataclasses.fields(Card) if f.name != "path")


@functools.cache
def _key_prefix(deflater: Deflater) -> bytes:
    return json.dumps({"drawing": DRAWING_VERSION, "pillow": PIL.__version__, "freetype": features.version("freetype2"),
                       "rows": [deflater.name, deflater.version, deflater.level], "zlib": zlib.ZLIB_RUNTIME_VERSION,
                       "font": _font_identity()}, sort_keys=True).encode("utf-8")


# -- the font ------------------------------------------------------------------------------------
@functools.cache
def font_path() -> Path:
    return Path(fontpkg.path(FONT_FAMILY))


@functools.cache
def _font_identity() -> str:
    path = font_path()
    return f"{path.name}:{path.stat().st_size}"


@functools.cache
def covered() -> frozenset[int]:
    """Code points the font has a glyph for."""
    from fontTools.ttLib import TTFont  # only the cmap is read (lazy)

    return frozenset(TTFont(str(font_path()), lazy=True)["cmap"].getBestCmap())


@functools.cache
def _covered_chars() -> frozenset[str]:
    return frozenset(map(chr, covered()))


def drawable(text: str) -> bool:
    """Every character of ``text`` has a glyph (whitespace aside): drawing it makes no tofu box."""
    # A set difference, not a test per character: every claim's texts are checked in every build.
    missing = set(unicodedata.normalize("NFC", text)) - _covered_chars()
    return all(ch.isspace() for ch in missing)


def first_drawable(*texts: str | None) -> str:
    """The first non-empty text of ``texts`` the font can draw, else ""."""
    return next((t for t in texts if t and drawable(t)), "")


# -- drawing -------------------------------------------------------------------------------------
Glyph = tuple[int, int, Image.Image | None]
"""Left and top offset of a glyph's mask from the pen position and the line's top, and the mask."""


class _Face:
    """One size and weight of the font, with each glyph rasterised once (pasting is ~8× faster
    than letting Pillow lay out every string anew)."""

    def __init__(self, size: int, weight: int) -> None:
        self.font = ImageFont.truetype(str(font_path()), size, layout_engine=ImageFont.Layout.BASIC)
        axes = self.font.get_variation_axes()
        self.font.set_variation_by_axes([float(weight) if _axis_name(a) == "weight" else float(a["default"])
                                         for a in axes])
        self.size = size
        ascent, descent = self.font.getmetrics()
        self.ascent, self.line = ascent, ascent + descent
        self._advance: dict[str, float] = {}
        self._glyphs: dict[str, Glyph] = {}

    def _load(self, ch: str) -> None:
        left, top, right, bottom = self.font.getbbox(ch)
        mask = None
        if right > left and bottom > top:
            mask = Image.new("L", (right - left, bottom - top), 0)
            ImageDraw.Draw(mask).text((-left, -top), ch, font=self.font, fill=255)
        self._glyphs[ch] = (left, top, mask)
        self._advance[ch] = self.font.getlength(ch)

    def width(self, text: str) -> float:
        advance = self._advance
        for ch in text:
            if ch not in advance:
                self._load(ch)
        return sum(map(advance.__getitem__, text))

    def draw(self, im: Image.Image, x: float, y: int, text: str, ink: int) -> tuple[int, int]:
        """``text`` with its top at ``y``; ``ink`` is a palette index (see ``_palette``). Returns the
        rows pasted on, first and after last (both ``y`` if nothing was)."""
        self.width(text)  # every glyph loaded
        glyphs, advance = self._glyphs, self._advance
        first, end = HEIGHT, -HEIGHT
        for ch in text:
            left, top, mask = glyphs[ch]
            if mask is not None:
                im.paste(ink, (round(x) + left, y + top), mask)
                first, end = min(first, y + top), max(end, y + top + mask.height)
            x += advance[ch]
        return (first, end) if end > first else (y, y)


def _axis_name(axis: dict[str, object]) -> str:
    name = axis["name"]
    return (name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)).strip().lower()


@functools.cache
def _face(size: int, weight: int) -> _Face:
    return _Face(size, weight)


def wrap(text: str, face: _Face, width: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` pixels, broken at spaces (inside a word
    that is too long on its own); a cut text ends in "…"."""
    words = " ".join(unicodedata.normalize("NFC", text).split()).split(" ")
    space = face.width(" ")
    out: list[str] = []
    current, current_width = "", 0.0
    for word in words:
        word_width = face.width(word)
        if current and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if not current and word_width <= width:
            current, current_width = word, word_width
            continue
        if current:
            out.append(current)
        current, current_width = word, word_width
        while current_width > width:  # a word longer than the line: break it
            cut = len(current)
            while cut > 1 and face.width(current[:cut]) > width:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
            current_width = face.width(current)
        if len(out) > lines:
            break  # the rest is cut anyway
    if current and len(out) <= lines:
        out.append(current)
    if len(out) <= lines:
        return out
    last = out[lines - 1]
    while " " in last and face.width(last.rstrip(" ,.;:–-") + "…") > width:
        last = last.rsplit(" ", 1)[0]  # whole words first
    while last and face.width(last.rstrip(" ,.;:–-") + "…") > width:
        last = last[:-1]
    return out[:lines - 1] + [last.rstrip(" ,.;:–-") + "…"]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _on(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever contrasts more with ``colour`` (WCAG relative luminance)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    lum = 0.2126 * channel(colour[0]) + 0.7152 * channel(colour[1]) + 0.0722 * channel(colour[2])
    return WHITE if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else (0, 0, 0)


# Palette: four ramps of 64 entries. Text is drawn as a blend of a background index and an ink
# index of the same ramp, so every antialiased pixel lands on the exact colour between the two.
BODY, BAND_RAMP, BADGE = 0, 128, 192
"""Ramp starts: white → ink (body text), verdict colour → its text colour (band), white → verdict
colour (the icon disc)."""
TOP = 63


@functools.cache
def _palette(colour: tuple[int, int, int]) -> bytes:
    """The PLTE entries of a card in ``colour``."""
    def ramp(a: tuple[int, int, int], b: tuple[int, int, int]) -> list[int]:
        return [round(a[c] + (b[c] - a[c]) * i / TOP) for i in range(64) for c in range(3)]
    return bytes(ramp(WHITE, INK) + ramp(WHITE, WHITE) + ramp(colour, _on(colour)) + ramp(WHITE, colour))


def _icon(draw: ImageDraw.ImageDraw, name: str, cx: int, cy: int, r: int, im: Image.Image) -> None:
    """The verdict icon as shapes inside a white disc (no glyph needed: ✔ ◐ ✘ are not in Noto Sans)."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=BADGE)
    ink, s = BADGE + TOP, r * 0.5
    thick = max(4, r // 5) if name in ("check", "cross") else max(3, r // 8)
    if name in ("check", "check-minus"):
        draw.line([(cx - s, cy), (cx - s / 3, cy + s * 0.7), (cx + s, cy - s * 0.7)], fill=ink, width=thick,
                  joint="curve")
    elif name in ("cross", "cross-minus"):
        draw.line([(cx - s, cy - s), (cx + s, cy + s)], fill=ink, width=thick)
        draw.line([(cx - s, cy + s), (cx + s, cy - s)], fill=ink, width=thick)
    elif name == "half":
        box = (cx - s * 1.2, cy - s * 1.2, cx + s * 1.2, cy + s * 1.2)
        draw.ellipse(box, outline=ink, width=max(3, r // 10))
        draw.pieslice(box, 90, 270, fill=ink)
    else:  # alert, question: the character itself
        face = _face(int(r * 1.3), 800)
        ch = "!" if name == "alert" else "?"
        face.draw(im, cx - face.width(ch) / 2, cy - face.line // 2, ch, ink)


# -- what every card of a verdict shares, drawn once ----------------------------------------------
@dataclass(frozen=True, slots=True)
class _Piece:
    """Scanlines compressed on their own: raw deflate that ends on a byte boundary and refers to
    nothing before it (a new compressor, or a full flush), so pieces can be joined into one zlib stream."""

    data: bytes
    adler: int
    """Adler-32 of the uncompressed scanlines."""
    size: int
    """Their length in bytes."""


def _compressor(deflater: Deflater, level: int) -> Any:
    """A new compressor of raw deflate (no zlib header: ``_png`` writes one around the pieces).
    New for each card or piece: its bytes depend on what it is given alone, whichever process
    draws and whatever it drew before (byte-identical rebuilds)."""
    return deflater.module.compressobj(level, deflater.module.DEFLATED, -15)


def _deflate(raw: bytes) -> _Piece:
    """Rows compressed once per process: as small as zlib makes them (the band is 2 kB, not 4 as
    with ISA-L; every card file carries it)."""
    z = _compressor(ZLIB, 9)
    return _Piece(z.compress(raw) + z.flush(zlib.Z_FULL_FLUSH), zlib.adler32(raw), len(raw))


@functools.cache
def _blank(rows: int) -> _Piece:
    """``rows`` empty scanlines (filter 0, palette index 0: the white background)."""
    return _deflate(bytes(rows * ROW))


@dataclass(frozen=True, slots=True)
class _Base:
    """A card without claim and byline: the PNG's header and palette, and its top rows (the band:
    colour, icon, label) and bottom rows (rule, site name), compressed."""

    head: bytes
    top: _Piece
    bottom: _Piece


def _layout(card: Card) -> tuple[_Face, int]:
    """The face of the claim and the top of the byline."""
    by_face = _face(32, 400)
    return _face(44 if card.icon else 40, 500), FOOT - by_face.line - 24


@functools.cache
def _base(colour: str, icon: str, label: str, site: str) -> _Base:
    scanlines = Image.new("L", (ROW, HEIGHT), 0)  # column 0: the filter type of each scanline
    scanlines.paste(_base_picture(colour, icon, label, site), (1, 0))
    raw = scanlines.tobytes()
    head = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0))
            + _chunk(b"PLTE", _palette(_rgb(colour))))
    return _Base(head, _deflate(raw[:(BAND + 1) * ROW]), _deflate(raw[FOOT * ROW:]))


def _base_picture(colour: str, icon: str, label: str, site: str) -> Image.Image:
    """Band (colour, icon, label) and footer (rule, site name) of a card, the rows between blank."""
    im = Image.new("L", (WIDTH, HEIGHT), BODY)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, WIDTH, BAND), fill=BAND_RAMP)
    if icon:
        _icon(d, icon, MARGIN + 50, BAND // 2, 50, im)
        label_x, face, lines = MARGIN + 130, _face(60, 700), 1
    else:
        label_x, face, lines = MARGIN, _face(40, 600), 2
    wrapped = wrap(label, face, WIDTH - label_x - MARGIN, lines)
    top = (BAND - face.line * len(wrapped)) // 2
    for i, line in enumerate(wrapped):
        face.draw(im, label_x, top + i * face.line, line, BAND_RAMP + TOP)
    d.rectangle((0, FOOT, WIDTH, FOOT + 8), fill=BAND_RAMP)
    if site:
        site_face = _face(34, 700)
        site_face.draw(im, MARGIN, FOOT + 26, wrap(site, site_face, WIDTH - 2 * MARGIN, 1)[0], BODY + TOP)
    return im


# -- one card ------------------------------------------------------------------------------------
MIDDLE = FOOT - BAND - 1
"""Rows drawn per card: between band and footer."""
STRIP = 48
"""Rows handed to the compressor at a time: 58 kB, small enough for malloc to reuse memory (larger
buffers are fresh pages from the kernel each time, whose page faults cost as much as compressing)."""
JOIN_GAP = 24
"""Empty rows between two runs of ink (the gaps between lines of text) that are compressed with them
rather than as a blank piece: each run ends in a flush and the next starts a new block, which costs
about as much as a few empty rows (measured: no difference from 0 to 96 rows; 24 keeps lines together)."""


def _middle(card: Card, im: Image.Image) -> list[tuple[int, int]]:
    """Claim and byline drawn on ``im`` (``MIDDLE`` PNG scanlines: drawn one pixel to the right,
    column 0 being each scanline's filter type); returns the runs of rows that have ink."""
    x, dy = MARGIN + 1, -(BAND + 1)
    text_face, byline_top = _layout(card)
    inked = []
    y = BAND + 36
    if card.text:
        step = round(text_face.line * 1.08)
        room = max(1, (byline_top - 12 - y) // step)
        for line in wrap(f"„{card.text}“" if card.icon else card.text, text_face, WIDTH - 2 * MARGIN, room):
            inked.append(text_face.draw(im, x, y + dy, line, BODY + TOP))
            y += step
    if card.byline:
        by_face = _face(32, 400)
        byline = wrap(card.byline, by_face, WIDTH - 2 * MARGIN, 1)[0]
        inked.append(by_face.draw(im, x, byline_top + dy, byline, BODY + 40))
    runs: list[tuple[int, int]] = []
    for first, end in sorted((max(0, a), min(MIDDLE, b)) for a, b in inked if b > a):
        if runs and first <= runs[-1][1] + JOIN_GAP:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        elif end > first:
            runs.append((first, end))
    return runs


@functools.cache
def _canvas() -> Image.Image:
    """The rows of one card, blank between cards (one per process: a new image is fresh pages)."""
    return Image.new("L", (ROW, MIDDLE), BODY)


def draw(card: Card, deflater: Deflater | None = None) -> bytes:
    """The card as PNG bytes; the same card gives the same bytes."""
    deflater = deflater or DEFLATER
    base = _base(card.colour, card.icon, card.label, card.site)
    im = _canvas()
    try:
        runs = _middle(card, im)
        ink = _compress_runs(im, runs, deflater)
    finally:
        im.paste(BODY, (0, 0, ROW, MIDDLE))
    pieces = [base.top]
    row = 0
    for (first, end), piece in zip(runs, ink):
        if first > row:
            pieces.append(_blank(first - row))
        pieces.append(piece)
        row = end
    if row < MIDDLE:
        pieces.append(_blank(MIDDLE - row))
    pieces.append(base.bottom)
    return _png(base.head, pieces)


def _compress_runs(im: Image.Image, runs: list[tuple[int, int]], deflater: Deflater) -> list[_Piece]:
    """The rows of each run, compressed. One compressor per card; a full flush after each run ends
    it on a byte boundary and clears the compressor's memory of it, so that no later run refers
    back across the blank rows put between."""
    z = _compressor(deflater, deflater.level)
    pieces = []
    for first, end in runs:
        data, adler = [], 1
        for top in range(first, end, STRIP):
            raw = im.crop((0, top, ROW, min(end, top + STRIP))).tobytes()
            adler = zlib.adler32(raw, adler)
            data.append(z.compress(raw))
        data.append(z.flush(deflater.module.Z_FULL_FLUSH))
        pieces.append(_Piece(b"".join(data), adler, (end - first) * ROW))
    return pieces


def picture(card: Card) -> Image.Image:
    """What ``draw`` encodes, drawn the plain way (one image, no pieces, no blank rows left out):
    for tests."""
    middle = Image.new("L", (ROW, MIDDLE), BODY)
    _middle(card, middle)
    im = _base_picture(card.colour, card.icon, card.label, card.site)
    im.paste(middle.crop((1, 0, ROW, MIDDLE)), (0, BAND + 1))
    im.putpalette(_palette(_rgb(card.colour)))
    return im


def _png(head: bytes, pieces: list[_Piece]) -> bytes:
    """A PNG of ``head`` (signature, IHDR, PLTE), one IDAT and IEND: nothing else, no time, no text."""
    adler = 1  # of no bytes
    for piece in pieces:
        adler = _adler32_combine(adler, piece.adler, piece.size)
    # zlib header (deflate, 32 KiB window, "fastest"), the pieces, an empty final block
    # (BFINAL, fixed Huffman codes, end of block), the checksum of all scanlines.
    stream = b"".join([b"\x78\x01", *(piece.data for piece in pieces), b"\x03\x00", adler.to_bytes(4, "big")])
    return head + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


_ADLER_MOD = 65521


def _adler32_combine(first: int, second: int, second_size: int) -> int:
    """The Adler-32 of two byte strings one after the other, from theirs (zlib's adler32_combine,
    which Python's zlib module does not offer): the first's sum counts once more per byte of the second."""
    rem = second_size % _ADLER_MOD
    s1 = ((first & 0xFFFF) + (second & 0xFFFF) + _ADLER_MOD - 1) % _ADLER_MOD
    s2 = (rem * (first & 0xFFFF) + (first >> 16) + (second >> 16) + _ADLER_MOD - rem) % _ADLER_MOD
    return (s2 << 16) | s1


# -- the cache -----------------------------------------------------------------------------------
@dataclass
class CardStats:
    cards: int = 0
    drawn: int = 0
    reused: int = 0
    removed: int = 0
    """Cached cards of an earlier build that this one no longer uses, deleted."""
    draw_seconds: float = 0.0
    copy_seconds: float = 0.0
    """Beside the build (``CardJob``): the card process's time for drawing and for copying."""


def _draw_to(job: tuple[Card, str]) -> None:
    card, target = job
    _write(Path(target), draw(card))


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a build stopped midway leaves no half card that a later one would reuse."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def render(cards: Iterable[Card], cache: Path) -> tuple[dict[str, Path], CardStats]:
    """Site path → cached PNG file of each card, drawing only the cards not in ``cache`` yet.
    With every card cached this is a hash per card and one directory listing."""
    files, missing, stats = _plan(cards, cache)
    _draw_all(missing, _workers() if len(missing) >= PARALLEL_FROM else 1)
    return files, stats


def _plan(cards: Iterable[Card], cache: Path) -> tuple[dict[str, Path], list[tuple[Card, str]], CardStats]:
    """Where each card's PNG is in ``cache``, the cards to draw there, and the stale cards removed."""
    cache.mkdir(parents=True, exist_ok=True)
    present = set(os.listdir(cache))
    out: dict[str, Path] = {}
    todo: dict[str, Card] = {}
    stats = CardStats()
    for card in cards:
        name = f"{card.key()}.png"
        out[card.path] = cache / name
        stats.cards += 1
        if name in todo or name in present:
            stats.reused += 1
        else:
            todo[name] = card
    # Cards this site no longer shows (an edited claim, a new drawing version) go: the cache CI
    # keeps would otherwise grow with every edit (250 MB per drawing version at 10,000 claims).
    # So do the temporary files of a drawing process that was stopped (``CardJob.cancel``).
    used = {path.name for path in out.values()}
    for name in sorted(present - used):
        if name.endswith(".png") or (name.startswith(".") and name.endswith(".tmp")):
            (cache / name).unlink(missing_ok=True)
            if name.endswith(".png"):
                stats.removed += 1
    missing = [(card, str(cache / name)) for name, card in sorted(todo.items())]
    stats.drawn = len(missing)
    return out, missing, stats


def _draw_all(missing: list[tuple[Card, str]], workers: int) -> None:
    if workers > 1:
        # The bases first, so that every worker inherits them (and their glyphs) instead of drawing them.
        for card, _ in missing:
            _base(card.colour, card.icon, card.label, card.site)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # Small chunks: cards cost alike, and the last chunk should not leave a core idle for long.
            list(pool.map(_draw_to, missing, chunksize=max(1, min(64, len(missing) // (workers * 8)))))
    else:
        for job in missing:
            _draw_to(job)


class CardError(Exception):
    """Drawing or copying the share cards failed (the message says what, from the process that did it)."""


class CardJob:
    """The share cards of one build, and their way into the site.

    With ``beside``, one process of its own draws the missing cards and then copies every card into
    the site while the build goes on: MkDocs builds pages on one core, and drawing 10,000 cards
    (12 s on both cores before the first page) and copying them (MkDocs copied them as static
    files, 2–5 s) fit on the other. This is Material's social plugin's way (cards made during the
    build and copied into the site by the plugin, not given to MkDocs as files), with a process
    instead of threads because drawing is mostly Python. Without ``beside`` (``mkdocs serve``,
    where other threads run and forking is unsafe, or no fork on this platform) ``draw`` draws
    them then and there, and ``wait`` copies them.

    The process is forked when the job is made, before the records are loaded: a child forked
    later shares the build's pages, and every page the build then touches (CPython's reference
    counts write to every object read) is copied for one of the two, so the child would grow
    towards the whole build's size. The cards reach it through a pipe (``draw``); the site folder
    too, once MkDocs has emptied it (``publish``, from on_files: after on_pre_build); it reports
    to ``wait`` (on_post_build)."""

    def __init__(self, cache: Path, *, beside: bool) -> None:
        self.cache = cache
        self.files: dict[str, Path] = {}
        """Site path → the card's PNG in the cache (``draw`` fills it)."""
        self.stats = CardStats()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None
        self._site_dir: Path | None = None
        if beside and sys.platform == "linux" and threading.active_count() == 1:
            fork = multiprocessing.get_context("fork")
            ours, theirs = fork.Pipe()
            self._process = fork.Process(target=_beside, args=(theirs, ours), name="factcheck-cards", daemon=True)
            self._process.start()
            theirs.close()
            self._pipe = ours
        self.beside = self._process is not None
        """Whether a process of its own draws and copies the cards."""

    def draw(self, cards: Iterable[Card]) -> None:
        """Find each card in the cache and draw the missing ones (beside: hand them to the process)."""
        self.files, missing, self.stats = _plan(cards, self.cache)
        if self._pipe is not None:
            self._pipe.send((missing, self.files))
        else:
            _draw_all(missing, _workers() if len(missing) >= PARALLEL_FROM else 1)

    def publish(self, site_dir: Path) -> None:
        """The site folder is ready (emptied by MkDocs): the cards may go into it now."""
        self._site_dir = site_dir
        if self._pipe is not None:
            self._pipe.send(str(site_dir))

    def wait(self) -> None:
        """Once this returns, every card is in the site folder given to ``publish``."""
        if self._process is None or self._pipe is None:
            if self._site_dir is not None:
                copy_into(self.files, self._site_dir)
            return
        pipe, process = self._pipe, self._process
        self._pipe = self._process = None
        try:
            if self._site_dir is None:  # never published (no site folder): it only draws into the cache
                pipe.send(None)
            report = pipe.recv()
        except EOFError:  # the process ended without a word (killed)
            report = None
        finally:
            pipe.close()
            process.join()
        if not isinstance(report, tuple):
            raise CardError(report or f"the card process ended with exit code {process.exitcode}")
        self.stats.draw_seconds, self.stats.copy_seconds = report

    def cancel(self) -> None:
        """The build failed: stop the process (a card half written stays a temporary file, removed
        by the next build's ``_plan``)."""
        if self._process is not None and self._pipe is not None:
            self._process.terminate()
            self._process.join()
            self._pipe.close()
            self._process = self._pipe = None


def _beside(pipe: Connection, other_end: Connection) -> None:
    """The card process (``CardJob``): draw what ``draw`` sends, wait for the site folder, copy, report."""
    other_end.close()  # the build's end: with it closed here too, the build's exit ends recv() below
    try:
        missing, files = pipe.recv()
        start = time.perf_counter()
        for job in missing:
            _draw_to(job)
        drawn = time.perf_counter()
        site_dir = pipe.recv()
        copying = time.perf_counter()
        if site_dir is not None:
            copy_into(files, Path(site_dir))
        pipe.send((drawn - start, time.perf_counter() - copying))
    except (EOFError, KeyboardInterrupt):  # the build ended (or Ctrl-C stopped it) first: nothing to do
        pass
    # Any failure: CardJob.wait reports it in the build's process, as an error without a traceback.
    except Exception as exc:  # noqa: BLE001
        with contextlib.suppress(OSError):
            pipe.send(f"{type(exc).__name__}: {exc}")
    finally:
        pipe.close()


def copy_into(files: dict[str, Path], site_dir: Path) -> None:
    """Copy each card from the cache to its place in the site folder (sorted: the same order each time)."""
    for site_path, source in sorted(files.items()):
        target = site_dir / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
