"""Fixtures for the records checks: the example records, a records folder under git with a
known history, and the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from soc2_checks import cli

from ..conftest import EXAMPLES

RECORDS = EXAMPLES / "records"
PERIOD = ["--period-start", "2025-07-01", "--period-end", "2026-03-31", "--as-of", "2026-04-10"]


@pytest.fixture
def run_cli(monkeypatch, capsys) -> Callable[..., tuple[int, str, str]]:
    """``soc2-checks ARGS`` in-process: exit code, stdout, stderr."""
    if "records" not in cli.COMMANDS:
        monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, "records"))

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    env.update(GIT_AUTHOR_NAME="Marco Bianchi", GIT_AUTHOR_EMAIL="marco.bianchi@northwind.example")
    env.update(GIT_COMMITTER_NAME="Marco Bianchi", GIT_COMMITTER_EMAIL="marco.bianchi@northwind.example")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo: Path, paths: list[str], message: str, when: str) -> None:
    git(repo, "add", "--", *paths)
    git(repo, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def records_repo(tmp_path) -> Path:
    """The example records in a git repository of their own, with a history an auditor would
    read: four policies committed before the period (two changed during it), one policy
    written but never committed."""
    repo = tmp_path / "records"
    shutil.copytree(RECORDS, repo)
    git(repo, "init", "-q", "-b", "main")
    others = [p.name for p in repo.iterdir() if p.name != "policies"]
    commit(repo, others, "Records for the 2025-26 audit", "2025-06-02T09:00:00+00:00")
    policies = [
        "policies/information-security-policy.md",
        "policies/access-control-policy.md",
        "policies/incident-response-plan.md",
        "policies/vendor-management-policy.md",
    ]
    commit(repo, policies, "Adopt the security policies", "2025-05-20T10:00:00+00:00")
    with (repo / "policies/access-control-policy.md").open("a") as fh:
        fh.write("\nAccess reviews are recorded in access-reviews.yaml.\n")
    commit(
        repo, ["policies/access-control-policy.md"], "Access policy: where reviews live", "2025-10-03T14:30:00+00:00"
    )
    with (repo / "policies/incident-response-plan.md").open("a") as fh:
        fh.write("\nThe on-call rota is in PagerDuty.\n")
    commit(repo, ["policies/incident-response-plan.md"], "IR plan: on-call rota", "2026-01-12T08:15:00+00:00")
    return repo
