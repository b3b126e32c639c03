"""Claim media end to end: the images a record names are checked, published as renditions without
metadata (EXIF, GPS, ICC, comments), stamped with the verdict when asked, byte-identical on rebuild,
and the originals never reach the site. The page display comes from the templates; here the view
data they get (``graph.media``) is pinned."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from generator import media
from generator.media import Figure, Rendition
from generator.pipeline import build_site
from tests.conftest import edit, run_cli
from tests.imagefiles import GPS_IFD, photo_with_gps, screenshot
from tests.minisite import build_content

CLAIM_MEDIA = """  date: 2020-01-01
  media:
    - path: media/2020/post.png
      alt: Screenshot des Beitrags, in dem steht, das Rathaus sei blau.
      caption: Der Beitrag vom 1. Januar 2020.
      credit: "Screenshot: Redaktion"
      stamp: true
"""
APPEARANCE_MEDIA = """      quote: Das Rathaus ist blau.
      media:
        - path: media/2020/foto.jpg
          alt: Foto des Rathauses.
"""


@pytest.fixture
def with_images(mini: Path) -> Path:
    """mini with a stamped screenshot (1200×800 PNG) on rathaus-blau's claim, a GPS-tagged photo
    (1600×1000 JPEG) on its appearance, and the photo on the draft strassen-trocken too."""
    screenshot(mini / "media" / "2020" / "post.png")
    photo_with_gps(mini / "media" / "2020" / "foto.jpg")
    claim = mini / "claims" / "rathaus-blau.yml"
    edit(claim, "  date: 2020-01-01\n", CLAIM_MEDIA)
    edit(claim, "      quote: Das Rathaus ist blau.\n", APPEARANCE_MEDIA)
    edit(mini / "claims" / "strassen-trocken.yml", "      quote: Alle Straßen waren am Abend trocken.\n",
         "      quote: Alle Straßen waren am Abend trocken.\n      media:\n        - path: media/2020/foto.jpg\n"
         "          alt: Foto.\n")
    return mini


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_view_data_for_the_templates(with_images: Path) -> None:
    graph = build_site(with_images).graph
    figures = graph.media["rathaus-blau"]
    stamped = [Rendition(f"media/2020/post-falsch-{w}w.png", w, h) for w, h in ((480, 320), (960, 640), (1200, 800))]
    assert figures.claim == [Figure(src="media/2020/post-falsch-1200w.png", width=1200, height=800,
                                    srcset=tuple(stamped),
                                    alt="Screenshot des Beitrags, in dem steht, das Rathaus sei blau.",
                                    caption="Der Beitrag vom 1. Januar 2020.", credit="Screenshot: Redaktion",
                                    stamp="Falsch", source="media/2020/post.png")]
    photo = figures.appearances[0][0]
    assert [(r.path, r.width, r.height) for r in photo.srcset] == [
        ("media/2020/foto-480w.jpg", 480, 300), ("media/2020/foto-960w.jpg", 960, 600),
        ("media/2020/foto-1440w.jpg", 1440, 900)]  # never wider than WIDTHS' widest
    assert (photo.stamp, photo.caption, photo.credit) == (None, None, None)
    assert photo.srcset_attr(lambda p: "../../" + p) == ("../../media/2020/foto-480w.jpg 480w, "
                                                          "../../media/2020/foto-960w.jpg 960w, "
                                                          "../../media/2020/foto-1440w.jpg 1440w")
    assert set(graph.media) == {"rathaus-blau"}  # the draft is not shown in a public build


def test_site_files_are_the_renditions_only(with_images: Path) -> None:
    site = build_site(with_images)
    images = sorted(p for p in site.files if p.startswith("media/"))
    assert images == sorted([f"media/2020/post-falsch-{w}w.png" for w in (480, 960, 1200)]
                            + [f"media/2020/foto-{w}w.jpg" for w in (480, 960, 1440)])
    for path in images:
        image = _image(site.files[path])
        assert image.format == ("PNG" if path.endswith(".png") else "JPEG")
        assert image.width == int(path.rsplit("-", 1)[1].removesuffix("w.png").removesuffix("w.jpg"))


def test_renditions_have_no_metadata_and_the_gps_tag_is_gone(with_images: Path) -> None:
    original = _image((with_images / "media" / "2020" / "foto.jpg").read_bytes())
    assert original.getexif().get_ifd(GPS_IFD), "the fixture must carry a GPS position"
    assert {"exif", "icc_profile", "comment"} <= set(original.info)
    site = build_site(with_images)
    for path in [p for p in site.files if p.startswith("media/")]:
        data = site.files[path]
        image = _image(data)
        assert not image.getexif(), path
        assert not image.getexif().get_ifd(GPS_IFD), path
        assert not {"exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "dpi"} & set(image.info), path
        assert b"Exif" not in data and b"ExampleCam" not in data and b"secret comment" not in data, path
        assert not any(chunk in data for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP")), path


def test_rebuild_is_byte_identical(with_images: Path) -> None:
    media._last.clear()  # a fresh process would have nothing cached
    first = {p: d for p, d in build_site(with_images).files.items() if p.startswith("media/")}
    media._last.clear()
    second = {p: d for p, d in build_site(with_images).files.items() if p.startswith("media/")}
    assert first == second and first


def test_stamp_is_drawn_in_the_verdicts_colour(with_images: Path) -> None:
    site = build_site(with_images)
    stamped = _image(site.files["media/2020/post-falsch-1200w.png"]).convert("RGB")
    plain, _ = media.renditions((with_images / "media" / "2020" / "post.png").read_bytes(), "media/2020/post.png", None)
    assert [r.path for r in plain] == [f"media/2020/post-{w}w.png" for w in (480, 960, 1200)]
    colour = media._rgb(site.graph.verdicts["falsch"].colour)
    corner = stamped.getpixel((2, 2))  # the frame
    assert corner == colour
    # The band crosses the centre: mostly the verdict's colour (blended over the light screenshot).
    centre = stamped.getpixel((600, 380))
    assert all(abs(c - (v * media.STAMP_OPACITY + 245 * (1 - media.STAMP_OPACITY))) < 40 or c > 200
               for c, v in zip(centre, colour)), centre


def test_photo_is_turned_upright_by_its_orientation_tag(mini: Path, tmp_path: Path) -> None:
    source = tmp_path / "sideways.jpg"
    image = Image.new("RGB", (800, 400), (10, 120, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    image.save(source, "JPEG", exif=exif.tobytes())
    sizes, _ = media.renditions(source.read_bytes(), "media/sideways.jpg", None)
    assert [(r.width, r.height) for r in sizes] == [(400, 800)]


def test_draft_images_are_checked_too(with_images: Path) -> None:
    (with_images / "media" / "2020" / "foto.jpg").write_bytes(b"not an image")
    with pytest.raises(Exception) as caught:
        build_site(with_images)
    text = str(caught.value)
    assert "strassen-trocken.yml:13: claim.appearances[0].media[0].path: not a PNG, JPEG or WebP image" in text
    assert "rathaus-blau.yml:" in text


def test_mkdocs_build_publishes_renditions_not_originals(with_images: Path, tmp_path: Path) -> None:
    site = build_content(with_images, tmp_path / "build")
    assert not (site / "media" / "2020" / "foto.jpg").exists(), "the original (with GPS) was published"
    assert not (site / "media" / "2020" / "post.png").exists()
    built = sorted(str(p.relative_to(site)) for p in (site / "media").rglob("*") if p.is_file())
    assert built == sorted([f"media/2020/post-falsch-{w}w.png" for w in (480, 960, 1200)]
                           + [f"media/2020/foto-{w}w.jpg" for w in (480, 960, 1440)])
    data = (site / "media" / "2020" / "foto-1440w.jpg").read_bytes()
    assert not _image(data).getexif().get_ifd(GPS_IFD) and b"Exif" not in data


def test_render_tree_has_no_originals(with_images: Path, capsys) -> None:
    out = with_images.parent / "tree"
    code, _, err = run_cli(capsys, "--content", str(with_images), "render", str(out))
    assert code == 0, err
    assert (out / "media" / "2020" / "foto-960w.jpg").is_file()
    assert not (out / "media" / "2020" / "foto.jpg").exists() and not (out / "media" / "2020" / "post.png").exists()


def test_the_stamp_font_is_where_the_package_puts_it() -> None:
    # fontpkg-noto-sans ships the variable font under files/; a new layout must fail here, loudly.
    assert media.FONT_FILE.is_file(), media.FONT_FILE
    font = media.stamp_font(30)
    assert [a["name"] for a in font.get_variation_axes()] in ([b"Weight", b"Width"], ["Weight", "Width"])
    assert media.missing_glyphs("Größtenteils falsch") == ()
    assert media.missing_glyphs("Falsch ✓") == ("✓",) or media.missing_glyphs("Falsch ✓") == ()
