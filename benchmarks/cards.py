"""Share cards at scale: what one card costs, drawing every card of a synthetic site into an empty
cache (cold) and finding them all there (warm), and optionally the full ``mkdocs build`` of the
same tree, cold and warm, for the share of the build the cards take.

    python benchmarks/cards.py --claims 10000 --build     # ~10 min at 10,000 on 2 cores
    python benchmarks/cards.py --claims 1000 --deflater zlib

The machine's load average is recorded before and after: on a shared machine the worker pool gets
fewer cores than it asks for, and the wall times say so.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402
from benchmarks.run import mkdocs_build, plugin_timings, write_config  # noqa: E402
from generator import cards  # noqa: E402


def share_cards(content: Path) -> list[cards.Card]:
    """The cards a build of ``content`` draws (the generator's stages, without drawing)."""
    from generator.i18n import Labels
    from generator.pipeline import Theme, build_site, share_cards

    site = build_site(content)
    return share_cards(site.graph, Labels(site.graph.site.language, Theme().custom_dirs))


def per_card(sample: list[cards.Card]) -> dict:
    """Drawing alone, in this process (after one card, so the font's glyphs are loaded)."""
    cards.draw(sample[0])
    wall, cpu = time.perf_counter(), time.process_time()
    sizes = [len(cards.draw(card)) for card in sample]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"cards": len(sample), "wall_ms": 1000 * wall / len(sample), "cpu_ms": 1000 * cpu / len(sample),
            "mean_kb": sum(sizes) / len(sizes) / 1000, "max_kb": max(sizes) / 1000}


def timed_render(all_cards: list[cards.Card], cache: Path) -> dict:
    """``cards.render`` as the pipeline calls it: with the cyclic collector off (``build_site``
    turns it off for its stages, and the forked workers inherit that)."""
    gc.disable()
    try:
        before, wall = os.times(), time.perf_counter()
        _, stats = cards.render(all_cards, cache)
        wall, after = time.perf_counter() - wall, os.times()
    finally:
        gc.enable()
    return {"wall_s": wall, "cpu_s": after.user + after.system - before.user - before.system,
            "workers_cpu_s": (after.children_user + after.children_system
                              - before.children_user - before.children_system),
            **dataclasses.asdict(stats)}


def build(config: Path, site: Path, *, timeout: float) -> dict:
    run = mkdocs_build(config, site, timeout=timeout)
    stages = plugin_timings(run.stderr)
    cards_s = stages.get("cards", 0.0)
    line = next((line for line in run.stderr.splitlines() if "share cards:" in line), "")
    return {"wall_s": run.wall_s, "cards_s": cards_s, "cards_share": cards_s / run.wall_s, "log": line.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10000)
    parser.add_argument("--work", type=Path, help="keep the tree and caches here (reused when it holds a tree)")
    parser.add_argument("--build", action="store_true", help="also time two full mkdocs builds (cold, warm)")
    parser.add_argument("--deflater", choices=["default", "zlib"], default="default")
    parser.add_argument("--sample", type=int, default=500, help="cards drawn in-process for the per-card time")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.deflater == "zlib":
        cards.DEFLATER = cards.ZLIB

    work = args.work or Path(tempfile.mkdtemp(prefix="factcheck-cards-"))
    content = work / "content"
    result: dict = {"claims": args.claims, "cpus": len(os.sched_getaffinity(0)), "load_before": os.getloadavg(),
                    "deflater": [cards.DEFLATER.name, cards.DEFLATER.version]}
    if not (content / "site.yml").is_file():
        synth.generate(content, args.claims)
    print(f"load average {result['load_before'][0]:.1f} on {result['cpus']} cores; deflater "
          f"{cards.DEFLATER.name} {cards.DEFLATER.version}", flush=True)
    all_cards = share_cards(content)
    gc.collect()  # the site is gone; only the cards are kept
    step = max(1, len(all_cards) // args.sample)
    result["per_card"] = per_card(all_cards[::step][:args.sample])
    p = result["per_card"]
    print(f"one card, in-process: {p['cpu_ms']:.2f} ms CPU ({p['wall_ms']:.2f} ms wall), "
          f"{p['mean_kb']:.1f} kB (max {p['max_kb']:.1f})", flush=True)

    cache = work / "card-cache"
    shutil.rmtree(cache, ignore_errors=True)
    result["cold"] = timed_render(all_cards, cache)
    result["warm"] = timed_render(all_cards, cache)
    sizes = [path.stat().st_size for path in cache.iterdir()]
    result["cache"] = {"files": len(sizes), "mb": sum(sizes) / 1e6, "mean_kb": sum(sizes) / len(sizes) / 1000}
    for kind in ("cold", "warm"):
        r = result[kind]
        print(f"cards.render, {kind}: {r['cards']} cards, {r['drawn']} drawn, {r['wall_s']:.2f} s wall "
              f"(CPU {r['cpu_s']:.2f} s here, {r['workers_cpu_s']:.2f} s in workers)", flush=True)

    if args.build:
        config = write_config(content, work)
        shutil.rmtree(config.parent / ".cache" / "factcheck" / "cards", ignore_errors=True)
        result["build_cold"] = build(config, work / "site-cold", timeout=args.timeout)
        result["build_warm"] = build(config, work / "site-warm", timeout=args.timeout)
        for kind in ("cold", "warm"):
            b = result[f"build_{kind}"]
            print(f"mkdocs build, cards {kind}: {b['wall_s']:.1f} s, cards {b['cards_s']:.2f} s = "
                  f"{b['cards_share']:.1%} ({b['log']})", flush=True)
    result["load_after"] = os.getloadavg()
    print(f"load average after: {result['load_after'][0]:.1f}")
    out = args.out or ROOT / "benchmarks" / "results" / f"cards-{args.claims}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
