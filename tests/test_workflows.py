"""CI and hooks: GitHub's workflows run the README's test command, pass a real workflow linter
(zizmor) and GitHub's workflow schema (check-jsonschema), publish what they tested with the Pages
address; the pre-commit hook runs the checker."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import _parser
from tests.conftest import MINI, ROOT, edit

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def runs(job: dict[str, Any]) -> list[str]:
    """Every command line of the job's `run:` steps, in order."""
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines() if line.strip()]


# --------------------------------------------------------------------------- one test command


def readme_test_command() -> str:
    """The command in the README's code block under "Set up and run the whole test suite"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"Set up and run the whole test suite.*?\n```sh\n(.+?)\n```", readme, re.DOTALL)
    assert match, "README.md lost its test command block"
    return match.group(1)


def test_ci_runs_the_readmes_test_command() -> None:
    command = readme_test_command()
    assert command.startswith("npm ci"), "axe-core (node_modules) is installed by the test command itself"
    assert "python -m pytest" in command
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in script, ".ci/run must run the README's test command verbatim"
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    (job,) = workflow("checks.yml")["jobs"].values()
    commands = runs(job)
    assert ".ci/run" in commands, f"checks.yml does not run .ci/run: {commands}"
    # Nothing runs the tests its own way (another pytest or npm; in checks.yml another install).
    for name, own in (("checks.yml", r"\b(pytest|npm|pip install)\b"), ("pages.yml", r"\b(pytest|npm)\b")):
        for job in workflow(name)["jobs"].values():
            for line in runs(job) if "steps" in job else []:
                assert not re.search(own, line), f"{name} runs its own `{line}`"


def test_ci_names_a_browser_and_the_tests_use_it() -> None:
    """GitHub's image has Google Chrome, not Debian's chromium: checks.yml names it in CHROMIUM, which
    .ci/run (no apt then) and the browser helper read."""
    (job,) = workflow("checks.yml")["jobs"].values()
    assert job["runs-on"] == "ubuntu-24.04"
    assert job["env"]["CHROMIUM"] == "/usr/bin/google-chrome"
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'if [ -z "${CHROMIUM:-}" ]; then' in script and '"$CHROMIUM" --version' in script
    probe = subprocess.run([sys.executable, "-c", "from tests.browser import CHROMIUM; print(CHROMIUM)"], cwd=ROOT,
                           env=dict(os.environ, CHROMIUM="/opt/some/chrome"), capture_output=True, text=True,
                           timeout=60, check=True)
    assert probe.stdout.strip() == "/opt/some/chrome"


# --------------------------------------------------------------------------- linters


def tool(name: str) -> str:
    """A linter from this venv (the `test` extra), run as a program."""
    path = Path(sys.executable).parent / name
    assert path.is_file(), f"{name} missing: pip install -e '.[test]'"
    return str(path)


def offline_env() -> dict[str, str]:
    # A dead proxy: a linter that tried to reach the network would fail here, not pass by luck.
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    return env | {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def zizmor(*paths: Path) -> list[dict[str, Any]]:
    """zizmor's findings (regular persona, offline audits only) for ``paths``."""
    result = subprocess.run([tool("zizmor"), "--offline", "--no-config", "--format", "json", *map(str, paths)],
                            cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=120)
    # Exit 0: no findings; 11-14: findings up to low..high (zizmor's documented codes); else it failed.
    assert result.returncode == 0 or 10 <= result.returncode <= 14, f"zizmor failed:\n{result.stderr}"
    return json.loads(result.stdout)


def above_low(findings: list[dict[str, Any]]) -> list[str]:
    return [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']} at "
            f"{f['locations'][0]['symbolic']['key']['Local']['verbatim_path']}:"
            f"{f['locations'][0]['concrete']['location']['start_point']['row'] + 1}"
            for f in findings if not f["ignored"] and f["determinations"]["severity"] not in ("Informational", "Low")]


def test_zizmor_finds_nothing_above_low() -> None:
    assert above_low(zizmor(WORKFLOWS)) == []


def test_zizmor_would_catch_a_dangerous_workflow(tmp_path: Path) -> None:
    """The linter is really looking: a workflow that pastes the PR title into a shell fails."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text((WORKFLOWS / "checks.yml").read_text(encoding="utf-8").replace("run: .ci/run", 'run: echo "${{ github.event.pull_request.title }}" && .ci/run'),
                   encoding="utf-8")
    found = " ".join(above_low(zizmor(bad)))
    assert "template-injection (High)" in found, found


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
                          cwd=ROOT, env=offline_env(), capture_output=True, text=True, timeout=120)


def test_workflows_match_githubs_schema(tmp_path: Path) -> None:
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert [p.name for p in paths] == ["checks.yml", "pages.yml"]
    result = check_jsonschema(*paths)
    assert result.returncode == 0, result.stdout + result.stderr
    # ... and the schema refuses a misspelt key (so a pass above means something).
    bad = tmp_path / "bad.yml"
    bad.write_text((WORKFLOWS / "checks.yml").read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    refused = check_jsonschema(bad)
    assert refused.returncode == 1 and "runs_on" in refused.stdout, refused.stdout + refused.stderr


# --------------------------------------------------------------------------- what gets deployed


def test_only_tested_commits_are_published() -> None:
    """pages.yml runs checks.yml (which must accept the call) before building, and deploys only that build."""
    assert "workflow_call" in workflow("checks.yml")["on"]
    wf = workflow("pages.yml")
    assert wf["on"]["push"] == {"branches": ["main"]}
    jobs = wf["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/checks.yml"
    assert jobs["build"]["needs"] == "checks" and jobs["deploy"]["needs"] == "build"


def test_pages_builds_for_the_pages_address_and_audits_before_upload() -> None:
    job = workflow("pages.yml")["jobs"]["build"]
    steps = job["steps"]
    pages = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/configure-pages@"))
    build = next(i for i, s in enumerate(steps) if s.get("run") == "mkdocs build --strict")
    audit = next(i for i, s in enumerate(steps) if s.get("run") == "factcheck audit site")
    upload = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert pages < build < audit < upload
    # site_url is the address configure-pages reports (https://OWNER.github.io/REPO), with the slash
    # MkDocs needs; mkdocs.yml reads SITE_URL (tests/test_deployed.py builds with such an address).
    assert steps[build]["env"]["SITE_URL"] == "${{ steps.%s.outputs.base_url }}/" % steps[pages]["id"]
    assert "site_url: !ENV [SITE_URL," in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    site_dir = yaml.safe_load(re.search(r"^site_dir: .*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
                                        re.MULTILINE).group(0))["site_dir"]
    assert steps[upload]["with"]["path"] == site_dir


@pytest.mark.parametrize("name", ["checks.yml", "pages.yml"])
def test_actions_are_pinned_to_commits(name: str) -> None:
    lines = (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
    used = [line for line in lines if re.match(r"^\s*(-\s+)?uses:", line)]
    assert used
    for line in used:
        if line.split("uses:")[1].strip().startswith("./"):
            continue  # this repository's own workflow
        assert PINNED.match(line), f"not pinned to a full commit SHA with its tag in a comment: {line.strip()}"


def test_each_action_is_pinned_to_one_commit() -> None:
    seen: dict[str, set[str]] = {}
    for path in WORKFLOWS.glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PINNED.match(line)
            if match:
                seen.setdefault(match.group(1), set()).add(line.split("@")[1].strip())
    assert seen and all(len(pins) == 1 for pins in seen.values()), seen


@pytest.mark.parametrize("name", ["checks.yml", "pages.yml"])
def test_factcheck_commands_in_workflows_exist(name: str) -> None:
    jobs = workflow(name)["jobs"].values()
    commands = [c.removeprefix(".venv/bin/") for job in jobs if "steps" in job for c in runs(job)]
    commands = [c for c in commands if c.startswith("factcheck ")]
    assert commands
    for command in commands:
        try:
            _parser().parse_args(shlex.split(command)[1:])
        except SystemExit:
            pytest.fail(f"{name}: `{command}` is not a factcheck command")


# --------------------------------------------------------------------------- pre-commit


def precommit_hooks() -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def precommit_config() -> dict[str, Any]:
    return yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def test_precommit_hook_runs_factcheck_check_on_record_changes() -> None:
    (hook,) = precommit_hooks()
    assert hook["id"] == "factcheck-check"
    assert hook["entry"] == "factcheck check"
    assert hook["language"] == "python"
    assert hook["files"] == r"^content/(.*\.ya?ml|media/.*)$"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    # An image a record names is checked too (a replaced screenshot may be no image at all).
    for path in ["content/claims/x.yml", "content/site.yml", "content/people/a.yaml", "content/media/2017/a.png"]:
        assert files.search(path), path
    for path in ["content/about.md", "tests/fixtures/mini/claims/x.yml", "mkdocs.yml", "contents/x.yml",
                 "docs/assets/claim-page.png"]:
        assert not files.search(path), path


def test_precommit_config_uses_the_hook_from_this_checkout() -> None:
    (repo,) = precommit_config()["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    (manifest,) = precommit_hooks()
    assert hook["id"] == manifest["id"]
    assert {k: hook[k] for k in ("files", "pass_filenames", "language")} == \
        {k: manifest[k] for k in ("files", "pass_filenames", "language")}
    assert hook["entry"] == "python -m generator check"
    # pre-commit's environment for a local hook holds only these: they must be the project's.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert hook["additional_dependencies"] == project


def test_precommit_accepts_both_files() -> None:
    for command, path in [("validate-manifest", ".pre-commit-hooks.yaml"),
                          ("validate-config", ".pre-commit-config.yaml")]:
        result = subprocess.run([sys.executable, "-m", "pre_commit", command, path], check=False, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"pre-commit {command} {path}:\n{result.stdout}{result.stderr}"


def _entry_argv(entry: str) -> list[str]:
    """The hook's entry as pre-commit would run it, with the program from this environment."""
    argv = shlex.split(entry)
    if argv[0] == "python":
        return [sys.executable, *argv[1:]]
    program = shutil.which(argv[0], path=sysconfig.get_path("scripts")) or shutil.which(argv[0])
    assert program, f"{argv[0]} is not installed (pip install -e .)"
    return [program, *argv[1:]]


def _checkout(tmp_path: Path) -> Path:
    """A project root as pre-commit sees it: the generator package and content/ (the mini fixture)."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(MINI, root / "content")
    return root


@pytest.mark.parametrize("source", ["manifest", "config"])
def test_precommit_entry_passes_good_records_and_stops_broken_ones(tmp_path: Path, source: str) -> None:
    hook = precommit_hooks()[0] if source == "manifest" else precommit_config()["repos"][0]["hooks"][0]
    root = _checkout(tmp_path)
    argv = _entry_argv(hook["entry"])
    ok = subprocess.run(argv, check=False, cwd=root, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok: 4 claims")
    edit(root / "content" / "claims" / "rathaus-blau.yml", "verdict: falsch", "verdict: falsh")
    broken = subprocess.run(argv, check=False, cwd=root, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1
    assert "content/claims/rathaus-blau.yml:12: verdict: 'falsh' is not a verdict" in broken.stderr
    assert "Traceback" not in broken.stderr


@pytest.mark.parametrize("name", ["checks.yml", "pages.yml"])
def test_build_cache_is_kept_without_the_spilled_outputs(name: str) -> None:
    """Both workflows restore and save .cache/ (README "How it works"), but not the large outputs
    the plugin writes there for MkDocs to copy (exports, rewritten by every build)."""
    from generator.plugin import SPILL_DIR

    steps = [step for job in workflow(name)["jobs"].values() for step in job.get("steps", [])
             if str(step.get("uses", "")).startswith("actions/cache@")]
    assert len(steps) == 1, name
    paths = steps[0]["with"]["path"].split()
    assert paths == [".cache/", f"!.cache/factcheck/{SPILL_DIR}/"]
