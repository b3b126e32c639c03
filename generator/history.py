"""``factcheck check --against REF``: rules that need the previous version of the records.

* A claim id that existed at REF must still exist, or be listed in some claim's ``aliases``:
  its URL is public, and links to it must not break.
* A claim whose verdict changed since REF needs a new entry in ``corrections`` (IFCN: changes of
  a verdict are disclosed to readers).

Records that did not exist at REF have no history to compare and are skipped.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .errors import FactcheckError, Problem
from .pipeline import Site
from .records import display_path
from .yamlsource import load_yaml


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise FactcheckError([Problem("git", 0, "-", "git is not installed", "install git or leave out --against")]) from None
    if result.returncode != 0:
        raise FactcheckError([Problem(display_path(cwd), 0, "-", f"git {' '.join(args[:2])} failed: {result.stderr.strip()}",
                                      "pass a ref that exists, e.g. origin/main or HEAD~1")])
    return result.stdout


def old_claims(ref: str, content_dir: Path) -> dict[str, dict]:
    """Claim id → its data at ``ref`` (parsed with the same safe loader as current records)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], content_dir).strip())
    folder = (content_dir.resolve() / "claims").relative_to(top.resolve()).as_posix()
    names = _git(["ls-tree", "-r", "--name-only", ref, "--", folder], top).split()
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            if not name.endswith(".yml"):
                continue
            copy = Path(tmp) / Path(name).name
            copy.write_text(_git(["show", f"{ref}:{name}"], top), encoding="utf-8")
            try:
                data = load_yaml(copy, f"{ref}:{name}").data
            except FactcheckError:
                continue  # a broken old version says nothing about what readers saw
            if isinstance(data, dict):
                out[Path(name).stem] = data
    return out


def compare(site: Site, ref: str, content_dir: Path) -> list[Problem]:
    """Problems against ``ref``; ``site`` must be built with drafts included (as ``check`` does)."""
    before = old_claims(ref, content_dir)
    problems: list[Problem] = []
    # The graph has already resolved every record and alias; compare against those, not raw YAML.
    now = {item_id: doc for (kind, item_id), doc in site.graph.sources.items() if kind == "claim"}
    for old_id, old in sorted(before.items()):
        if old_id not in now:
            if old_id not in site.graph.aliases:
                problems.append(Problem(f"{ref}:claims/{old_id}.yml", 0, "id",
                                        f"claim {old_id!r} was renamed or removed; its URL would break",
                                        f"add 'aliases: [{old_id}]' to the claim that replaces it"))
            continue
        claim = site.graph.claims[old_id]
        if old.get("verdict") != claim.verdict and len(claim.corrections) <= len(old.get("corrections") or []):
            problems.append(now[old_id].problem(("verdict",), f"changed from {old.get('verdict')!r} to {claim.verdict!r} "
                                                f"since {ref} without a correction entry",
                                                "add a 'corrections:' entry saying what changed and why"))
    return problems
