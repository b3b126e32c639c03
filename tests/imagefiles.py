"""Image files for the media tests, made here (no binary fixtures in the repository)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

GPS = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
"""A GPS IFD (Berlin): latitude/longitude refs and values, as a phone writes them."""
GPS_IFD = 0x8825


def screenshot(path: Path, size: tuple[int, int] = (1200, 800), text: str = "Der Bahnhof wird abgerissen.") -> Path:
    """A PNG like a screenshot of a post: light background, lines of dark text."""
    image = Image.new("RGB", size, (245, 246, 250))
    draw = ImageDraw.Draw(image)
    for y in range(20, size[1] - 20, 40):
        draw.text((30, y), text, fill=(25, 25, 25))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return path


def photo_with_gps(path: Path, size: tuple[int, int] = (1600, 1000)) -> Path:
    """A JPEG with camera EXIF, a GPS position and an ICC profile: everything that must not be published."""
    image = Image.new("RGB", size, (90, 140, 200))
    ImageDraw.Draw(image).ellipse((200, 200, 900, 800), fill=(240, 200, 40))
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0x0131] = "Editor 1.0"  # Software
    exif[GPS_IFD] = GPS
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif.tobytes(), quality=90, icc_profile=b"\0" * 128, comment=b"secret comment")
    return path


def png_bomb(path: Path, side: int = 30_000) -> Path:
    """A tiny PNG whose header claims ``side`` × ``side`` grey pixels (900 megapixels by default):
    the zlib stream of a few rows, nowhere near what the header promises."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (side + 1) * 4, 9)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return path
