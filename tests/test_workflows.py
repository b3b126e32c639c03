"""CI and hooks: the GitHub Actions workflows and the pre-commit hook do what the project needs, and
the commands they run exist."""

from __future__ import annotations

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


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def in_order(commands: list[str], *wanted: str) -> None:
    positions = []
    for want in wanted:
        found = [i for i, command in enumerate(commands) if command == want]
        assert found, f"{want!r} not run; runs: {commands}"
        positions.append(found[0])
    assert positions == sorted(positions), f"{wanted} not in this order in {commands}"


# --------------------------------------------------------------------------- pull requests


def test_checks_run_on_pull_requests_with_read_only_rights() -> None:
    wf = workflow("checks.yml")
    assert "pull_request" in wf["on"]
    assert "workflow_call" in wf["on"]  # pages.yml runs it before deploying
    assert wf["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in wf["jobs"].values())
    assert wf["concurrency"]["group"].startswith("checks-")


def test_checks_validate_test_build_and_audit() -> None:
    (job,) = workflow("checks.yml")["jobs"].values()
    in_order(runs(job), 'python -m pip install -e ".[test]"', "factcheck check", "python -m pytest",
             "mkdocs build --strict", "factcheck audit site")
    assert uses(job)[:2] == ["actions/checkout", "actions/setup-python"]
    setup = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "pyproject.toml"
    assert setup["with"]["python-version"] == "3.11"
    assert job["timeout-minutes"] <= 60


# --------------------------------------------------------------------------- deployment


def test_pages_deploys_pushes_to_main() -> None:
    wf = workflow("pages.yml")
    assert wf["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" not in wf["on"]
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = wf["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/checks.yml"
    assert jobs["build"]["needs"] == "checks"
    assert jobs["deploy"]["needs"] == "build"


def test_pages_rights_are_least_privilege() -> None:
    wf = workflow("pages.yml")
    assert wf["permissions"] == {"contents": "read"}
    jobs = wf["jobs"]
    assert jobs["checks"]["permissions"] == {"contents": "read"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_pages_builds_audits_and_uploads_the_site() -> None:
    job = workflow("pages.yml")["jobs"]["build"]
    in_order(runs(job), "python -m pip install -e .", "factcheck check", "mkdocs build --strict",
             "factcheck audit site")
    assert uses(job) == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                         "actions/upload-pages-artifact"]
    steps = job["steps"]
    names = [step.get("uses", step.get("run", "")) for step in steps]
    upload = next(i for i, n in enumerate(names) if n.startswith("actions/upload-pages-artifact"))
    audit = next(i for i, n in enumerate(names) if n == "factcheck audit site")
    assert audit < upload, "the site is audited before it is uploaded"
    assert steps[upload]["with"]["path"] == "site"
    build = next(step for step in steps if step.get("run") == "mkdocs build --strict")
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert next(s for s in steps if "configure-pages" in s.get("uses", ""))["id"] == "pages"
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    # mkdocs builds into site/ (site_dir), which is what is audited and uploaded.
    assert re.search(r"^site_dir: site$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)


def test_pages_deploys_into_the_github_pages_environment() -> None:
    job = workflow("pages.yml")["jobs"]["deploy"]
    assert job["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert uses(job) == ["actions/deploy-pages"]
    assert job["steps"][0]["id"] == "deployment"


# --------------------------------------------------------------------------- both


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
    commands = [c for job in jobs if "steps" in job for c in runs(job) if c.startswith("factcheck ")]
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
