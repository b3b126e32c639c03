from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_check_ok(mini: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "--content", str(mini), "check")
    assert code == 0, err
    assert out.startswith("ok: 4 claims")
