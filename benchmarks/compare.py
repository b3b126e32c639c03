"""Before/after benchmark: the same synthetic site built by this checkout and by an earlier commit,
alternately, in one run, on one machine.

    python benchmarks/compare.py --baseline d21b5af --sizes 10000 --repeat 3

The earlier commit is checked out into a temporary git worktree and run with this interpreter and
its installed packages (its ``generator`` package comes first on ``sys.path``, before the editable
install's finder; the dependencies are the same). Each round builds with the baseline, then with this checkout, so drift of the
machine during the run hits both alike. Builds are ``mkdocs build --strict`` with each side's own
mkdocs.yml and theme_overrides (Material search, the default). Reported per side: median wall
time and peak memory of the build with its children (PSS), and the ratio after/before.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synth
from benchmarks.run import RESULTS, checked, machine, plugin_timings, run


def write_config(root: Path, content: Path, dest: Path) -> Path:
    """``root``'s mkdocs.yml pointed at ``content`` and ``root``'s theme_overrides."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {content}")
    text = text.replace("custom_dir: theme_overrides", f"custom_dir: {root / 'theme_overrides'}")
    dest.write_text(text, encoding="utf-8")
    return dest


def build(root: Path, content: Path, work: Path, name: str, *, timeout: float) -> dict:
    config = write_config(root, content, work / f"mkdocs-{name}.yml")
    site = work / f"site-{name}"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
           "from mkdocs.__main__ import cli; sys.argv[0] = 'mkdocs'; cli()", str(root),
           "build", "--strict", "-f", str(config), "-d", str(site)]
    result = checked(run(cmd, cwd=work, timeout=timeout), f"mkdocs build ({name})")
    # The plugin's summary names the stages of the generator that ran (the baseline's has no "prepare").
    return {"wall_s": result.wall_s, "peak_tree_rss_mib": result.peak_tree_rss_mib,
            "peak_rss_mib": result.peak_rss_mib, "stages_s": plugin_timings(result.stderr),
            "pages": sum(1 for _ in site.rglob("index.html"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="git ref of the 'before' side")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RESULTS / "compare.json")
    args = parser.parse_args()

    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.strip())
    report: dict = {"baseline": args.baseline, "head": head, "head_dirty": dirty, "machine": machine(),
                    "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="fc-compare-") as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.baseline], cwd=ROOT, check=True)
        try:
            report["baseline_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=base, capture_output=True,
                                                       text=True, check=True).stdout.strip()
            for n in args.sizes:
                work = Path(tmp) / f"n{n}"
                work.mkdir()
                content = work / "content"
                synth.generate(content, n, seed=args.seed)
                runs: dict[str, list[dict]] = {"before": [], "after": []}
                for i in range(args.repeat):
                    for side, root in (("before", base), ("after", ROOT)):
                        runs[side].append(build(root, content, work, side, timeout=args.timeout))
                        r = runs[side][-1]
                        print(f"N={n} round {i + 1} {side}: {r['wall_s']:.1f} s, {r['peak_tree_rss_mib']:.0f} MiB "
                              f"({r['pages']} pages)", flush=True)
                summary = {side: {"wall_s_median": statistics.median(r["wall_s"] for r in rs),
                                  "peak_tree_rss_mib_max": max(r["peak_tree_rss_mib"] for r in rs),
                                  "runs": rs} for side, rs in runs.items()}
                summary["wall_ratio"] = summary["after"]["wall_s_median"] / summary["before"]["wall_s_median"]
                report["sizes"][str(n)] = summary
                print(f"N={n}: before {summary['before']['wall_s_median']:.1f} s / "
                      f"{summary['before']['peak_tree_rss_mib_max']:.0f} MiB, after "
                      f"{summary['after']['wall_s_median']:.1f} s / {summary['after']['peak_tree_rss_mib_max']:.0f} MiB, "
                      f"ratio {summary['wall_ratio']:.3f}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
