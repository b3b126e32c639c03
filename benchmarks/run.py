"""Scale benchmark: generator and full MkDocs build for synthetic sites of N claims, beside the
engine floor (a bare MkDocs + Material site of N plain pages) built in the same run.

    python benchmarks/run.py --sizes 100 1000 10000      # default sizes: 100 1000
    python benchmarks/run.py --sizes 1000 --profile      # + cProfile of generator, mkdocs build and floor
    python benchmarks/run.py --keep /tmp/trees           # keep content trees and built sites
    python benchmarks/run.py --sizes 10000 30000 --backends default --no-serve   # the large run

For each N it writes a synthetic content tree (``benchmarks/synth.py``) and measures

* the generator alone (``generator.pipeline.build_site``: load, validate, link, media, prepare,
  render), in a fresh process, with its peak memory;
* for the repository's mkdocs.yml as it is (the *default* configuration; its search backend is
  read off the built site), then for each other search backend asked for (``--backends``;
  Material's search plugin, ``search: pagefind``):
  - the full ``mkdocs build --strict`` (navigation included; the tree has the hand-written pages
    it names): wall time, the generator's stages inside it (from the plugin's summary lines),
    peak memory of the largest process (``os.wait4``) and of the build with its children together
    (sampled from /proc: pagefind and Markdown workers run beside MkDocs);
  - the built site: bytes in total and per claim, the search index (Material's
    ``search_index.json``, raw and gzip-compressed; Pagefind's bundle);
  - the first search as a reader does it, in headless Chromium (``benchmarks/first_search.py``):
    every byte the browser fetches for it, for the longest word of a claim's title;
  - unless ``--no-serve``: the rebuild after editing that claim under ``mkdocs serve --dirty``:
    seconds from saving the YAML to MkDocs reloading the browsers, and whether the served page
    then shows the edit;
* the floor, right after the default build: ``mkdocs build --strict`` of a bare MkDocs + Material
  site (the repository's theme language, features, palette, Markdown extensions and link
  validation; no custom_dir, no factcheck plugin) with N plain Markdown pages as long as a claim
  page's text and a navigation of one index page, with Material's search plugin exactly when
  the default build has Material's search index (a Pagefind site has no Material search);
  measured the same way. ``ratio`` = default build / floor;
* with ``--floor-site-pages``, a second floor of as many pages as the default site has (its
  sitemap's entries: claims, articles, listings, hand-written pages), for the planners: how much
  of the ratio is the number of pages, and how the bare engine itself grows from the floor's N + 1
  pages to that many (``floor_site_pages``, ``ratio_site_pages``, ``floor_exponent``; not a target).

It prints a table and writes JSON (``benchmarks/results/latest.json`` unless ``--out``) with the
machine, package versions, git commit, every number, per-stage scaling exponents, and the targets
met or missed.
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
import statistics
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import yaml

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
    "floor_ratio": 1.2,
    "warm_edit_ratio": 0.5,
}
"""Targets at N=10,000 (issues "scale benchmarks" and 14). An exponent is log(t2/t1)/log(N2/N1)
between two sizes; N log N from 1,000 to 10,000 is 1.125, so anything above 1.2 is worse than
N log N. ``floor_ratio``: the default configuration's build / the floor's. ``warm_edit_ratio``
(``--rounds``): a build after editing one record with the previous build's cache / a cold build,
with byte-identical output."""
BEYOND = {"peak_rss_mib": 2048.0, "stage_exponent": 1.15}
"""Targets above 10,000 claims (issue 14: 30,000, an archive's size): memory of the build with its
children ≤ 2 GiB, and every stage and the build growing with exponent ≤ 1.15 between the two
largest sizes measured."""
STAGES = ("load", "validate", "link", "media", "cards", "prepare", "render")
"""The generator's stages in the order they run (``generator/pipeline.py``; ``render`` is the pages,
rendered one by one as MkDocs asks for them; ``cards`` only inside ``mkdocs build``)."""
MIN_JUDGED_S = 0.2
"""Stages shorter than this at the larger size are not judged by their exponent: a few
milliseconds of noise move it by more than the limit."""
BACKENDS = ("material", "pagefind")


def default_timeout(n: int) -> float:
    """Seconds one build (or serve's first build) may take before it is killed: generous, since
    the machine is shared (builds took 4–5× their quiet time under load), and growing with N."""
    return 600 + 0.15 * n


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
site.timings["render"] = site.render_seconds
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
    """The build and all its children together (proportional set sizes, sampled from /proc every
    50 ms or more, see ``_TreeSampler``): what the machine must hold. Never less than the largest
    single process."""
    samples: int = 0
    longest_interval_s: float = 0.0


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
    """Peak memory of a process tree, sampled from /proc.

    Reading ``smaps_rollup`` walks the process's page tables: 30 ms of CPU for a 1.5 GiB process,
    so a fixed 50 ms interval would take 60 % of a core (of two) and hold the build's memory lock
    while it reads. The interval is 20× the CPU time of the last sample (this thread's, so waiting
    for a busy CPU does not count), at least 50 ms and at most 1 s: the sampler stays under ~5 % of
    one core at any size. A memory peak shorter than the interval may be missed; the largest
    single process's peak comes from ``wait4`` regardless."""

    BASE_S, MAX_S, COST_FACTOR = 0.05, 1.0, 20

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.done = pid, 0, threading.Event()
        self.samples, self.longest_interval_s = 0, self.BASE_S

    def run(self) -> None:
        interval = self.BASE_S
        while not self.done.wait(interval):
            start = time.thread_time()
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))
            self.samples += 1
            interval = min(self.MAX_S, max(self.BASE_S, self.COST_FACTOR * (time.thread_time() - start)))
            self.longest_interval_s = max(self.longest_interval_s, interval)


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
            sampler.join(timeout=10)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(cmd, wall, proc.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   max(sampler.peak_kib / 1024, usage.ru_maxrss / 1024), sampler.samples,
                   sampler.longest_interval_s)


def checked(result: Run, what: str) -> Run:
    if result.rc != 0:
        tail = "\n".join((result.stdout + "\n" + result.stderr).splitlines()[-40:])
        raise SystemExit(f"{what} failed with exit code {result.rc}:\n{tail}")
    return result


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as data: ``!ENV [NAME, default]`` reads as its default (nothing is looked up)."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: (loader.construct_sequence(node)[-1]
                                                            if isinstance(node, yaml.SequenceNode)
                                                            else None))
_PLUGINS = re.compile(r"^plugins:[ \t]*\n(?:(?:[ \t].*)?\n)*", re.MULTILINE)
MATERIAL_SEARCH_PLUGIN = {"search": {"lang": ["de", "en"]}}
"""Material's search plugin as the repository configured it before Pagefind became an option."""


def repo_config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506


def _plugin_name(entry: object) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))  # type: ignore[arg-type]


def plugins_for(plugins: list, search: str) -> list:
    """``plugins`` (mkdocs.yml's list) with the search backend set to ``search``: ``material`` keeps
    or adds Material's search plugin and sets the factcheck plugin's ``search: material``;
    ``pagefind`` drops Material's plugin and sets ``search: pagefind``. Other plugins and the
    factcheck plugin's other options stay as they are."""
    material = [e for e in plugins if _plugin_name(e) in ("search", "material/search")]
    out: list = []
    for entry in plugins:
        name = _plugin_name(entry)
        if name in ("search", "material/search"):
            continue
        if name == "factcheck":
            options = dict(entry["factcheck"] or {}) if isinstance(entry, dict) else {}
            entry = {"factcheck": options | {"search": search}}
        out.append(entry)
    if search == "material":
        out.insert(0, material[0] if material else MATERIAL_SEARCH_PLUGIN)
    return out


def write_config(content: Path, work: Path, *, search: str | None = None) -> Path:
    """The repository's mkdocs.yml (navigation included), pointed at ``content``: as it is
    (``search=None``: the default configuration), or with its search backend set to ``search``
    (``plugins_for``; only the ``plugins:`` block is rewritten)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {content}")
    text = text.replace("custom_dir: theme_overrides", f"custom_dir: {ROOT / 'theme_overrides'}")
    if search is not None:
        block = _PLUGINS.search(text)
        assert block, "mkdocs.yml has no top-level plugins: block; update benchmarks/run.py"
        plugins = yaml.load(block.group(), Loader=_ConfigLoader)["plugins"]  # noqa: S506
        dumped = yaml.safe_dump({"plugins": plugins_for(plugins, search)}, sort_keys=False, allow_unicode=True)
        text = text[:block.start()] + dumped + "\n" + text[block.end():]
    path = work / ("mkdocs.yml" if search is None else f"mkdocs-{search}.yml")
    path.write_text(text, encoding="utf-8")
    return path


def site_backend(site: Path) -> str:
    """The search backend a built site uses: ``pagefind``, ``material`` or ``none``."""
    if (site / "pagefind" / "pagefind.js").is_file():
        return "pagefind"
    if (site / "search" / "search_index.json").is_file():
        return "material"
    return "none"


def write_floor(work: Path, n: int, *, words: int, material_search: bool, seed: int) -> tuple[Path, int]:
    """The engine floor: ``n`` plain Markdown pages of ``words`` words (``synth.generate_floor``)
    and an mkdocs.yml with the repository's theme (language, fonts, features, palette), Markdown
    extensions and link validation, no custom_dir, no other plugin, a navigation of one index page;
    Material's search plugin only with ``material_search`` (the default configuration's backend).
    Returns the config and the bytes of Markdown written."""
    repo = repo_config()
    docs = work / "floor"
    written = synth.generate_floor(docs, n, words=words, seed=seed)
    theme = {k: v for k, v in (repo.get("theme") or {}).items() if k in ("name", "language", "font", "features",
                                                                          "palette")}
    search = [e for e in repo.get("plugins", []) if _plugin_name(e) in ("search", "material/search")]
    config = {"site_name": "Floor", "site_url": repo.get("site_url") or "http://127.0.0.1:8000/",
              "docs_dir": str(docs), "theme": theme | {"name": "material"},
              "plugins": (search[:1] or [MATERIAL_SEARCH_PLUGIN]) if material_search else [],
              "markdown_extensions": repo.get("markdown_extensions", []),
              "validation": repo.get("validation", {}), "nav": [{"Start": "index.md"}]}
    path = work / "mkdocs-floor.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, written


_STAGE = re.compile(r"(\w+) (\d+) ms")


def plugin_timings(log: str) -> dict[str, float]:
    """The generator's stage times inside the MkDocs build, from the plugin's summary lines (the
    stages before MkDocs reads any page, then the pages' rendering as MkDocs reads them)."""
    stages: dict[str, float] = {}
    for line in log.splitlines():
        if "factcheck:" in line and "(" in line and " ms" in line:
            stages.update({name: int(ms) / 1000 for name, ms in _STAGE.findall(line.rsplit("(", 1)[1])})
    return stages


_BESIDE = re.compile(r"share cards drawn in ([\d.]+) s and copied in ([\d.]+) s beside the pages")


def card_process(log: str) -> dict[str, float] | None:
    """The card process's own seconds (``cards.CardJob``), from the plugin's line; None without one."""
    found = _BESIDE.search(log)
    return {"draw_s": float(found[1]), "copy_s": float(found[2])} if found else None


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


def _package(filename: str) -> str:
    """Who owns a profiled function: the first folder under site-packages (``mkdocs``, ``material``,
    ``markdown``, ``jinja2``, …) or in the repository (``generator``), ``stdlib``, or ``builtins``
    for C functions (``{method 'join' of 'str' objects}``: attributed to no package)."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "lib/python3." in filename:
        return "stdlib"
    if filename.startswith(str(ROOT) + "/"):
        return filename.removeprefix(str(ROOT) + "/").split("/", 1)[0]
    return "builtins" if filename == "~" else filename


def profile_excess(project: Path, floor: Path, limit: int = 30) -> dict:
    """Where the project's build spends the time the floor's does not: own time (tottime) by
    package for both, and the functions with the largest own-time excess over the floor."""
    def own(prof: Path) -> dict[str, float]:
        stats = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
        return {f"{_short(fn)}:{line}({func})": tt for (fn, line, func), (_, _, tt, _, _) in stats.items()}

    def by_package(prof: Path) -> dict[str, float]:
        out: dict[str, float] = {}
        for (fn, _, _), (_, _, tt, _, _) in pstats.Stats(str(prof)).stats.items():  # type: ignore[attr-defined]
            out[_package(fn)] = out.get(_package(fn), 0.0) + tt
        return out

    mine, theirs = own(project), own(floor)
    pkg_mine, pkg_theirs = by_package(project), by_package(floor)
    packages = {name: {"project_s": round(pkg_mine.get(name, 0.0), 2), "floor_s": round(pkg_theirs.get(name, 0.0), 2),
                       "excess_s": round(pkg_mine.get(name, 0.0) - pkg_theirs.get(name, 0.0), 2)}
                for name in set(pkg_mine) | set(pkg_theirs)}
    functions = sorted(((name, tt - theirs.get(name, 0.0), tt, theirs.get(name, 0.0)) for name, tt in mine.items()),
                       key=lambda row: -row[1])[:limit]
    return {"by_package": dict(sorted(packages.items(), key=lambda kv: -kv[1]["excess_s"])),
            "functions": [{"function": name, "excess_s": round(ex, 3), "project_s": round(tt, 3),
                           "floor_s": round(ft, 3)} for name, ex, tt, ft in functions]}


def _short(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if "lib/python3." in filename:  # .../lib/python3.11/html/parser.py → html/parser.py
        return filename.split("lib/python3.", 1)[1].split("/", 1)[-1]
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


def measure(n: int, work: Path, *, seed: int, timeout: float, profile: bool, backends: set[str], serve: bool,
            generator_alone: bool = True, rounds: int = 1, site_pages_floor: bool = False, log) -> dict:
    content = work / "content"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    result: dict = {"n": n, "timeout_s": timeout}

    start = time.perf_counter()
    tree = synth.generate(content, n, seed=seed)
    result["synth"] = tree.summary() | {"seconds": time.perf_counter() - start}
    log(f"N={n}: generated {tree.files} files ({tree.bytes / 1e6:.1f} MB) in {result['synth']['seconds']:.1f} s")

    info: dict = {}
    if generator_alone:
        alone = checked(run([sys.executable, "-c", GENERATOR_SNIPPET.format(root=str(ROOT), content=str(content))],
                            cwd=work, timeout=timeout), "generator")
        info = json.loads(alone.stdout.strip().splitlines()[-1])
        result["generator"] = info | {"process_wall_s": alone.wall_s, "peak_rss_mib": alone.peak_rss_mib}
        log(f"N={n}: generator alone {info['build_site_s']:.1f} s, {alone.peak_rss_mib:.0f} MiB "
            f"({', '.join(f'{k} {v:.2f}' for k, v in info['stages_s'].items())})")
    else:
        result["generator"] = None

    edited = published_claim(content, tree.claims)
    query = search_word(content, edited)
    measured: dict[str, dict] = {}
    # The default configuration first, with an empty share-card cache (cold: a first CI build);
    # the floor right after it, so both see the machine in the same state.
    config = write_config(content, work)
    default = _build(config, work / "site-default", n, timeout=timeout, cards_cache="cold", log=log)
    name = default["backend"]
    result["default_backend"] = name
    words = round(info.get("claim_page_words_mean", 0)) or synth.FLOOR_WORDS
    result["floor"] = floor = measure_floor(work, n, words=words, material_search=name == "material", seed=seed,
                                            timeout=timeout)
    result["ratio"] = default["build"]["wall_s"] / floor["floor_s"]
    # The default build starts with an empty card cache; CI restores it (issue 14, point 4), and
    # a warm cache costs ~1 % of the build: the ratio without the card stage estimates that build.
    result["ratio_without_cards"] = (default["build"]["wall_s"] - default["build"]["cards_s"]) / floor["floor_s"]
    result["ratio_peak_memory"] = default["build"]["peak_tree_rss_mib"] / floor["floor_peak_mib"]
    # CPU seconds (the build and its workers, from wait4) move less than wall time when other work
    # shares the machine: the ratio to check a loaded run's wall-time ratio against.
    result["ratio_cpu"] = default["build"]["cpu_s"] / floor["cpu_s"]
    log(f"N={n}: floor (bare MkDocs + Material, {n} pages of {words} words, search: "
        f"{'Material' if floor['material_search'] else 'none'}) {floor['floor_s']:.1f} s, "
        f"{floor['floor_peak_mib']:.0f} MiB; default build / floor = {result['ratio']:.2f}× "
        f"({result['ratio_without_cards']:.2f}× without the cold card stage; CPU seconds {result['ratio_cpu']:.2f}×)")
    if site_pages_floor:
        result |= _site_pages_floor(default, floor, work, n, words=words, seed=seed, timeout=timeout, log=log)
    if rounds > 1:
        result |= _rounds(default, floor, config, work, n, words=words, seed=seed, timeout=timeout, rounds=rounds,
                          edited=edited, log=log)
    measured[name] = _after_build(default, config, content, edited, query, n, timeout=timeout, serve=serve, log=log)
    measured[name]["default"] = True

    others = [b for b in BACKENDS if b != name and ("all" in backends or b in backends)]
    for backend in others:
        config = write_config(content, work, search=backend)
        built = _build(config, work / f"site-{backend}", n, timeout=timeout, cards_cache="warm", log=log)
        if built["backend"] != backend:
            raise SystemExit(f"{config.name}: built a site with search {built['backend']!r}, not {backend!r}")
        measured[backend] = _after_build(built, config, content, edited, query, n, timeout=timeout, serve=serve,
                                         log=log) | {"default": False}
    result["backends"] = measured

    if profile:
        result["profile"] = _profiles(n, work, content, timeout=timeout, log=log)
    return result


def site_pages(site: Path) -> int:
    """The pages MkDocs built: one ``<url>`` in sitemap.xml for each (generated and hand-written,
    in the navigation or not; redirects, embed cards and other files are not pages)."""
    return (site / "sitemap.xml").read_text(encoding="utf-8").count("<url>")


def _site_pages_floor(default: dict, floor: dict, work: Path, n: int, *, words: int, seed: int, timeout: float,
                      log) -> dict:
    """``--floor-site-pages``: the floor again, with as many pages as the default site (each as long
    as a claim page's text, like the N pages of the floor), right after the first pair. Not a
    target: it splits the ratio into the number of pages and the cost per page, and measures how
    the bare engine grows from the floor's N + 1 pages (the index page too) to that many
    (exponent 1: linear)."""
    pages = site_pages(default["site_dir"])
    # The floor's index page and pages - 1 plain pages: as many pages as the site.
    again = measure_floor(work / "floor-site-pages", pages - 1, words=words,
                          material_search=floor["material_search"], seed=seed, timeout=timeout)
    out = {"site_pages": pages, "floor_site_pages": again,
           "ratio_site_pages": default["build"]["wall_s"] / again["floor_s"],
           "floor_exponent": exponent(n + 1, floor["floor_s"], pages, again["floor_s"])}
    log(f"N={n}: floor of the site's {pages} pages {again['floor_s']:.1f} s "
        f"(of {n + 1} pages {floor['floor_s']:.1f} s: exponent {out['floor_exponent'] or 0:.2f}); "
        f"default build / that floor = {out['ratio_site_pages']:.2f}×")
    return out


def _rounds(default: dict, floor: dict, config: Path, work: Path, n: int, *, words: int, seed: int, timeout: float,
            rounds: int, edited: str, log) -> dict:
    """``--rounds K``: K−1 more cold builds of the default configuration, each beside a floor build,
    in alternating order (floor first in every second round), and then one warm build (the build
    cache of the round before, content unchanged: CI's usual case). On a shared machine one pair can
    be off by a quarter; the median of the rounds' ratios is what the floor target judges.

    Then the warm build after an edit (issue 14, point 4): ``edited``'s summary gets two words,
    the site is built with the cache of the build before, then cold (no cache) into another folder;
    the two sites must be the same bytes, and the warm build is judged against the median cold build
    (the rounds' and this one)."""
    pairs = [{"build_s": default["build"]["wall_s"], "floor_s": floor["floor_s"],
              "build_cpu_s": default["build"]["cpu_s"], "floor_cpu_s": floor["cpu_s"]}]
    cache = config.parent / ".cache" / "factcheck"
    material = floor["material_search"]
    for i in range(1, rounds):
        steps = ["build", "floor"] if i % 2 == 0 else ["floor", "build"]
        pair: dict = {}
        for step in steps:
            if step == "build":
                shutil.rmtree(cache, ignore_errors=True)  # cold, as the first build
                built = mkdocs_build(config, work / "site-round", timeout=timeout)
                shutil.rmtree(work / "site-round", ignore_errors=True)
                pair |= {"build_s": built.wall_s, "build_cpu_s": built.cpu_s}
            else:
                again = measure_floor(work, n, words=words, material_search=material, seed=seed, timeout=timeout)
                pair |= {"floor_s": again["floor_s"], "floor_cpu_s": again["cpu_s"]}
        pairs.append(pair)
        log(f"N={n}: round {i + 1} ({' then '.join(steps)}): build {pair['build_s']:.1f} s, floor "
            f"{pair['floor_s']:.1f} s, {pair['build_s'] / pair['floor_s']:.2f}×")
    for pair in pairs:
        pair["ratio"] = pair["build_s"] / pair["floor_s"]
        pair["ratio_cpu"] = pair["build_cpu_s"] / pair["floor_cpu_s"]
    warm = mkdocs_build(config, work / "site-round", timeout=timeout)  # the last round's cache, unchanged content
    shutil.rmtree(work / "site-round", ignore_errors=True)
    floor_median = statistics.median(p["floor_s"] for p in pairs)
    out = {"rounds": pairs, "ratio_median": statistics.median(p["ratio"] for p in pairs),
           "ratio_cpu_median": statistics.median(p["ratio_cpu"] for p in pairs),
           "warm_build_s": warm.wall_s, "ratio_warm": warm.wall_s / floor_median}
    log(f"N={n}: {rounds} rounds: median ratio {out['ratio_median']:.2f}× (CPU seconds {out['ratio_cpu_median']:.2f}×; "
        f"rounds {', '.join(format(p['ratio'], '.2f') for p in pairs)}); warm build (cache kept, nothing changed) "
        f"{warm.wall_s:.1f} s = {out['ratio_warm']:.2f}× the median floor")
    out["edit"] = edit = warm_after_edit(config, work, edited, timeout=timeout)
    edit["cold_median_s"] = statistics.median([p["build_s"] for p in pairs] + [edit["cold_s"]])
    edit["ratio"] = edit["warm_s"] / edit["cold_median_s"]
    log(f"N={n}: one record edited ({edited}): warm build {edit['warm_s']:.1f} s, cold {edit['cold_s']:.1f} s; "
        f"{edit['ratio']:.2f}× the median cold build ({edit['cold_median_s']:.1f} s); the two sites are "
        f"{'the same bytes' if edit['identical'] else 'DIFFERENT: ' + ', '.join(edit['differ'])}")
    return out


def warm_after_edit(config: Path, work: Path, claim: str, *, timeout: float) -> dict:
    """Edit ``claim``, build with the cache the previous build left, then without any cache; the
    seconds of both and whether the two sites are byte-identical (``differ``: the first paths that are not)."""
    synth.edit_claim(config.parent / "content", claim, marker="Nachtrag zur Prüfung")
    warm = mkdocs_build(config, work / "site-warm", timeout=timeout)
    shutil.rmtree(config.parent / ".cache" / "factcheck", ignore_errors=True)
    cold = mkdocs_build(config, work / "site-cold", timeout=timeout)
    differ = _different_files(work / "site-warm", work / "site-cold")
    for site in ("site-warm", "site-cold"):
        shutil.rmtree(work / site, ignore_errors=True)
    return {"claim": claim, "warm_s": warm.wall_s, "cold_s": cold.wall_s, "warm_cpu_s": warm.cpu_s,
            "cold_cpu_s": cold.cpu_s, "identical": not differ, "differ": differ}


def _different_files(a: Path, b: Path, limit: int = 10) -> list[str]:
    names = sorted({p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()})
    out = []
    for name in names:
        x, y = a / name, b / name
        if not (x.is_file() and y.is_file() and x.stat().st_size == y.stat().st_size and x.read_bytes() == y.read_bytes()):
            out.append(name)
            if len(out) >= limit:
                break
    return out


def _build(config: Path, site: Path, n: int, *, timeout: float, cards_cache: str, log) -> dict:
    """One ``mkdocs build --strict`` with ``config``: its numbers, and the site's search backend."""
    if cards_cache == "cold":
        shutil.rmtree(config.parent / ".cache" / "factcheck" / "cards", ignore_errors=True)
    build = mkdocs_build(config, site, timeout=timeout)
    stages = plugin_timings(build.stderr)
    # The build's own time for the cards: finding them (and, without a card process, drawing them)
    # and waiting for the card process at the end; that process's seconds are reported apart.
    cards_s = stages.get("cards", 0.0) + stages.get("cards_wait", 0.0) + stages.get("cards_copy", 0.0)
    beside = card_process(build.stderr)
    backend = site_backend(site)
    numbers = {"wall_s": build.wall_s, "cpu_s": build.cpu_s, "peak_rss_mib": build.peak_rss_mib,
               "peak_tree_rss_mib": build.peak_tree_rss_mib, "memory_samples": build.samples,
               "memory_sample_interval_max_s": round(build.longest_interval_s, 3),
               "generator_stages_s": stages, "generator_s": sum(stages.values()),
               "generator_share": sum(stages.values()) / build.wall_s,
               "cards_s": cards_s, "cards_share": cards_s / build.wall_s, "cards_cache": cards_cache,
               "cards_beside_s": beside}
    log(f"N={n}: mkdocs build ({config.name}: {backend} search) {build.wall_s:.1f} s, peak {build.peak_rss_mib:.0f} MiB "
        f"(with children {build.peak_tree_rss_mib:.0f} MiB), generator share {numbers['generator_share']:.0%}, "
        f"share cards ({cards_cache} cache) {numbers['cards_s']:.1f} s = {numbers['cards_share']:.1%}"
        + (f" of the build's time (their own process: drawn {beside['draw_s']:.1f} s, copied {beside['copy_s']:.1f} s)"
           if beside else ""))
    return {"backend": backend, "config": config.name, "site_dir": site, "build": numbers}


def _after_build(built: dict, config: Path, content: Path, edited: str, query: str, n: int, *, timeout: float,
                 serve: bool, log) -> dict:
    """The built site's size, the first search in Chromium, and (with ``serve``) the rebuild
    after one edit under ``mkdocs serve --dirty``; the site is deleted afterwards."""
    site, backend = built.pop("site_dir"), built["backend"]
    stats = site_stats(site, n)
    log(f"N={n}: site {stats['bytes'] / 1e6:.1f} MB ({stats['bytes_per_claim'] / 1e3:.1f} kB/claim), "
        + (f"search index {stats['search_index_bytes'] / 1e6:.2f} MB, gzip {stats['search_index_gzip_bytes'] / 1e6:.2f} MB"
           if backend == "material" else f"pagefind bundle {stats['pagefind_bytes'] / 1e6:.2f} MB "
           f"in {stats['pagefind_files']} files"))
    first = None
    if backend in BACKENDS:
        first = measure_first_search(site, query, backend=backend, timeout_s=min(timeout, 900))  # type: ignore[arg-type]
        log(f"N={n}: first search for {query!r} ({backend}): {first['total_bytes'] / 1e3:.0f} kB in "
            f"{first['requests']} requests, {first['results']} results shown")
    shutil.rmtree(site, ignore_errors=True)  # 0.5 GB each at 10,000 claims
    rebuild = None
    if serve:
        rebuild = serve_rebuild(config, content, edited, timeout=timeout, marker=f"Nachtrag ({config.stem})")
        rebuild["fraction_of_full"] = rebuild["rebuild_s"] / built["build"]["wall_s"]
        log(f"N={n}: mkdocs serve --dirty ({backend} search): first build {rebuild['first_build_s']:.1f} s, after one "
            f"edit rebuilt and reloaded in {rebuild['rebuild_s']:.1f} s ({rebuild['fraction_of_full']:.2f} of a full build)")
    return built | {"site": stats, "first_search": first, "rebuild": rebuild}


def measure_floor(work: Path, n: int, *, words: int, material_search: bool, seed: int, timeout: float) -> dict:
    """Build the engine floor (``write_floor``) as the project is built and measured."""
    config, written = write_floor(work, n, words=words, material_search=material_search, seed=seed)
    site = work / "site-floor"
    build = mkdocs_build(config, site, timeout=timeout)
    total = files = 0
    for path in site.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    shutil.rmtree(site, ignore_errors=True)
    return {"floor_s": build.wall_s, "floor_peak_mib": build.peak_tree_rss_mib, "cpu_s": build.cpu_s,
            "pages": n, "words_per_page": words, "markdown_bytes": written, "material_search": material_search,
            "site_bytes": total, "site_files": files, "memory_samples": build.samples}


def _profiles(n: int, work: Path, content: Path, *, timeout: float, log) -> dict:
    """cProfile of the generator alone, of the default configuration's build and of the floor's."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    gen_prof = work / "generator.prof"
    checked(run([sys.executable, "-c", PROFILE_SNIPPET.format(root=str(ROOT), content=str(content), out=str(gen_prof))],
                cwd=work, timeout=timeout), "generator profile")
    mk_prof, floor_prof = work / "mkdocs.prof", work / "floor.prof"
    mkdocs_build(write_config(content, work), work / "site-profile", timeout=timeout * 3, profile=mk_prof)
    shutil.rmtree(work / "site-profile", ignore_errors=True)
    mkdocs_build(work / "mkdocs-floor.yml", work / "site-floor-profile", timeout=timeout * 3, profile=floor_prof)
    shutil.rmtree(work / "site-floor-profile", ignore_errors=True)
    gen, mk, floor = profile_summary(gen_prof), profile_summary(mk_prof), profile_summary(floor_prof)
    text_path = RESULTS / f"profile-{n}.txt"
    text_path.write_text(f"# cProfile of the generator alone, N={n}\n\n{gen.pop('text')}\n\n"
                         f"# cProfile of mkdocs build (default configuration), N={n}\n\n{mk.pop('text')}\n\n"
                         f"# cProfile of the floor's mkdocs build, N={n}\n\n{floor.pop('text')}", encoding="utf-8")
    log(f"N={n}: profiles written to {text_path.relative_to(ROOT)}")
    return {"generator": gen, "mkdocs": mk, "floor": floor, "excess": profile_excess(mk_prof, floor_prof),
            "text": str(text_path.relative_to(ROOT))}


# -- verdicts -----------------------------------------------------------------------------------

def exponent(n1: int, v1: float, n2: int, v2: float) -> float | None:
    if v1 <= 0 or v2 <= 0 or n1 == n2:
        return None
    return math.log(v2 / v1) / math.log(n2 / n1)


def _default(r: dict) -> dict:
    """The default configuration's measurements at one size."""
    return r["backends"][r["default_backend"]]


def _index_bytes(entry: dict) -> int:
    site = entry["site"]
    return site["search_index_bytes"] if entry["backend"] == "material" else site["pagefind_bytes"]


def _metrics(results: list[dict]) -> dict[str, Callable[[dict], float]]:
    """What ``scaling`` follows: every generator stage inside the default build (``stage.*``) and
    in the generator alone (``generator.*``), the builds, the floor, memory, bytes."""
    out: dict[str, Callable[[dict], float]] = {}
    for stage in STAGES:
        out[f"stage.{stage}"] = lambda r, k=stage: _default(r)["build"]["generator_stages_s"].get(k, 0)
    if all(r["generator"] for r in results):  # not measured with --no-generator
        for stage in STAGES:
            if stage != "cards":  # the generator alone has no card cache
                out[f"generator.{stage}"] = lambda r, k=stage: r["generator"]["stages_s"].get(k, 0)
        out["generator.total"] = lambda r: r["generator"]["build_site_s"]
    out |= {
        "stage.total": lambda r: _default(r)["build"]["generator_s"],
        "build.wall": lambda r: _default(r)["build"]["wall_s"],
        "build.cpu": lambda r: _default(r)["build"]["cpu_s"],
        "build.minus_generator": lambda r: _default(r)["build"]["wall_s"] - _default(r)["build"]["generator_s"],
        "build.peak_memory": lambda r: _default(r)["build"]["peak_tree_rss_mib"],
        "floor.wall": lambda r: r["floor"]["floor_s"],
        "floor.cpu": lambda r: r["floor"]["cpu_s"],
        "floor.peak_memory": lambda r: r["floor"]["floor_peak_mib"],
        "site.bytes": lambda r: _default(r)["site"]["bytes_without_theme_assets"],
        "site.search_index": lambda r: _index_bytes(_default(r)),
    }
    measured = set.intersection(*(set(r["backends"]) for r in results)) if results else set()
    for backend in sorted(measured):
        out[f"build.{backend}.wall"] = lambda r, b=backend: r["backends"][b]["build"]["wall_s"]
    return out


def scaling(results: list[dict]) -> dict:
    """Exponents of every stage between consecutive sizes (1 = linear; N log N ≈ 1.1), with the
    seconds (or MiB, bytes) they come from."""
    metrics = _metrics(results)
    out: dict = {}
    ordered = sorted(results, key=lambda r: r["n"])
    for a, b in itertools.pairwise(ordered):
        key = f"{a['n']}->{b['n']}"
        out[key] = {name: (round(e, 3) if (e := exponent(a["n"], f(a), b["n"], f(b))) is not None else None)
                    for name, f in metrics.items()}
        out[key]["_values"] = {name: [round(f(a), 3), round(f(b), 3)] for name, f in metrics.items()}
    return out


def targets(results: list[dict], scale: dict) -> dict:
    """Targets at N=10,000 (or the largest N if 10,000 was not measured), the floor ratio there,
    and the targets beyond 10,000 at the largest N: memory, linear growth of every stage between
    the two largest sizes."""
    by_n = {r["n"]: r for r in results}
    top = max(by_n)
    base = 10_000 if 10_000 in by_n else top
    r = by_n[base]
    out: dict = {"evaluated_at_n": base}

    def entry(value: float | bool | str | dict | None, limit: float | bool | str | None, met: bool | None,
              note: str = "") -> dict:
        return {"value": value, "limit": limit, "met": met} | ({"note": note} if note else {})

    # Every per-build target is judged for each search backend measured.
    for backend, m in r["backends"].items():
        build, rebuild, first = m["build"], m["rebuild"], m["first_search"]
        tag = backend + (" (default)" if m["default"] else "")
        out[f"full_build_s.{tag}"] = entry(round(build["wall_s"], 1), TARGETS["full_build_s"],
                                           build["wall_s"] <= TARGETS["full_build_s"])
        peak = build["peak_tree_rss_mib"]
        out[f"peak_rss_mib.{tag}"] = entry(round(peak), TARGETS["peak_rss_mib"], peak <= TARGETS["peak_rss_mib"],
                                           f"build and its children together; largest one {build['peak_rss_mib']:.0f}")
        share = build["generator_share"]
        out[f"generator_share.{tag}"] = entry(round(share, 3), TARGETS["generator_share"],
                                              share <= TARGETS["generator_share"],
                                              "generator stages inside mkdocs build / build wall time")
        if rebuild is not None:
            frac = rebuild["fraction_of_full"]
            out[f"rebuild_fraction.{tag}"] = entry(round(frac, 3), round(TARGETS["rebuild_fraction"], 3),
                                                   frac <= TARGETS["rebuild_fraction"] and rebuild["edit_visible"],
                                                   "mkdocs serve --dirty: one claim saved → browsers reloaded, / full build")
        if first is not None:
            out[f"first_search_bytes.{tag}"] = entry(first["total_bytes"], TARGETS["first_search_bytes"],
                                                     first["total_bytes"] <= TARGETS["first_search_bytes"],
                                                     f"query {first['query']!r}, measured in Chromium"
                                                     + (f"; index gzip {m['site']['search_index_gzip_bytes']} bytes"
                                                        if backend == "material" else ""))
    out["floor_ratio"] = _floor_entry(r, entry)
    if "edit" in r:  # --rounds: the warm build after one edit, against the median cold build
        e = r["edit"]
        out["warm_edit_ratio"] = entry(round(e["ratio"], 3), TARGETS["warm_edit_ratio"],
                                       e["ratio"] <= TARGETS["warm_edit_ratio"] and e["identical"],
                                       f"N={r['n']}: {e['warm_s']:.1f} s after editing {e['claim']} / median cold "
                                       f"{e['cold_median_s']:.1f} s; output "
                                       f"{'identical to the cold build' if e['identical'] else 'DIFFERENT: ' + ', '.join(e['differ'])}")
    smaller = [n for n in by_n if n < base]
    if smaller:
        ref = 1000 if 1000 in smaller else max(smaller)
        ratio = _default(r)["site"]["bytes_per_claim"] / _default(by_n[ref])["site"]["bytes_per_claim"]
        out["bytes_per_claim_ratio"] = entry(round(ratio, 3), TARGETS["bytes_per_claim_ratio"],
                                             ratio <= TARGETS["bytes_per_claim_ratio"], f"N={base} vs N={ref}")
    else:
        out["bytes_per_claim_ratio"] = entry(None, TARGETS["bytes_per_claim_ratio"], None, "needs two sizes")
    if r["generator"]:
        loader = r["generator"]["yaml_loader"]
        out["yaml_libyaml"] = entry(loader, "yaml.cyaml.CSafeLoader", loader.endswith("CSafeLoader"))
    pairs = [k for k in scale if 1000 <= int(k.split("->")[0]) and int(k.split("->")[1]) <= base] or \
        [k for k in scale if int(k.split("->")[1]) <= base][-1:]
    # Stages too short to time (under MIN_JUDGED_S at the larger size of a pair) are left out.
    worst = {name: max((scale[p][name] for p in pairs if scale[p][name] is not None
                        and scale[p]["_values"][name][1] >= MIN_JUDGED_S), default=None)
             for name in (scale[pairs[0]] if pairs else {}) if name.startswith(("stage.", "generator.", "build."))}
    worst = {name: value for name, value in worst.items() if value is not None}
    bad = {k: v for k, v in worst.items() if v is not None and v > TARGETS["max_exponent"]}
    out["no_stage_worse_than_n_log_n"] = entry(worst or None, TARGETS["max_exponent"], (not bad) if worst else None,
                                               ("worse: " + ", ".join(sorted(bad))) if bad else f"pairs {pairs}")

    # Beyond 10,000 claims.
    if top > base:
        t = by_n[top]
        d = _default(t)
        peak = d["build"]["peak_tree_rss_mib"]
        out[f"beyond.peak_rss_mib.n{top}"] = entry(round(peak), BEYOND["peak_rss_mib"], peak <= BEYOND["peak_rss_mib"],
                                                   f"default configuration ({d['backend']}), build and its children")
        out[f"beyond.full_build_s.n{top}"] = entry(round(d["build"]["wall_s"], 1), None, None, "reported")
        out[f"beyond.site_bytes.n{top}"] = entry(d["site"]["bytes"], None, None,
                                                 f"{d['site']['bytes_per_claim'] / 1e3:.1f} kB per claim")
        if d["first_search"] is not None:
            first = d["first_search"]["total_bytes"]
            out[f"beyond.first_search_bytes.n{top}"] = entry(first, TARGETS["first_search_bytes"],
                                                             first <= TARGETS["first_search_bytes"])
        out[f"beyond.floor_ratio.n{top}"] = _floor_entry(t, entry)
    if len(by_n) > 1:
        out["linear_growth_two_largest"] = _linear_entry(results, scale, entry)
    return out


def _floor_entry(r: dict, entry: Callable[..., dict]) -> dict:
    f = r["floor"]
    d = _default(r)
    if "ratio_median" in r:  # --rounds: the median of the rounds judges
        ratios = ", ".join(f"{p['ratio']:.2f}" for p in r["rounds"])
        return entry(round(r["ratio_median"], 3), TARGETS["floor_ratio"], r["ratio_median"] <= TARGETS["floor_ratio"],
                     f"N={r['n']}: median of {len(r['rounds'])} rounds of a cold default build and the floor ({ratios}); "
                     f"CPU seconds {r['ratio_cpu_median']:.2f}; warm build (cache kept) {r['ratio_warm']:.2f}× the "
                     f"median floor; memory {d['build']['peak_tree_rss_mib']:.0f} / {f['floor_peak_mib']:.0f} MiB")
    return entry(round(r["ratio"], 3), TARGETS["floor_ratio"], r["ratio"] <= TARGETS["floor_ratio"],
                 f"N={r['n']}: default configuration ({d['backend']} search) {d['build']['wall_s']:.1f} s / floor "
                 f"{f['floor_s']:.1f} s (bare MkDocs + Material, {f['pages']} pages of {f['words_per_page']} words, "
                 f"search {'Material' if f['material_search'] else 'none'}); without the cold share-card stage "
                 f"{r['ratio_without_cards']:.2f}; CPU seconds {r['ratio_cpu']:.2f}; memory {d['build']['peak_tree_rss_mib']:.0f} / "
                 f"{f['floor_peak_mib']:.0f} MiB")


def _linear_entry(results: list[dict], scale: dict, entry: Callable[..., dict]) -> dict:
    """Every generator stage of the default build and the build itself, exponent ≤ 1.15 between
    the two largest sizes (stages under MIN_JUDGED_S there are listed, not judged)."""
    a, b = sorted(r["n"] for r in results)[-2:]
    pair = scale[f"{a}->{b}"]
    judged, skipped = {}, []
    for name in [f"stage.{s}" for s in STAGES] + ["stage.total", "build.wall", "build.minus_generator"]:
        value, seconds = pair.get(name), pair["_values"].get(name, [0, 0])[1]
        if value is None or seconds < MIN_JUDGED_S:
            skipped.append(f"{name} ({seconds:.2f} s)")
        else:
            judged[name] = value
    bad = sorted(k for k, v in judged.items() if v > BEYOND["stage_exponent"])
    note = f"N={a} → {b}" + (f"; worse: {', '.join(bad)}" if bad else "") + \
        (f"; not judged (under {MIN_JUDGED_S} s): {', '.join(skipped)}" if skipped else "")
    return entry(judged or None, BEYOND["stage_exponent"], (not bad) if judged else None, note)


# -- report -------------------------------------------------------------------------------------

def table(results: list[dict]) -> str:
    """One row per size and search backend (``*`` the default configuration's), with the generator's
    stages inside that build, and the floor beside the default row."""
    head = ("N", "search", "gen alone s", *STAGES, "build s", "floor s", "× floor", "gen %", "MiB", "floor MiB",
            "site MB", "kB/claim", "index MB", "1st search kB", "edit→reload s", "cards cache")
    rows = [head]
    for r in sorted(results, key=lambda r: r["n"]):
        for backend, m in sorted(r["backends"].items(), key=lambda kv: not kv[1]["default"]):
            build, site, st = m["build"], m["site"], m["build"]["generator_stages_s"]
            floor = m["default"]
            rows.append((str(r["n"]), backend + ("*" if m["default"] else ""),
                         f"{r['generator']['build_site_s']:.1f}" if floor and r["generator"] else "",
                         *(f"{st[k]:.2f}" if k in st else "–" for k in STAGES),
                         f"{build['wall_s']:.1f}", f"{r['floor']['floor_s']:.1f}" if floor else "",
                         f"{r.get('ratio_median', r['ratio']):.2f}" if floor else "", f"{100 * build['generator_share']:.0f}",
                         f"{build['peak_tree_rss_mib']:.0f}", f"{r['floor']['floor_peak_mib']:.0f}" if floor else "",
                         f"{site['bytes'] / 1e6:.1f}", f"{site['bytes_per_claim'] / 1e3:.1f}",
                         f"{_index_bytes(m) / 1e6:.2f}",
                         f"{m['first_search']['total_bytes'] / 1e3:.0f}" if m["first_search"] else "–",
                         f"{m['rebuild']['rebuild_s']:.1f}" if m["rebuild"] else "–", build["cards_cache"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n(* the repository's mkdocs.yml as it is; floor: bare MkDocs + Material, N plain pages)"


def target_lines(verdicts: dict) -> str:
    lines = [f"targets at N={verdicts['evaluated_at_n']} (beyond.*: at the largest N):"]
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
    parser.add_argument("--profile", action="store_true",
                        help="cProfile generator, mkdocs build and the floor's build at the largest N")
    parser.add_argument("--backends", nargs="+", choices=("all", "default", *BACKENDS), default=["all"],
                        help="search backends to build: 'default' only the repository's mkdocs.yml as it is "
                             "(always built, with the floor); a backend's name adds it; 'all' (default) every one")
    parser.add_argument("--no-serve", dest="serve", action="store_false",
                        help="skip the rebuild under mkdocs serve --dirty (one more full build per backend)")
    parser.add_argument("--no-generator", dest="generator_alone", action="store_false",
                        help="skip the generator alone (its stages are measured inside the build too; the "
                             "floor's pages then have synth.FLOOR_WORDS words)")
    parser.add_argument("--rounds", type=int, default=1, metavar="K",
                        help="build the default configuration (cold) and the floor K times each, alternating, "
                             "and judge the median ratio; then one warm build (default: 1)")
    parser.add_argument("--floor-site-pages", dest="site_pages_floor", action="store_true",
                        help="also build the floor with as many pages as the default site has (not a target: "
                             "the ratio per page, and how the bare engine grows)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per build before it is killed (default: 600 + 0.15 × N)")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    base = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    started = datetime.now(UTC)
    clock = time.perf_counter()
    results = []
    try:
        for n in sorted(set(args.sizes)):
            size_start = time.perf_counter()
            results.append(measure(n, base / str(n), seed=args.seed, timeout=args.timeout or default_timeout(n),
                                   profile=args.profile and n == max(args.sizes), backends=set(args.backends),
                                   serve=args.serve, generator_alone=args.generator_alone, rounds=args.rounds,
                                   site_pages_floor=args.site_pages_floor, log=log))
            results[-1]["seconds"] = time.perf_counter() - size_start
            log(f"N={n}: measured in {results[-1]['seconds']:.0f} s; load average {_loadavg()}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    scale = scaling(results)
    verdicts = targets(results, scale)
    report = {"benchmark": "factcheck scale", "started": started.isoformat(timespec="seconds"),
              "command": " ".join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])),
              "commit": git_commit(), "machine": machine(), "seed": args.seed, "sizes": sorted(set(args.sizes)),
              "backends": args.backends, "serve": args.serve, "generator_alone": args.generator_alone, "seconds": time.perf_counter() - clock,
              "load_average_end": _loadavg(), "results": results, "scaling_exponents": scale, "targets": verdicts}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print()
    print(target_lines(verdicts))
    print(f"\nwritten: {args.out}")
    return 0


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


if __name__ == "__main__":
    raise SystemExit(main())
