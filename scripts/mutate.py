"""Mutation testing: break the code on purpose, one small change at a time, and see whether a test notices.

    python scripts/mutate.py                          # every module of MODULES except those marked slow
    python scripts/mutate.py generator/graph.py       # one module
    python scripts/mutate.py --list generator/graph.py   # only print the mutants

For each module it makes every mutant below and runs that module's tests against it in a scratch
copy of the repository (``MODULES``: quick tests first, slower ones only for what survives them).
The first stage runs in a fork of a process that has imported everything once, with the module
swapped in memory (about a second a mutant). A mutant that passes it is run again through every
stage as separate pytest processes, with the mutant written into the copy and ``PYTHONPATH``
pointing there (so the MkDocs builds the tests start use it too): the verdict "survived" never
rests on the in-memory swap. A mutant is *killed* when a test fails (or the run exceeds its time
limit), and *survives* when every test passes: then no test checks what that piece of code does.
It prints each survivor as ``path:line: mutation`` and a summary, and writes everything to
``test-results/mutation.json``. Deliberately small and dependency-free (mutmut and cosmic-ray both
want to own the test command); not part of the test suite: a run takes many minutes.

Mutations (one per mutant): comparison operators (``==``/``!=``, ``<``/``<=``, ``in``/``not in``,
``is``/``is not``), ``and``/``or``, a dropped ``not``, a changed number or string (``"x"`` →
``"XXxXX"``, empty strings left alone), ``True``/``False`` swapped, a dropped key of a dict literal,
a dropped ``if`` of a comprehension, and a statement replaced by ``pass`` (assignments, calls,
``raise``, ``continue``/``break``). Docstrings and the texts inside f-strings are left alone.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import inspect
import hashlib
import signal
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULES: dict[str, list[list[str]]] = {
    # module → stages of pytest arguments, run in order until one fails: the quick tests that kill most
    # mutants first, the slower ones (real MkDocs builds) only for what survives them. Browser tests
    # are left out (-m "not browser"); what they check is covered in the browser-free tests too.
    "generator/validate.py": [["tests/test_errors.py"], ["tests/test_yamlsource.py", "tests/test_editor_schema.py"]],
    "generator/graph.py": [["tests/test_graph.py", "tests/test_errors.py", "tests/test_render.py"],
                           ["tests/test_editorial.py"]],
    "generator/claimreview.py": [["tests/test_claimreview.py", "-k",
                                  "every_property or dates_people or unpublished or known_only_by_url or small_site"],
                                 ["tests/test_claimreview.py"]],
    # The render stage after its rewrite into templates (views.py → templates/fc/ → headings.py):
    # configured, run only when named (not measured yet).
    "generator/views.py": [["tests/test_render.py", "tests/test_claim_display.py", "tests/test_graph.py"],
                           ["tests/test_templates.py", "tests/test_editorial.py", "tests/test_hardening.py"]],
    "generator/headings.py": [["tests/test_render.py", "tests/test_templates.py"]],
}
SLOW = {"generator/views.py", "generator/headings.py"}
"""Configured, but run only when named (not measured yet)."""
COPY = ("generator", "tests", "content", "theme_overrides", "schemas", "benchmarks", ".vscode", "mkdocs.yml",
        "pyproject.toml", "README.md")
SWAP: dict[type, type] = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
                          ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-m", "not browser"]
DELETABLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise, ast.Continue, ast.Break)


@dataclass
class Mutant:
    module: str
    index: int
    """Its number among the module's mutants (the walk order is fixed): ``--rerun`` finds it by this."""
    line: int
    what: str
    status: str = "not run"
    seconds: float = 0.0


class _Mutator(ast.NodeTransformer):
    """Walks the tree in a fixed order; counts every place a mutation applies and performs number ``target``."""

    def __init__(self, target: int = -1) -> None:
        self.target = target
        self.count = 0
        self.found: list[tuple[int, str]] = []
        self.skip: set[int] = set()  # ids of docstring and f-string constants

    def _here(self, node: ast.AST, what: str) -> bool:
        self.found.append((getattr(node, "lineno", 0), what))
        hit = self.count == self.target
        self.count += 1
        return hit

    def _docstrings(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self.skip.add(id(body[0]))
            self.skip.add(id(body[0].value))

    def visit_Module(self, node: ast.Module) -> ast.AST:
        self._docstrings(node.body)
        # a string right after an assignment documents it (attribute docstrings)
        for stmt in ast.walk(node):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list):
                    for before, after in zip(block, block[1:]):
                        if isinstance(before, (ast.Assign, ast.AnnAssign)) and isinstance(after, ast.Expr) \
                                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
                            self.skip.update({id(after), id(after.value)})
        return self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self._docstrings(node.body)
        node.returns = None  # annotations are not behaviour
        for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
            arg.annotation = None
        return self._statements(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self._docstrings(node.body)
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        node.annotation = ast.copy_location(ast.Name("object", ast.Load()), node.annotation)  # not behaviour
        return self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        for value in node.values:
            if isinstance(value, ast.Constant):
                self.skip.add(id(value))
        return self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        if node.format_spec is not None:
            self.skip.add(id(node.format_spec))
            for value in getattr(node.format_spec, "values", []):
                self.skip.add(id(value))
        return self.generic_visit(node)

    def _statements(self, node: ast.AST) -> ast.AST:
        """Statement deletion inside function bodies (module-level code only defines things)."""
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block):
                if isinstance(stmt, DELETABLE) and id(stmt) not in self.skip:
                    text = ast.unparse(stmt).splitlines()[0][:70]
                    if self._here(stmt, f"delete `{text}`"):
                        block[i] = ast.copy_location(ast.Pass(), stmt)
        self.generic_visit(node)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        return self._statements(node)

    visit_For = visit_While = visit_With = visit_Try = visit_If  # type: ignore[assignment]

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        for i, op in enumerate(node.ops):
            new = SWAP.get(type(op))
            if new and self._here(node, f"`{ast.unparse(node)[:60]}`: {type(op).__name__} → {new.__name__}"):
                node.ops[i] = new()
        return self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._here(node, f"`{ast.unparse(node)[:60]}`: {type(node.op).__name__} → {new.__name__}"):
            node.op = new()
        return self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if isinstance(node.op, ast.Not) and self._here(node, f"`{ast.unparse(node)[:60]}`: drop not"):
            return self.generic_visit(node.operand)  # type: ignore[return-value]
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if id(node) in self.skip:
            return node
        value = node.value
        if isinstance(value, bool):
            if self._here(node, f"{value} → {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int):
            if self._here(node, f"{value} → {value + 1}"):
                return ast.copy_location(ast.Constant(value + 1), node)
        elif isinstance(value, str) and value:
            if self._here(node, f"{value[:40]!r} → 'XX…XX'"):
                return ast.copy_location(ast.Constant(f"XX{value}XX"), node)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        for i, key in enumerate(list(node.keys)):
            if key is not None and len(node.keys) > 1 and self._here(node, f"drop key {ast.unparse(key)[:40]} of a dict"):
                del node.keys[i], node.values[i]
                break
        return self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        for i, cond in enumerate(list(node.ifs)):
            if self._here(cond, f"drop `if {ast.unparse(cond)[:60]}` of a comprehension"):
                del node.ifs[i]
                break
        return self.generic_visit(node)


def mutants(module: str) -> list[Mutant]:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    finder = _Mutator()
    finder.visit(tree)
    return [Mutant(module, i, line, what) for i, (line, what) in enumerate(finder.found)]


def mutated_source(module: str, index: int) -> str:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    mutator = _Mutator(index)
    mutator.visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def scratch_copy(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
        else:
            shutil.copy2(source, dest / name)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def run_tests(copy_root: Path, stages: list[list[str]], timeout: float) -> tuple[str, float]:
    """Run the stages as separate pytest processes, in order; "killed" as soon as one fails."""
    env = dict(os.environ, PYTHONPATH=str(copy_root), NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    start = time.monotonic()
    for stage in stages:
        try:
            result = subprocess.run([sys.executable, "-m", "pytest", *PYTEST_ARGS, *stage], cwd=copy_root, env=env,
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "killed (timeout)", time.monotonic() - start
        if result.returncode == 1:
            return "killed", time.monotonic() - start
        if result.returncode != 0:
            return f"error (pytest exit {result.returncode})", time.monotonic() - start
    return "survived", time.monotonic() - start


def _install(name: str, source: str) -> None:
    """Replace the loaded module ``name`` by ``source``, and every function or class other loaded
    modules imported from it (``from .graph import link``) by its new version."""
    old = sys.modules[name]
    new = types.ModuleType(name)
    new.__file__, new.__package__ = old.__file__, old.__package__
    sys.modules[name] = new
    exec(compile(source, old.__file__ or name, "exec"), new.__dict__)  # noqa: S102 - the point of the script
    package, _, short = name.rpartition(".")
    setattr(sys.modules[package], short, new)
    renamed = {id(value): new.__dict__[key] for key, value in vars(old).items()
               if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == name
               and key in new.__dict__}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict) or module is new:
            continue
        for key, value in list(namespace.items()):
            if id(value) in renamed:
                namespace[key] = renamed[id(value)]


def _forked_stage(name: str, source: str, stage: list[str], timeout: float) -> str:
    """The first stage in a forked copy of this (warmed-up) process with the module replaced: no
    interpreter start, no imports; "passed", "killed" or "killed (timeout)"."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            _install(name, source)
            code = int(pytest.main([*PYTEST_ARGS, *stage]))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return "passed" if code == 0 else "killed" if code == 1 else f"error (pytest exit {code})"
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "killed (timeout)"
        time.sleep(0.02)


def worker(module: str, copy_root: Path, indices: list[int]) -> list[dict]:
    """In the scratch copy: every mutant by the first stage in a fork; what passes it, by all stages
    as separate processes with the mutant written to the copy (so MkDocs builds see it too)."""
    os.chdir(copy_root)
    sys.path.insert(0, str(copy_root))
    os.environ.update(PYTHONPATH=str(copy_root), NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    global pytest
    import pytest  # noqa: PLC0415 - imported from the copy's environment

    name = module.removesuffix(".py").replace("/", ".")
    stages = MODULES[module]
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", *stages[0]])  # imports everything once
    sys.stdout.flush()
    importlib.import_module(name)
    original = (copy_root / module).read_text(encoding="utf-8")
    start = time.monotonic()
    # The unchanged source through the same replacement: if this fails, the swap itself is broken.
    if (status := _forked_stage(name, original, stages[0], 900)) != "passed":
        raise SystemExit(f"{module}: its first test stage fails without any mutation ({status})")
    quick = time.monotonic() - start
    status, full = run_tests(copy_root, stages, timeout=900)
    if status != "survived":
        raise SystemExit(f"{module}: its tests fail without any mutation ({status}); fix them first")
    print(f"{module}: {len(indices)} mutants; first stage {quick:.1f} s in a fork, all stages {full:.0f} s",
          file=sys.stderr, flush=True)
    results = []
    for index in indices:
        source = mutated_source(module, index)
        start = time.monotonic()
        status = _forked_stage(name, source, stages[0], max(30.0, 5 * quick))
        if status == "passed":
            (copy_root / module).write_text(source, encoding="utf-8")
            status, _ = run_tests(copy_root, stages, max(60.0, 3 * full))
            (copy_root / module).write_text(original, encoding="utf-8")
        results.append({"index": index, "status": status, "seconds": round(time.monotonic() - start, 2)})
        if status != "killed":
            print(f"  {module} mutant {index}: {status}", file=sys.stderr, flush=True)
    return results


def _run_module(module: str, found: list[Mutant], copy_root: Path) -> None:
    """Every mutant of ``module``, by a worker process in the scratch copy."""
    out = copy_root / "mutants.json"
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", module, "--root", str(copy_root), "--out", str(out)]
    result = subprocess.run(args, input=json.dumps([m.index for m in found]), stdout=subprocess.DEVNULL, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{module}: the worker failed ({result.returncode})")
    by_index = {m.index: m for m in found}
    for row in json.loads(out.read_text(encoding="utf-8")):
        mutant = by_index[row["index"]]
        mutant.status, mutant.seconds = row["status"], row["seconds"]
        if mutant.status != "killed":
            print(f"  {mutant.module}:{mutant.line}: {mutant.what} — {mutant.status}", flush=True)


def _digest(module: str) -> str:
    return hashlib.sha256((ROOT / module).read_bytes()).hexdigest()


def _last_run() -> dict:
    path = ROOT / "test-results" / "mutation.json"
    if not path.is_file():
        raise SystemExit(f"--rerun: no {path.relative_to(ROOT)} from an earlier run")
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: {', '.join(m for m in MODULES if m not in SLOW)}")
    parser.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: run MODULE's mutants read from stdin
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--rerun", action="store_true",
                        help="run only the mutants that survived the last run (test-results/mutation.json), "
                             "e.g. after adding tests; the module's source must be unchanged since")
    args = parser.parse_args(argv)
    if args.worker:
        rows = worker(args.worker, Path(args.root), json.loads(sys.stdin.read()))
        Path(args.out).write_text(json.dumps(rows), encoding="utf-8")
        return 0
    modules = args.modules or [m for m in MODULES if m not in SLOW]
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"not configured: {', '.join(unknown)}; known: {', '.join(MODULES)}")
    results: list[Mutant] = []
    if args.list:
        for module in modules:
            for m in mutants(module):
                print(f"{m.module}:{m.line}: {m.what}")
        return 0
    # The commit measured: the scratch copy is taken now (with any uncommitted changes, flagged).
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    if subprocess.run([*git, "status", "--porcelain", "--", *COPY], capture_output=True, text=True).stdout.strip():
        commit += "+uncommitted"
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        copy_root = scratch_copy(Path(tmp) / "repo")
        for module in modules:
            found = mutants(module)
            if args.rerun:
                last = _last_run()
                if last["sources"].get(module) != _digest(module):
                    raise SystemExit(f"{module} changed since the last run: run all its mutants again")
                again = {m["index"] for m in last["mutants"] if m["module"] == module and m["status"] != "killed"}
                kept = [Mutant(**m) for m in last["mutants"] if m["module"] == module and m["status"] == "killed"]
                found = [m for m in found if m.index in again]
            _run_module(module, found, copy_root)
            results += (kept if args.rerun else []) + found
    summary = {m: {s: sum(1 for r in results if r.module == m and r.status.startswith(s))
                   for s in ("killed", "survived", "error")} for m in modules}
    out = ROOT / "test-results" / "mutation.json"
    out.parent.mkdir(exist_ok=True)
    sources = {m: _digest(m) for m in modules}
    out.write_text(json.dumps({"commit": commit, "rerun": args.rerun, "sources": sources, "summary": summary,
                               "mutants": [asdict(r) for r in sorted(results, key=lambda r: (r.module, r.index))]},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for module, counts in summary.items():
        print(f"{module}: {counts['killed']} killed, {counts['survived']} survived, {counts['error']} errors")
    print(f"at commit {commit}; details in {out.relative_to(ROOT)}")
    return 1 if any(c["survived"] or c["error"] for c in summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
