from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_check_ok(mini: Path, capsys) -> None:
    code, out, err = run_cli(capsys, "--content", str(mini), "check")
    assert code == 0, err
    assert out.startswith("ok: 4 claims")


def test_python_dash_m_generator_is_the_cli(mini: Path) -> None:
    import subprocess
    import sys

    ok = subprocess.run([sys.executable, "-m", "generator", "--content", str(mini), "stats"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith("4 claims (1 draft, 3 published)")
    (mini / "claims" / "rathaus-blau.yml").write_text("id: rathaus-blau\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "generator", "--content", str(mini), "check"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "rathaus-blau.yml:1: status: required field is missing" in bad.stderr
