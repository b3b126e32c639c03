"""Claim media: images kept in ``content/media/``, checked, and published as resized copies.

A claim (``claim.media``) or one of its appearances (``claim.appearances[i].media``) can show
screenshots, photos or charts. The originals never reach the site (``mkdocs.yml`` excludes
``media/`` from the docs; ``factcheck render`` does not copy it): the build publishes renditions
at a few widths, re-encoded from the pixels alone, so EXIF, GPS, XMP, ICC profiles and text chunks
stay behind. With ``stamp: true`` the verdict label is drawn across the image, so a copy of a
screenshot does not travel without its verdict.

Every check runs before anything is written (the pipeline calls ``build_media`` after the link
stage and raises with every problem found): a missing file, a path that leads out of
``content/media/`` (also through a symbolic link), a file that is not a PNG, JPEG or WebP image, a
decompression bomb, a file over the size limit. The output is a pure function of the image bytes and
the record (same input, same bytes), so rebuilds and ``--dirty`` builds do not churn.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import fontpkg_noto_sans
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from .errors import FactcheckError, Problem
from .model import MEDIA_DIR, Claim, MediaItem
from .yamlsource import Document, Loc

WIDTHS = (480, 960, 1440)
"""Rendition widths in pixels: phone, column, wide/high-density. An image narrower than one of them
is published at its own width instead (never enlarged)."""
MAX_BYTES = 10 * 1024 * 1024
"""A screenshot or photo for the web is well under this; bigger files are refused unread."""
MAX_PIXELS = 40_000_000
"""Width × height read from the file's header before any pixel is decoded: a few kilobytes of PNG can
claim 100,000 × 100,000 pixels and take gigabytes to decode (a decompression bomb)."""
FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
"""The only decoders Pillow is allowed to try (less attack surface than its dozens of formats), and
the suffix each rendition gets: screenshots stay lossless PNG, photos stay JPEG."""
JPEG_QUALITY = 85
WEBP_QUALITY = 85
FONT_FILE = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
"""The stamp's font: Noto Sans (OFL-1.1) from the PyPI package ``fontpkg-noto-sans``, so the build
needs no system font and draws the same pixels everywhere. A variable font: weight and width axes."""
FONT_AXES = {"Weight": 750, "Width": 100}
STAMP_OPACITY = 0.88
SIZES = "(min-width: 76.25em) 45rem, 100vw"
"""A ``sizes`` attribute for the claim column (Material's content width); templates may use their own."""


@dataclass(frozen=True)
class Rendition:
    path: str
    """Site path (also the ``src_uri`` in ``Site.files``), e.g. ``media/2017/post-480w.png``."""
    width: int
    height: int


@dataclass(frozen=True)
class Figure:
    """What a page template needs to show one image (``<figure>`` with ``<img srcset>``)."""

    src: str
    """Site path of the widest rendition: the ``src`` fallback."""
    width: int
    height: int
    """Of the widest rendition: the ``<img>`` width/height attributes (no layout shift while loading)."""
    srcset: tuple[Rendition, ...]
    """Every rendition, narrowest first: ``srcset="<url> 480w, <url> 960w"``."""
    alt: str
    caption: str | None
    credit: str | None
    stamp: str | None
    """The verdict label drawn on the image, or None."""
    source: str
    """The original's path relative to content/ (``media/…``), e.g. for an edit link."""

    def srcset_attr(self, url: Callable[[str], str] = lambda path: path) -> str:
        """The ``srcset`` value; ``url`` turns a site path into the page's (relative) URL."""
        return ", ".join(f"{url(r.path)} {r.width}w" for r in self.srcset)


@dataclass
class ClaimMedia:
    """One claim's figures: of the claim itself, and per appearance (by its index in the record)."""

    claim: list[Figure] = field(default_factory=list)
    appearances: dict[int, list[Figure]] = field(default_factory=dict)


@dataclass
class MediaBuild:
    files: dict[str, bytes] = field(default_factory=dict)
    """Site path → image bytes, for ``Site.files``."""
    figures: dict[str, ClaimMedia] = field(default_factory=dict)
    """Claim id → its figures (only shown claims with media)."""


@dataclass(frozen=True)
class Stamp:
    label: str
    colour: str
    """``#rrggbb``, the verdict's colour."""
    key: str
    """The verdict key: part of the file name, so a stamped and a plain copy never share a path."""


class MediaError(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


# ------------------------------------------------------------------------------------ the stage

def media_entries(claim: Claim) -> list[tuple[Loc, int | None, MediaItem]]:
    """Every image of a claim as (location in the record, appearance index or None, entry)."""
    found: list[tuple[Loc, int | None, MediaItem]] = [(("claim", "media", i), None, item)
                                                      for i, item in enumerate(claim.claim.media)]
    for a, appearance in enumerate(claim.claim.appearances):
        found += [(("claim", "appearances", a, "media", i), a, item) for i, item in enumerate(appearance.media)]
    return found


Result = tuple[tuple["Rendition", ...], dict[str, bytes]] | MediaError
_last: dict[tuple[str, Stamp | None], Result] = {}
"""The previous run's results by (content hash, stamp): under ``mkdocs serve`` a save that does not
touch an image re-encodes nothing. Holds the latest run's images only."""


def build_media(claims: Iterable[tuple[Claim, Document]], content_dir: Path, *, shown: Container[str],
                stamp_for: Callable[[Claim], Stamp] | None, encode: bool = True) -> MediaBuild:
    """Check every image of ``claims`` and make the renditions of the ``shown`` ones.

    ``stamp_for`` gives a claim's verdict label and colour (None when the link stage failed: the
    images are still checked, so one run reports every problem). ``encode=False`` (``factcheck
    check``): the shown images are checked as for a build, renditions' names included, but none is
    made; the result is empty. Raises ``FactcheckError``."""
    global _last
    problems: list[Problem] = []
    out = MediaBuild()
    cache: dict[tuple[str, Stamp | None], Result] = {}
    checked: dict[str, MediaError | None] = {}
    """Content hash → why it is no usable image (None: it is one), for images only checked."""
    for claim, doc in claims:
        for loc, appearance, item in media_entries(claim):
            stamp = stamp_for(claim) if item.stamp and stamp_for is not None else None
            if stamp is not None and (missing := missing_glyphs(stamp.label)):
                problems.append(doc.problem(loc + ("stamp",), f"the verdict label {stamp.label!r} has characters "
                                            f"the stamp's font (Noto Sans) lacks: {' '.join(missing)}",
                                            "set 'stamp: false'; the page shows the verdict beside the image"))
                continue
            try:
                data = read_image_file(content_dir, item.path)
                digest = hashlib.sha256(data).hexdigest()
                if claim.id not in shown:  # e.g. a draft in a public build: checked, not published
                    if digest not in checked:
                        checked[digest] = _problem_of(data)
                    if checked[digest] is not None:
                        raise checked[digest]  # type: ignore[misc]
                    continue
                if not encode:
                    fmt, image = open_image(data)
                    planned = [rendition_path(item.path, w, fmt, stamp) for w in rendition_widths(image.width)]
                    problems.extend(_replaced(doc, loc, planned, content_dir))
                    continue
                key = (digest, stamp)
                result = cache.get(key) or _last.get(key)
                if result is None:
                    try:
                        result = renditions(data, item.path, stamp)
                    except MediaError as exc:
                        result = exc
                cache[key] = result
                if isinstance(result, MediaError):
                    raise result
            except MediaError as exc:
                problems.append(doc.problem(loc + ("path",), exc.message, exc.hint))
                continue
            sizes, blobs = result
            problems.extend(_replaced(doc, loc, list(blobs), content_dir))
            out.files.update(blobs)
            widest = sizes[-1]
            figure = Figure(src=widest.path, width=widest.width, height=widest.height, srcset=sizes, alt=item.alt,
                            caption=item.caption, credit=item.credit, stamp=stamp.label if stamp else None,
                            source=item.path)
            entry = out.figures.setdefault(claim.id, ClaimMedia())
            if appearance is None:
                entry.claim.append(figure)
            else:
                entry.appearances.setdefault(appearance, []).append(figure)
    if problems:
        raise FactcheckError(problems)
    _last = cache  # only this run's images: an image no record uses any more is forgotten
    out.files = dict(sorted(out.files.items()))
    return out


# ------------------------------------------------------------------------------------ checking

def read_image_file(content_dir: Path, rel: str) -> bytes:
    """The bytes of ``content/<rel>``, after the checks that need no decoding (place, kind, size)."""
    base = (content_dir / MEDIA_DIR).resolve()
    target = content_dir / rel
    if not target.exists():
        raise MediaError(f"file not found: content/{rel}",
                         f"check the path and its upper/lower case; images live in content/{MEDIA_DIR}/")
    real = target.resolve()
    if not real.is_relative_to(base):
        raise MediaError(f"leads outside content/{MEDIA_DIR}/ (through a symbolic link)",
                         f"copy the image into content/{MEDIA_DIR}/ instead of linking to it")
    if not real.is_file():
        raise MediaError("is not a file", "give the path of an image file")
    size = real.stat().st_size
    if size > MAX_BYTES:
        raise MediaError(f"file is {size} bytes, more than the limit of {MAX_BYTES}",
                         "scale or compress it; a screenshot needs no more than 2000 pixels across")
    return real.read_bytes()


def _replaced(doc: Document, loc: tuple[str | int, ...], copies: list[str], content_dir: Path) -> list[Problem]:
    """A rendition may not take the path of a file the editors keep in content/."""
    return [doc.problem(loc + ("path",), f"its copy {path} would replace the file content/{path}",
                        "rename that file (names ending in -480w and the like are kept for the built copies)")
            for path in copies if (content_dir / path).exists()]


def open_image(data: bytes) -> tuple[str, Image.Image]:
    """Decode ``data`` completely (a truncated file fails here, not half-way through a build):
    (format, pixels turned upright by their EXIF orientation, in RGB or RGBA)."""
    try:
        # Pillow's own bomb check raises in open() for more than twice its MAX_IMAGE_PIXELS (and
        # warns above it); ours is lower and needs only the header's size, read before any decoding.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(f"{width}×{height}")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        raise _too_many_pixels(claimed.group(1) if claimed else "more") from None
    except UnidentifiedImageError:
        raise MediaError("not a PNG, JPEG or WebP image",
                         "export it again as PNG (screenshots) or JPEG (photos); the name's ending does not make "
                         "a file an image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise MediaError(f"the image cannot be decoded ({exc})", "the file is damaged or cut off; export it again") from None
    fmt = image.format or "PNG"
    # A phone photo is stored sideways with an orientation tag; the tag is about to go, so turn the pixels.
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    pixels = upright.convert("RGBA" if has_alpha and fmt != "JPEG" else "RGB")
    return fmt, pixels


def _problem_of(data: bytes) -> MediaError | None:
    try:
        open_image(data)
    except MediaError as exc:
        return exc
    return None


def _too_many_pixels(size: str) -> MediaError:
    return MediaError(f"{size} pixels, more than the limit of {MAX_PIXELS // 1_000_000} megapixels",
                      "a decompression bomb, or a far too large original: scale it down")


# ------------------------------------------------------------------------------------ renditions

def rendition_widths(width: int) -> list[int]:
    """The widths to publish an image ``width`` pixels wide at: never wider than the original."""
    return sorted({min(w, width) for w in WIDTHS})


def rendition_path(source: str, width: int, fmt: str, stamp: Stamp | None) -> str:
    stem = source.rsplit(".", 1)[0]
    marker = f"-{stamp.key}" if stamp else ""
    return f"{stem}{marker}-{width}w{FORMATS[fmt]}"


def renditions(data: bytes, source: str, stamp: Stamp | None) -> tuple[tuple[Rendition, ...], dict[str, bytes]]:
    """Decode ``data`` and encode it at every rendition width (stamped if asked): the sizes, narrowest
    first, and site path → bytes. Raises ``MediaError`` for what is not a usable image."""
    fmt, image = open_image(data)
    sizes: list[Rendition] = []
    blobs: dict[str, bytes] = {}
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        sized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        if stamp is not None:
            sized = draw_stamp(sized, stamp)
        path = rendition_path(source, width, fmt, stamp)
        blobs[path] = encode(sized, fmt)
        sizes.append(Rendition(path, width, height))
    return tuple(sizes), blobs


def encode(image: Image.Image, fmt: str) -> bytes:
    """The pixels alone in ``fmt``: no EXIF, GPS, XMP, ICC profile, comment or text chunk."""
    clean = image.copy()
    # Pillow's encoders fall back on ``info`` for exif/icc_profile/dpi; an empty info leaves them nothing.
    clean.info = {}
    buffer = io.BytesIO()
    if fmt == "JPEG":
        clean.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        clean.save(buffer, "WEBP", quality=WEBP_QUALITY, method=6)
    else:
        clean.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ the stamp

@lru_cache(maxsize=64)
def stamp_font(size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: the same glyph placement with or without libraqm on the machine (deterministic).
    font = ImageFont.truetype(str(FONT_FILE), size, layout_engine=ImageFont.Layout.BASIC)
    axes = [FONT_AXES[axis["name"].decode() if isinstance(axis["name"], bytes) else axis["name"]]
            for axis in font.get_variation_axes()]
    font.set_variation_by_axes(axes)
    return font


@lru_cache(maxsize=256)
def missing_glyphs(text: str) -> tuple[str, ...]:
    """Characters of ``text`` the stamp font has no glyph for (they would print as empty boxes)."""
    font = stamp_font(40)
    notdef = _glyph(font, "\U000f0000")  # a private-use code point: no font maps it
    return tuple(c for c in dict.fromkeys(text.upper()) if not c.isspace() and _glyph(font, c) == notdef)


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _text_colour(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or near-black, whichever contrasts more with the band (WCAG relative luminance)."""
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in background)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (255, 255, 255) if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else (17, 17, 17)


def draw_stamp(image: Image.Image, stamp: Stamp) -> Image.Image:
    """The verdict label on a band in the verdict's colour, corner to corner, and a frame around the
    image: cropping the label off would cut the image in half."""
    width, height = image.size
    colour = _rgb(stamp.colour)
    base = image.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    frame = max(2, round(min(width, height) * 0.02))
    ImageDraw.Draw(overlay).rectangle((0, 0, width - 1, height - 1), outline=colour + (255,), width=frame)

    diagonal = math.hypot(width, height)
    band_height = max(14, round(min(width, height) * 0.16))
    text = stamp.label.upper()
    size = max(8, round(band_height * 0.62))
    font = stamp_font(size)
    while size > 8 and font.getlength(text) > diagonal * 0.7:
        size -= max(1, size // 10)
        font = stamp_font(size)
    band = Image.new("RGBA", (math.ceil(diagonal), band_height), colour + (round(255 * STAMP_OPACITY),))
    ImageDraw.Draw(band).text((band.width / 2, band_height / 2), text, font=font, anchor="mm",
                              fill=_text_colour(colour) + (255,))
    turned = band.rotate(math.degrees(math.atan2(height, width)), resample=Image.Resampling.BICUBIC, expand=True)
    left, top = (turned.width - width) // 2, (turned.height - height) // 2
    overlay = Image.alpha_composite(overlay, turned.crop((left, top, left + width, top + height)))
    stamped = Image.alpha_composite(base, overlay)
    return stamped if image.mode == "RGBA" else stamped.convert("RGB")
