"""Share cards: one 1200×630 PNG per claim (verdict, claim, claimant and date, site name) and one
for the site, what a shared link previews as (``og:image``).

Drawn with Pillow from Noto Sans (OFL, PyPI ``fontpkg-noto-sans``: Latin incl. every German,
French and Polish letter, Greek, Cyrillic); nothing is fetched at build time, no Cairo.

* No tofu: a text with a character the font lacks (its ``cmap``, read with fontTools) is not
  drawn; the caller picks another text (``drawable``) or leaves the line off.
* Deterministic: fixed layout engine (Pillow's basic one, not Raqm, whose presence differs between
  machines), a palette image, no PNG metadata (no time, no text chunks), fixed compression.
* Cached by content hash: the hash covers every drawn value, the font file and the versions of
  Pillow and of this drawing code, so a card is drawn once and reused by every later build from
  ``.cache/`` (CI restores it). Missing cards are drawn in worker processes (fork, as
  ``sanitize.convert_many``).
* Fast: glyphs are rasterised once per process and pasted; the image is 8-bit with a palette of
  colour ramps, so antialiased text stays exact and the PNG encodes a third of the RGB bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import multiprocessing
import os
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import fontpkg
import PIL
from PIL import Image, ImageDraw, ImageFont

from .sanitize import _workers

WIDTH, HEIGHT = 1200, 630
DRAWING_VERSION = "1"
"""Bump when the drawing changes: every cached card is then drawn anew."""
FONT_FAMILY = "Noto Sans"
PNG_COMPRESSION = 3
"""zlib level: 3 is within 10 % of 9's size at half the time of 6."""
PARALLEL_FROM = 16

INK = (0x1A, 0x1A, 0x1A)
WHITE = (0xFF, 0xFF, 0xFF)
MARGIN = 60


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
    """The verdict label, or the site's description on the site card."""
    text: str
    """The claim, or "" to leave it off."""
    byline: str
    """Claimant · date, or ""."""
    site: str

    def key(self) -> str:
        """Content hash: what is drawn and what draws it."""
        data = asdict(self) | {"path": "", "drawing": DRAWING_VERSION, "pillow": PIL.__version__,
                                "font": _font_identity()}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


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


def drawable(text: str) -> bool:
    """Every character of ``text`` has a glyph (whitespace aside): drawing it makes no tofu box."""
    cmap = covered()
    return all(ord(ch) in cmap or ch.isspace() for ch in unicodedata.normalize("NFC", text))


def first_drawable(*texts: str | None) -> str:
    """The first non-empty text of ``texts`` the font can draw, else ""."""
    return next((t for t in texts if t and drawable(t)), "")


# -- drawing -------------------------------------------------------------------------------------
class _Face:
    """One size and weight of the font, with each glyph rasterised once (pasting is ~20× faster
    than letting Pillow lay out every string anew)."""

    def __init__(self, size: int, weight: int) -> None:
        self.font = ImageFont.truetype(str(font_path()), size, layout_engine=ImageFont.Layout.BASIC)
        axes = self.font.get_variation_axes()
        self.font.set_variation_by_axes([float(weight) if _axis_name(a) == "weight" else float(a["default"])
                                         for a in axes])
        self.size = size
        ascent, descent = self.font.getmetrics()
        self.ascent, self.line = ascent, ascent + descent
        self._glyphs: dict[str, tuple[float, int, int, Image.Image | None]] = {}

    def glyph(self, ch: str) -> tuple[float, int, int, Image.Image | None]:
        if (g := self._glyphs.get(ch)) is None:
            left, top, right, bottom = self.font.getbbox(ch)
            mask = None
            if right > left and bottom > top:
                mask = Image.new("L", (right - left, bottom - top), 0)
                ImageDraw.Draw(mask).text((-left, -top), ch, font=self.font, fill=255)
            g = self._glyphs[ch] = (self.font.getlength(ch), left, top, mask)
        return g

    def width(self, text: str) -> float:
        return sum(self.glyph(ch)[0] for ch in text)

    def draw(self, im: Image.Image, x: float, y: int, text: str, ink: int) -> None:
        """``text`` with its top at ``y``; ``ink`` is a palette index (see ``_palette``)."""
        for ch in text:
            advance, left, top, mask = self.glyph(ch)
            if mask is not None:
                im.paste(ink, (round(x) + left, y + top), mask)
            x += advance


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
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if face.width(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        while face.width(current) > width:  # a word longer than the line: break it
            cut = len(current)
            while cut > 1 and face.width(current[:cut]) > width:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
    if current:
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
BODY, BAND, BADGE = 0, 128, 192
"""Ramp starts: white → ink (body text), verdict colour → its text colour (band), white → verdict
colour (the icon disc)."""
TOP = 63


def _palette(colour: tuple[int, int, int]) -> list[int]:
    def ramp(a: tuple[int, int, int], b: tuple[int, int, int]) -> list[int]:
        return [round(a[c] + (b[c] - a[c]) * i / TOP) for i in range(64) for c in range(3)]
    return ramp(WHITE, INK) + ramp(WHITE, WHITE) + ramp(colour, _on(colour)) + ramp(WHITE, colour)


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


def draw(card: Card) -> bytes:
    """The card as PNG bytes; the same card gives the same bytes."""
    colour = _rgb(card.colour)
    im = Image.new("L", (WIDTH, HEIGHT), BODY)
    d = ImageDraw.Draw(im)
    band = 170
    d.rectangle((0, 0, WIDTH, band), fill=BAND)
    label_face = _face(60, 700)
    if card.icon:
        _icon(d, card.icon, MARGIN + 50, band // 2, 50, im)
        label_x = MARGIN + 130
    else:
        label_x = MARGIN
    label = wrap(card.label, label_face if card.icon else _face(40, 600), WIDTH - label_x - MARGIN, 1 if card.icon else 2)
    face = label_face if card.icon else _face(40, 600)
    top = (band - face.line * len(label)) // 2
    for i, line in enumerate(label):
        face.draw(im, label_x, top + i * face.line, line, BAND + TOP)
    foot = HEIGHT - 90
    by_face = _face(32, 400)
    byline_top = foot - by_face.line - 24
    y = band + 36
    if card.text:
        text_face = _face(44 if card.icon else 40, 500)
        step = round(text_face.line * 1.08)
        room = max(1, (byline_top - 12 - y) // step)
        for line in wrap(f"„{card.text}“" if card.icon else card.text, text_face, WIDTH - 2 * MARGIN, room):
            text_face.draw(im, MARGIN, y, line, BODY + TOP)
            y += step
    if card.byline:
        by_face.draw(im, MARGIN, byline_top, wrap(card.byline, by_face, WIDTH - 2 * MARGIN, 1)[0], BODY + 40)
    d.rectangle((0, foot, WIDTH, foot + 8), fill=BAND)
    if card.site:
        site_face = _face(34, 700)
        site_face.draw(im, MARGIN, foot + 26, wrap(card.site, site_face, WIDTH - 2 * MARGIN, 1)[0], BODY + TOP)
    out = Image.frombytes("P", im.size, im.tobytes())
    out.putpalette(_palette(colour))
    buffer = io.BytesIO()
    out.save(buffer, "PNG", compress_level=PNG_COMPRESSION, optimize=False)
    return buffer.getvalue()


# -- the cache -----------------------------------------------------------------------------------
@dataclass
class CardStats:
    cards: int = 0
    drawn: int = 0
    reused: int = 0


def _draw_to(job: tuple[Card, str]) -> None:
    card, target = job
    _write(Path(target), draw(card))


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a build stopped midway leaves no half card that a later one would reuse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def render(cards: Iterable[Card], cache: Path) -> tuple[dict[str, Path], CardStats]:
    """Site path → cached PNG file of each card, drawing only the cards not in ``cache`` yet."""
    out: dict[str, Path] = {}
    todo: dict[str, Card] = {}
    stats = CardStats()
    for card in cards:
        file = cache / f"{card.key()}.png"
        out[card.path] = file
        stats.cards += 1
        if str(file) in todo or file.is_file():
            stats.reused += 1
        else:
            todo[str(file)] = card
    missing = [(card, target) for target, card in sorted(todo.items())]
    stats.drawn = len(missing)
    workers = _workers() if len(missing) >= PARALLEL_FROM else 1
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_draw_to, missing, chunksize=max(1, len(missing) // (workers * 8))))
    else:
        for job in missing:
            _draw_to(job)
    return out, stats

