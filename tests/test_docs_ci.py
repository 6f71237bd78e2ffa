"""What docs/ci.md tells people to run, run: the GitHub Actions workflow step by step, the
pre-commit snippet's rev, and the commands for adopting on a large repository; and .ci/run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.report_tree import write_tree

ROOT = Path(__file__).resolve().parent.parent
CI_DOC = ROOT / "docs" / "ci.md"
README = ROOT / "README.md"


def code_block(document: Path, heading: str, language: str) -> str:
    """The first ```language block after `heading` in `document`."""
    text = document.read_text("utf-8")
    after = text[text.index(f"\n{heading}\n") :]
    match = re.search(rf"^```{language}\n(.*?)^```$", after, re.MULTILINE | re.DOTALL)
    assert match, f"no {language} block under {heading} in {document.name}"
    return match.group(1)


def command_environment(tmp_path: Path) -> dict[str, str]:
    """An environment where `tf-migrate` is this checkout's command."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "tf-migrate"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tf_migrate "$@"\n')
    shim.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
    }


def test_the_documented_workflow_runs_as_github_would(tmp_path: Path) -> None:
    workflow = yaml.safe_load(code_block(CI_DOC, "## GitHub Actions", "yaml"))
    job = workflow["jobs"]["tf-migrate"]
    assert job["permissions"]["security-events"] == "write"
    repository = write_tree(tmp_path / "repository")
    env = command_environment(tmp_path) | {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    (tmp_path / "summary.md").write_text("")
    outcomes: dict[str, Any] = {}
    failed = False
    for step in job["steps"]:
        name = step.get("name") or step["uses"]
        if failed and step.get("if") != "always()":
            outcomes[name] = "skipped"
            continue
        if "uses" in step:
            outcomes[name] = "ran"
            continue
        if step["run"].startswith("pip install"):
            # This process is the installed tf-migrate; the pin is the documented release.
            assert "@v0.1.0" in step["run"]
            continue
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=repository,
            env=env,
            capture_output=True,
            text=True,
        )
        outcomes[name] = done
        failed = failed or done.returncode != 0
    gate = outcomes["Annotate the findings (fails the job while findings remain)"]
    assert gate.returncode == 1, gate.stderr
    annotations = [line for line in gate.stdout.splitlines() if line.startswith("::error file=")]
    assert len(annotations) > 5 and annotations == gate.stdout.splitlines()
    assert outcomes["Write the findings as SARIF"].returncode == 0
    sarif = json.loads((repository / "tf-migrate.sarif").read_text("utf-8"))
    assert len(sarif["runs"][0]["results"]) == len(annotations)
    # The upload runs although the gate failed: the findings reach code scanning.
    assert outcomes["Upload them to code scanning"] == "ran"
    report = outcomes["Reviewer's report (HTML artifact, Markdown job summary)"]
    assert report.returncode == 0, report.stderr
    assert (repository / "tf-migrate-report.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert summary.startswith("## tf-migrate report") and "<details>" in summary
    assert outcomes["Keep the HTML report"] == "ran"


def _snippet_hooks(document: Path, heading: str) -> tuple[str, list[str]]:
    config = yaml.safe_load(code_block(document, heading, "yaml"))
    repos = config["repos"] if isinstance(config, dict) else config
    return str(repos[0]["rev"]), [hook["id"] for hook in repos[0]["hooks"]]


def test_the_pre_commit_snippets_name_a_release_tag_that_defines_their_hooks() -> None:
    rev, ids = _snippet_hooks(CI_DOC, "## pre-commit")
    assert _snippet_hooks(README, "## pre-commit") == (rev, ids)
    version = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.M)
    assert version and rev == f"v{version.group(1)}"
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tags cannot be read")
    tags = subprocess.run(
        ["git", "-C", str(ROOT), "tag", "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    if not tags:
        pytest.skip("this clone has no tags (a shallow clone fetches none)")
    assert rev in tags, f"no tag {rev}: pre-commit could not fetch the snippet's rev"
    hooks = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:.pre-commit-hooks.yaml"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert set(ids) <= {hook["id"] for hook in yaml.safe_load(hooks)}


def test_adopting_on_a_large_repository_ends_with_a_clean_check(tmp_path: Path) -> None:
    commands = code_block(CI_DOC, "## Adopting on a large repository", "bash").splitlines()
    configuration = code_block(CI_DOC, "## Adopting on a large repository", "toml")
    repository = write_tree(tmp_path / "repository")
    (repository / "pyproject.toml").write_text(configuration)
    env = command_environment(tmp_path)
    codes = []
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=repository, env=env, capture_output=True, text=True
        )
        codes.append(done.returncode)
    assert codes == [0, 0, 1, 0, 0], codes
    assert "tf.math.log" in (repository / "model" / "renames.py").read_text("utf-8")
    assert "# tf-migrate: ignore[" in (repository / "model" / "estimator.py").read_text("utf-8")
    assert (repository / "tf-migrate-report.html").is_file()


def test_ci_installs_the_browser_then_runs_the_readmes_test_command_verbatim() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    marked = script.split("# --- the README's test command (keep the two identical) ---\n")[1]
    command = marked.split("\n# ---\n")[0].strip()
    assert f"```bash\n{command}\n```" in README.read_text("utf-8")
    before = script[: script.index(command)]
    assert "apt-get update && apt-get install -y chromium" in before
