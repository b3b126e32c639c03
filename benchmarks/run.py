"""Scale benchmark: generator and full MkDocs build for synthetic sites of N claims.

    python benchmarks/run.py --sizes 100 1000 10000      # default sizes: 100 1000
    python benchmarks/run.py --sizes 1000 --profile      # + cProfile of generator and mkdocs build
    python benchmarks/run.py --keep /tmp/trees           # keep content trees and built sites

For each N it writes a synthetic content tree (``benchmarks/synth.py``) and measures

* the generator alone (``generator.pipeline.build_site``: load, validate, link, render), in a fresh
  process, with its peak memory;
* for each search backend (Material's search plugin, the default; and ``search: pagefind``):
  - the full ``mkdocs build --strict`` with the repository's mkdocs.yml (navigation included; the
    tree has the hand-written pages it names): wall time, the generator's share of it (from the
    plugin's summary line), peak memory of the largest process (``os.wait4``) and of the build
    with its children together (sampled from /proc every 50 ms: pagefind runs beside MkDocs);
  - the built site: bytes in total and per claim, the search index (Material's
    ``search_index.json``, raw and gzip-compressed; Pagefind's bundle);
  - the first search as a reader does it, in headless Chromium (``benchmarks/first_search.py``):
    every byte the browser fetches for it, for the longest word of a claim's title;
  - the rebuild after editing that claim under ``mkdocs serve --dirty``: seconds from saving the
    YAML to MkDocs reloading the browsers, and whether the served page then shows the edit.

It prints a table and writes JSON (``benchmarks/results/latest.json`` unless ``--out``) with the
machine, package versions, git commit, every number, and the targets met or missed.
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import math
import os
import platform
import pstats
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synth
from benchmarks.first_search import measure_first_search

RESULTS = ROOT / "benchmarks" / "results"
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pyyaml", "pydantic", "pydantic-core",
            "nh3", "jinja2", "pagefind", "pagefind-bin", "playwright")
TARGETS = {
    "full_build_s": 60.0,
    "peak_rss_mib": 1024.0,
    "bytes_per_claim_ratio": 1.3,
    "generator_share": 0.10,
    "rebuild_fraction": 1 / 3,
    "first_search_bytes": 500_000,
    "max_exponent": 1.2,
}
"""Targets at N=10,000 (issue "scale benchmarks"). An exponent is log(t2/t1)/log(N2/N1) between two
sizes; N log N from 1,000 to 10,000 is 1.125, so anything above 1.2 is worse than N log N."""

GENERATOR_SNIPPET = r"""
import json, re, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from pathlib import Path
from generator.pipeline import build_site
from generator import yamlsource
t1 = time.perf_counter()
site = build_site(Path({content!r}))
pages = {{uri: page.html for uri, page in site.pages.items()}}  # rendered one by one, as MkDocs would
t2 = time.perf_counter()
site.timings["render"] = site.timings.pop("prepare", 0) + site.render_seconds
tag = re.compile(r"<[^>]+>")
claims = [html for uri, html in pages.items() if uri.startswith("claims/") and not uri.endswith("index.md")]
words = sorted(len(tag.sub(" ", html).split()) for html in claims)
print(json.dumps({{
    "import_s": t1 - t0, "build_site_s": t2 - t1, "stages_s": site.timings,
    "pages": len(pages), "html_bytes": sum(len(html.encode()) for html in pages.values()),
    "files_bytes": {{k: len(v) for k, v in site.files.items()}},
    "claims_shown": len(site.graph.claims),
    "claim_page_words_mean": sum(words) / max(1, len(words)), "claim_page_words_median": words[len(words) // 2] if words else 0,
    "yaml_loader": yamlsource._Loader.__module__ + "." + yamlsource._Loader.__name__,
}}))
"""

PROFILE_SNIPPET = r"""
import cProfile, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from generator.pipeline import build_site
cProfile.run("build_site(Path({content!r}))", {out!r})
"""


# -- running things -----------------------------------------------------------------------------

@dataclass
class Run:
    cmd: list[str]
    wall_s: float
    rc: int
    peak_rss_mib: float
    """The largest single process (the build, or a child such as pagefind), from ``wait4``."""
    cpu_s: float
    stdout: str
    stderr: str
    peak_tree_rss_mib: float = 0.0
    """The build and all its children together (proportional set sizes, sampled every 50 ms): what
    the machine must hold. Never less than the largest single process."""


def _tree_rss_kib(pid: int) -> int:
    """Memory of ``pid`` and its descendants, from /proc (0 once they are gone): their proportional
    set sizes (PSS), so pages a forked worker shares with its parent count once, not twice."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0]) if "\nPss:" in rollup else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))


def run(cmd: list[str], *, cwd: Path, timeout: float) -> Run:
    """Run ``cmd``; wall time, exit code and the child's own rusage (peak RSS, CPU) via ``wait4``."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    env.pop("SITE_URL", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.done.set()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(cmd, wall, proc.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   max(sampler.peak_kib / 1024, usage.ru_maxrss / 1024))


def checked(result: Run, what: str) -> Run:
    if result.rc != 0:
        tail = "\n".join((result.stdout + "\n" + result.stderr).splitlines()[-40:])
        raise SystemExit(f"{what} failed with exit code {result.rc}:\n{tail}")
    return result


MATERIAL_SEARCH = "  - search:\n      lang: [de, en]\n  - factcheck\n"
PAGEFIND_SEARCH = "  - factcheck:\n      search: pagefind\n"


def write_config(content: Path, work: Path, *, search: str = "material") -> Path:
    """The repository's mkdocs.yml (navigation included), pointed at ``content``; with
    ``search="pagefind"`` Material's search plugin is swapped for the factcheck plugin's Pagefind."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {content}")
    text = text.replace("custom_dir: theme_overrides", f"custom_dir: {ROOT / 'theme_overrides'}")
    if search == "pagefind":
        assert MATERIAL_SEARCH in text, "mkdocs.yml's plugins changed; update benchmarks/run.py"
        text = text.replace(MATERIAL_SEARCH, PAGEFIND_SEARCH)
    path = work / ("mkdocs.yml" if search == "material" else f"mkdocs-{search}.yml")
    path.write_text(text, encoding="utf-8")
    return path


_STAGE = re.compile(r"(\w+) (\d+) ms")


def plugin_timings(log: str) -> dict[str, float]:
    """The generator's stage times inside the MkDocs build, from the plugin's summary lines (the
    stages before MkDocs reads any page, then the pages' rendering as MkDocs reads them)."""
    stages: dict[str, float] = {}
    for line in log.splitlines():
        if "factcheck:" in line and "(" in line and " ms" in line:
            stages.update({name: int(ms) / 1000 for name, ms in _STAGE.findall(line.rsplit("(", 1)[1])})
    return stages


def mkdocs_build(config: Path, site: Path, *, timeout: float, profile: Path | None = None) -> Run:
    cmd = [sys.executable]
    if profile:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += ["-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    return checked(run(cmd, cwd=config.parent, timeout=timeout), "mkdocs build")


def serve_rebuild(config: Path, content: Path, claim: str, *, timeout: float, marker: str = "Nachtrag serve") -> dict:
    """Edit one claim under ``mkdocs serve --dirty`` as an editor would; seconds from the save to
    MkDocs' "Reloading browsers" (the moment an open page reloads), and the page it then serves."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = config.parent / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    env.pop("SITE_URL", None)
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--dirty", "--livereload",
           "--dev-addr", f"127.0.0.1:{port}"]
    with log_path.open("wb") as log_file:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=config.parent, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        _wait_for_log(proc, log_path, "Serving on", 1, timeout)
        first = time.perf_counter() - start
        url = f"http://127.0.0.1:{port}/claims/{claim}/"
        before = _fetch(url)
        synth.edit_claim(content, claim, marker)
        saved = time.perf_counter()
        _wait_for_log(proc, log_path, "Reloading browsers", 1, timeout)
        rebuild = time.perf_counter() - saved
        after = _fetch(url)
        peak = _peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"edited_claim": claim, "first_build_s": first, "rebuild_s": rebuild, "peak_rss_mib": peak,
            "edit_visible": marker in after and marker not in before}


def _wait_for_log(proc: subprocess.Popen, log_path: Path, text: str, count: int, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if log_path.read_text(encoding="utf-8", errors="replace").count(text) >= count:
            return
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise SystemExit(f"mkdocs serve: no {text!r} (exit code {proc.poll()}):\n{tail}")


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:  # 127.0.0.1 only
        return response.read().decode("utf-8")


def _peak_rss_mib(pid: int) -> float:
    """The serving process's peak resident memory so far (VmHWM), from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# -- measuring the site -------------------------------------------------------------------------

def site_stats(site: Path, n_claims: int) -> dict:
    total, files, by_top = 0, 0, {}
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            files += 1
            top = path.relative_to(site).parts[0] if len(path.relative_to(site).parts) > 1 else "(top-level files)"
            by_top[top] = by_top.get(top, 0) + size
    index = site / "search" / "search_index.json"
    raw = index.read_bytes() if index.is_file() else b""
    data = json.loads(raw) if raw else {}
    bundle = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    claim_pages = sorted((site / "claims").glob("*/index.html"))
    sample = claim_pages[:: max(1, len(claim_pages) // 200)]
    theme = by_top.get("assets", 0)
    return {
        "bytes": total, "files": files, "bytes_per_claim": total / n_claims,
        "bytes_without_theme_assets": total - theme, "bytes_per_claim_without_theme_assets": (total - theme) / n_claims,
        "bytes_by_top_level": dict(sorted(by_top.items(), key=lambda kv: -kv[1])),
        "claim_pages": len(claim_pages),
        "claim_page_html_bytes_mean": sum(p.stat().st_size for p in sample) / max(1, len(sample)),
        "search_index_bytes": len(raw),
        "search_index_gzip_bytes": len(gzip.compress(raw, compresslevel=6)),
        "search_index_entries": len(data.get("docs", [])),
        "search_index_bytes_by_section": _index_by_section(data),
        "pagefind_bytes": sum(p.stat().st_size for p in bundle), "pagefind_files": len(bundle),
    }


def _index_by_section(data: dict) -> dict[str, int]:
    """Bytes of the search index's entries by top-level section of their page (claims, articles, ...)."""
    out: dict[str, int] = {}
    for doc in data.get("docs", []):
        location = doc.get("location", "")
        section = location.split("/")[0] if "/" in location else "(top)"
        out[section] = out.get(section, 0) + len(json.dumps(doc, ensure_ascii=False).encode())
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


# -- profiles -----------------------------------------------------------------------------------

def profile_summary(prof: Path, limit: int = 25) -> dict:
    stats = pstats.Stats(str(prof))
    rows = []
    for (filename, line, func), (cc, nc, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short(filename)}:{line}({func})", "calls": nc, "tottime_s": round(tt, 3),
                     "cumtime_s": round(ct, 3)})
    text = io.StringIO()
    pstats.Stats(str(prof), stream=text).sort_stats("cumulative").print_stats(40)
    pstats.Stats(str(prof), stream=text).sort_stats("tottime").print_stats(30)
    return {"total_s": round(stats.total_tt, 3),  # type: ignore[attr-defined]
            "by_cumtime": sorted(rows, key=lambda r: -r["cumtime_s"])[:limit],
            "by_tottime": sorted(rows, key=lambda r: -r["tottime_s"])[:limit],
            "text": text.getvalue()}


def _short(filename: str) -> str:
    for marker in ("site-packages/", "lib/python3."):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename.replace(str(ROOT) + "/", "")


# -- machine ------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        import yaml
        libyaml = bool(yaml.__with_libyaml__)
    except ImportError:  # pragma: no cover
        libyaml = False
    return {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu_model": cpu, "ram_bytes": mem, "ram_gib": round(mem / 2**30, 1), "python": platform.python_version(),
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "packages": versions, "pyyaml_with_libyaml": libyaml}


def git_commit() -> str | None:
    """HEAD's commit, read from .git (falls back to ``git rev-parse HEAD``)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0]
    except OSError:
        pass
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10, check=False).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


# -- one size -----------------------------------------------------------------------------------

def published_claim(content: Path, ids: list[str]) -> str:
    """A published claim from the middle of the list: the one "an editor" changes."""
    half = len(ids) // 2
    for cid in ids[half:] + ids[:half]:
        if "\nstatus: published\n" in (content / "claims" / f"{cid}.yml").read_text(encoding="utf-8"):
            return cid
    return ids[half]


def search_word(content: Path, claim: str) -> str:
    """A word a reader would search for: the longest word of ``claim``'s title."""
    for line in (content / "claims" / f"{claim}.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("title: "):
            words = re.findall(r"\w{4,}", json.loads(line.removeprefix("title: ")) if line[7:8] == '"' else line[7:])
            return max(words, key=lambda w: (len(w), w))
    raise ValueError(f"no title in {claim}")


def measure(n: int, work: Path, *, seed: int, timeout: float, profile: bool, log) -> dict:
    content = work / "content"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    result: dict = {"n": n}

    start = time.perf_counter()
    tree = synth.generate(content, n, seed=seed)
    result["synth"] = tree.summary() | {"seconds": time.perf_counter() - start}
    log(f"N={n}: generated {tree.files} files ({tree.bytes / 1e6:.1f} MB) in {result['synth']['seconds']:.1f} s")

    alone = checked(run([sys.executable, "-c", GENERATOR_SNIPPET.format(root=str(ROOT), content=str(content))],
                        cwd=work, timeout=timeout), "generator")
    info = json.loads(alone.stdout.strip().splitlines()[-1])
    result["generator"] = info | {"process_wall_s": alone.wall_s, "peak_rss_mib": alone.peak_rss_mib}
    log(f"N={n}: generator alone {info['build_site_s']:.1f} s, {alone.peak_rss_mib:.0f} MiB "
        f"({', '.join(f'{k} {v:.2f}' for k, v in info['stages_s'].items())})")

    edited = published_claim(content, tree.claims)
    query = search_word(content, edited)
    for search in ("material", "pagefind"):
        config = write_config(content, work, search=search)
        site = work / f"site-{search}"
        if search == "material":
            # Share cards: the first build starts with an empty card cache (cold), the second finds
            # every card in it (warm: CI's restored .cache/).
            shutil.rmtree(config.parent / ".cache" / "factcheck" / "cards", ignore_errors=True)
        build = mkdocs_build(config, site, timeout=timeout)
        stages = plugin_timings(build.stderr)
        key = "build" if search == "material" else "build_pagefind"
        result[key] = {"wall_s": build.wall_s, "cpu_s": build.cpu_s, "peak_rss_mib": build.peak_rss_mib,
                       "peak_tree_rss_mib": build.peak_tree_rss_mib, "generator_stages_s": stages,
                       "generator_s": sum(stages.values()), "generator_share": sum(stages.values()) / build.wall_s,
                       "cards_s": stages.get("cards", 0.0), "cards_share": stages.get("cards", 0.0) / build.wall_s,
                       "cards_cache": "cold" if search == "material" else "warm"}
        b = result[key]
        log(f"N={n}: mkdocs build ({search} search) {b['wall_s']:.1f} s, peak {b['peak_rss_mib']:.0f} MiB "
            f"(with children {b['peak_tree_rss_mib']:.0f} MiB), generator share {b['generator_share']:.0%}, "
            f"share cards ({b['cards_cache']} cache) {b['cards_s']:.1f} s = {b['cards_share']:.1%}")
        stats = site_stats(site, n)
        result["site" if search == "material" else "site_pagefind"] = stats
        log(f"N={n}: site {stats['bytes'] / 1e6:.1f} MB ({stats['bytes_per_claim'] / 1e3:.1f} kB/claim), "
            + (f"search index {stats['search_index_bytes'] / 1e6:.2f} MB, gzip {stats['search_index_gzip_bytes'] / 1e6:.2f} MB"
               if search == "material" else f"pagefind bundle {stats['pagefind_bytes'] / 1e6:.2f} MB "
               f"in {stats['pagefind_files']} files"))
        first = measure_first_search(site, query, backend=search, timeout_s=min(timeout, 600))
        result.setdefault("first_search", {})[search] = first
        log(f"N={n}: first search for {query!r} ({search}): {first['total_bytes'] / 1e3:.0f} kB in "
            f"{first['requests']} requests, {first['results']} results shown")
        rebuild = serve_rebuild(config, content, edited, timeout=timeout, marker=f"Nachtrag ({search})")
        rebuild["fraction_of_full"] = rebuild["rebuild_s"] / build.wall_s
        result["rebuild" if search == "material" else "rebuild_pagefind"] = rebuild
        log(f"N={n}: mkdocs serve --dirty ({search} search): first build {rebuild['first_build_s']:.1f} s, after one "
            f"edit rebuilt and reloaded in {rebuild['rebuild_s']:.1f} s ({rebuild['fraction_of_full']:.2f} of a full build)")
        shutil.rmtree(site, ignore_errors=True)  # 0.5 GB each at 10,000 claims

    if profile:
        RESULTS.mkdir(parents=True, exist_ok=True)
        gen_prof = work / "generator.prof"
        checked(run([sys.executable, "-c", PROFILE_SNIPPET.format(root=str(ROOT), content=str(content), out=str(gen_prof))],
                    cwd=work, timeout=timeout), "generator profile")
        mk_prof = work / "mkdocs.prof"
        mkdocs_build(write_config(content, work), work / "site-profile", timeout=timeout * 3, profile=mk_prof)
        gen, mk = profile_summary(gen_prof), profile_summary(mk_prof)
        text_path = RESULTS / f"profile-{n}.txt"
        text_path.write_text(f"# cProfile of the generator alone, N={n}\n\n{gen.pop('text')}\n\n"
                             f"# cProfile of mkdocs build, N={n}\n\n{mk.pop('text')}", encoding="utf-8")
        result["profile"] = {"generator": gen, "mkdocs": mk, "text": str(text_path.relative_to(ROOT))}
        log(f"N={n}: profiles written to {text_path.relative_to(ROOT)}")
    return result


# -- verdicts -----------------------------------------------------------------------------------

def exponent(n1: int, v1: float, n2: int, v2: float) -> float | None:
    if v1 <= 0 or v2 <= 0 or n1 == n2:
        return None
    return math.log(v2 / v1) / math.log(n2 / n1)


def scaling(results: list[dict]) -> dict:
    """Exponents of every stage between consecutive sizes (1 = linear; N log N ≈ 1.1)."""
    metrics = {
        "generator.load": lambda r: r["generator"]["stages_s"].get("load", 0),
        "generator.validate": lambda r: r["generator"]["stages_s"].get("validate", 0),
        "generator.link": lambda r: r["generator"]["stages_s"].get("link", 0),
        "generator.render": lambda r: r["generator"]["stages_s"].get("render", 0),
        "generator.total": lambda r: r["generator"]["build_site_s"],
        "mkdocs.build": lambda r: r["build"]["wall_s"],
        "mkdocs.build_minus_generator": lambda r: r["build"]["wall_s"] - r["build"]["generator_s"],
        "mkdocs.peak_rss": lambda r: r["build"]["peak_tree_rss_mib"],
        "mkdocs.build_pagefind": lambda r: r["build_pagefind"]["wall_s"],
        "site.bytes": lambda r: r["site"]["bytes_without_theme_assets"],
        "site.search_index": lambda r: r["site"]["search_index_bytes"],
    }
    out: dict = {}
    ordered = sorted(results, key=lambda r: r["n"])
    for a, b in itertools.pairwise(ordered):
        key = f"{a['n']}->{b['n']}"
        out[key] = {name: (round(e, 3) if (e := exponent(a["n"], f(a), b["n"], f(b))) is not None else None)
                    for name, f in metrics.items()}
    return out


def targets(results: list[dict], scale: dict) -> dict:
    by_n = {r["n"]: r for r in results}
    top = max(by_n)
    r = by_n[top]
    out: dict = {"evaluated_at_n": top}

    def entry(value: float | bool | None, limit: float | bool | None, met: bool | None, note: str = "") -> dict:
        return {"value": value, "limit": limit, "met": met} | ({"note": note} if note else {})

    # Every per-build target is judged for both search backends: Material's (the default) and
    # Pagefind (offered for large sites).
    for backend, build, rebuild in (("material", r["build"], r["rebuild"]), ("pagefind", r["build_pagefind"],
                                                                             r["rebuild_pagefind"])):
        out[f"full_build_s.{backend}"] = entry(round(build["wall_s"], 1), TARGETS["full_build_s"],
                                               build["wall_s"] <= TARGETS["full_build_s"])
        peak = build["peak_tree_rss_mib"]
        out[f"peak_rss_mib.{backend}"] = entry(round(peak), TARGETS["peak_rss_mib"], peak <= TARGETS["peak_rss_mib"],
                                               f"build and its children together; largest one {build['peak_rss_mib']:.0f}")
        share = build["generator_share"]
        out[f"generator_share.{backend}"] = entry(round(share, 3), TARGETS["generator_share"],
                                                  share <= TARGETS["generator_share"],
                                                  "generator stages inside mkdocs build / build wall time")
        frac = rebuild["fraction_of_full"]
        out[f"rebuild_fraction.{backend}"] = entry(round(frac, 3), round(TARGETS["rebuild_fraction"], 3),
                                                   frac <= TARGETS["rebuild_fraction"] and rebuild["edit_visible"],
                                                   "mkdocs serve --dirty: one claim saved → browsers reloaded, / full build")
        first = r["first_search"][backend]["total_bytes"]
        out[f"first_search_bytes.{backend}"] = entry(first, TARGETS["first_search_bytes"],
                                                     first <= TARGETS["first_search_bytes"],
                                                     f"query {r['first_search'][backend]['query']!r}, measured in Chromium"
                                                     + (f"; index gzip {r['site']['search_index_gzip_bytes']} bytes"
                                                        if backend == "material" else ""))
    smaller = [n for n in by_n if n < top]
    if smaller:
        ref = 1000 if 1000 in smaller else max(smaller)
        ratio = r["site"]["bytes_per_claim"] / by_n[ref]["site"]["bytes_per_claim"]
        out["bytes_per_claim_ratio"] = entry(round(ratio, 3), TARGETS["bytes_per_claim_ratio"],
                                             ratio <= TARGETS["bytes_per_claim_ratio"], f"N={top} vs N={ref}")
    else:
        out["bytes_per_claim_ratio"] = entry(None, TARGETS["bytes_per_claim_ratio"], None, "needs two sizes")
    loader = r["generator"]["yaml_loader"]
    out["yaml_libyaml"] = entry(loader, "yaml.cyaml.CSafeLoader", loader.endswith("CSafeLoader"))
    pairs = [k for k in scale if int(k.split("->")[0]) >= 1000] or list(scale)[-1:]
    worst = {name: max((scale[p][name] for p in pairs if scale[p][name] is not None), default=None)
             for name in (scale[pairs[0]] if pairs else {})}
    bad = {k: v for k, v in worst.items() if v is not None and v > TARGETS["max_exponent"]}
    out["no_stage_worse_than_n_log_n"] = entry(worst or None, TARGETS["max_exponent"], (not bad) if worst else None,
                                               ("worse: " + ", ".join(sorted(bad))) if bad else f"pairs {pairs}")
    return out


# -- report -------------------------------------------------------------------------------------

def table(results: list[dict]) -> str:
    """One row per size and search backend."""
    head = ("N", "search", "gen s", "load", "valid", "link", "render", "build s", "gen %", "RSS MiB",
            "site MB", "kB/claim", "index MB", "1st search kB", "edit→reload s", "cards cold s", "cards warm s")
    rows = [head]
    for r in sorted(results, key=lambda r: r["n"]):
        st = r["generator"]["stages_s"]
        for backend, build, site, rebuild in (("material", r["build"], r["site"], r["rebuild"]),
                                              ("pagefind", r["build_pagefind"], r["site_pagefind"], r["rebuild_pagefind"])):
            index = site["search_index_bytes"] if backend == "material" else site["pagefind_bytes"]
            rows.append((str(r["n"]), backend, f"{r['generator']['build_site_s']:.1f}",
                         *(f"{st.get(k, 0):.1f}" for k in ("load", "validate", "link", "render")),
                         f"{build['wall_s']:.1f}", f"{100 * build['generator_share']:.0f}",
                         f"{build['peak_tree_rss_mib']:.0f}", f"{site['bytes'] / 1e6:.1f}",
                         f"{site['bytes_per_claim'] / 1e3:.1f}", f"{index / 1e6:.2f}",
                         f"{r['first_search'][backend]['total_bytes'] / 1e3:.0f}", f"{rebuild['rebuild_s']:.1f}",
                         *((f"{r['build']['cards_s']:.2f} ({100 * r['build']['cards_share']:.0f} %)",
                            f"{r['build_pagefind']['cards_s']:.2f} ({100 * r['build_pagefind']['cards_share']:.1f} %)")
                           if backend == "material" else ("", ""))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def target_lines(verdicts: dict) -> str:
    lines = [f"targets at N={verdicts['evaluated_at_n']}:"]
    for name, v in verdicts.items():
        if name == "evaluated_at_n":
            continue
        mark = {True: "met   ", False: "MISSED", None: "n/a   "}[v["met"]]
        value = v["value"] if not isinstance(v["value"], dict) else ", ".join(f"{k} {x}" for k, x in v["value"].items())
        lines.append(f"  {mark} {name}: {value} (limit {v['limit']})" + (f" — {v['note']}" if v.get("note") else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], metavar="N")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the content trees and sites in DIR/N/")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="JSON results (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
    parser.add_argument("--profile", action="store_true", help="cProfile generator and mkdocs build at the largest N")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per build before it is killed")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    base = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    started = datetime.now(UTC)
    results = []
    try:
        for n in sorted(set(args.sizes)):
            results.append(measure(n, base / str(n), seed=args.seed, timeout=args.timeout,
                                   profile=args.profile and n == max(args.sizes), log=log))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    scale = scaling(results)
    verdicts = targets(results, scale)
    report = {"benchmark": "factcheck scale", "started": started.isoformat(timespec="seconds"),
              "command": " ".join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])),
              "commit": git_commit(), "machine": machine(), "seed": args.seed, "sizes": sorted(set(args.sizes)),
              "results": results, "scaling_exponents": scale, "targets": verdicts}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print()
    print(target_lines(verdicts))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
