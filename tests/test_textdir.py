"""``textdir.direction``: the ``dir`` attribute templates put beside a ``lang`` that can be right-to-left."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pagefind import search_records
from generator.pipeline import build_site
from generator.textdir import direction, is_rtl
from tests.conftest import edit


@pytest.mark.parametrize("tag", ["ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb", "ug", "syr", "iw",
                                 "ar-EG", "fa_IR", "AR", "He-IL", "ku-Arab", "pa-Arab", "az-Arab-IR", "zh-yue-Hebr"])
def test_right_to_left(tag: str) -> None:
    assert direction(tag) == "rtl"
    assert is_rtl(tag)


@pytest.mark.parametrize("tag", ["de", "en", "ru", "tr", "ku", "pa", "az", "zh-Hant", "ar-Latn", "he-Latn",
                                 "sr-Cyrl", "de-1996", "", None, "arx", "a", "-", "xx-Arabic"])
def test_left_to_right(tag: str | None) -> None:
    assert direction(tag) == "ltr"


def test_search_records_carry_the_claims_direction(mini: Path) -> None:
    claim = mini / "claims" / "rathaus-blau.yml"
    edit(claim, "  text: Das Rathaus ist blau.\n  language: de\n", "  text: مبنى البلدية أزرق.\n  language: ar\n")
    records = {r.url: r for r in search_records(build_site(mini).graph, directory_urls=True)}
    assert (records["claims/rathaus-blau/"].meta["lang"], records["claims/rathaus-blau/"].meta["dir"]) == ("ar", "rtl")
    assert records["claims/sonne-drei-stunden/"].meta["dir"] == "ltr"


@pytest.mark.parametrize(("stamp", "seconds"), [("00:00", 0), ("41:20", 2480), ("1:02:30", 3750), ("75:10", 4510)])
def test_timestamp_seconds(stamp: str, seconds: int) -> None:
    from generator.model import timestamp_seconds
    assert timestamp_seconds(stamp) == seconds
