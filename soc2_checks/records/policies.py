"""The policy folder and its git history (SOC2_OPS_6).

A policy counts as under version control for the period when git holds a commit of it made by
the period end: auditors check document dates and history, and a policy first committed after
the period cannot show whether it changed during it. Dates are committer dates, the ones git
orders history by. git runs without a shell, with a timeout, without prompts and without
optional locks, so a scan never waits on a credential prompt or blocks someone's commit.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Missing
from ..views.records import PolicyDocument

GIT_TIMEOUT = 30.0
FIELD = "\x1f"
LOG_FORMAT = FIELD.join(("%H", "%cI", "%an", "%s"))


@dataclass(frozen=True)
class PolicyFolder:
    path: Path
    shown: str  # how results name the folder: relative to the records folder
    files: tuple[Path, ...]

    def shown_name(self, file: Path) -> str:
        return f"{self.shown}/{file.relative_to(self.path).as_posix()}"


def find_policies(folder: str | Path, shown: str = "policies") -> PolicyFolder:
    """Every document in the folder and below it, hidden files (``.gitkeep``) aside."""
    p = Path(folder)
    if not p.is_dir():
        raise InputError(p, "is not a folder of policy documents")
    files = sorted(
        f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
    )
    return PolicyFolder(p, shown, tuple(files))


class GitFailed(Exception):
    def __init__(self, missing: Missing) -> None:
        super().__init__(missing.describe())
        self.missing = missing


def git(args: list[str], cwd: Path, timeout: float = GIT_TIMEOUT) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    command = ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args]
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False, shell=False
        )
    except FileNotFoundError:
        raise GitFailed(Missing("git", "git is not installed or not on PATH")) from None
    except subprocess.TimeoutExpired:
        raise GitFailed(Missing(f"git {args[0]}", f"did not finish within {timeout:g}s")) from None


def documents(
    folder: PolicyFolder, period_start: dt.date | None, period_end: dt.date, timeout: float = GIT_TIMEOUT
) -> list[PolicyDocument]:
    """One view per document. git that cannot be run makes every document unread (ERROR);
    a folder outside any repository makes every document untracked (FAILED)."""
    try:
        root = _toplevel(folder.path, timeout)
        if root is None:
            return [PolicyDocument(folder.shown_name(f), tracked=False, commits_in_period=0) for f in folder.files]
        dirty = _uncommitted(root, folder.path, timeout)
        return [_document(folder, f, root, dirty, period_start, period_end, timeout) for f in folder.files]
    except GitFailed as exc:
        return [PolicyDocument(folder.shown_name(f), tracked=exc.missing) for f in folder.files]


def _toplevel(path: Path, timeout: float) -> Path | None:
    done = git(["rev-parse", "--show-toplevel"], path, timeout)
    if done.returncode == 0:
        return Path(done.stdout.strip())
    if "not a git repository" in done.stderr:
        return None
    raise GitFailed(Missing("git rev-parse", _first_line(done.stderr)))


def _uncommitted(root: Path, folder: Path, timeout: float) -> set[Path]:
    done = git(["status", "--porcelain=v1", "-z", "--untracked-files=no", "--", str(folder.resolve())], root, timeout)
    if done.returncode != 0:
        raise GitFailed(Missing("git status", _first_line(done.stderr)))
    out = set()
    entries = iter(done.stdout.split("\0"))
    for entry in entries:
        if len(entry) > 3:
            out.add((root / entry[3:]).resolve())
            if entry[0] in "RC":
                next(entries, None)  # a rename or copy is followed by its source path
    return out


def _document(
    folder: PolicyFolder,
    file: Path,
    root: Path,
    dirty: set[Path],
    period_start: dt.date | None,
    period_end: dt.date,
    timeout: float,
) -> PolicyDocument:
    name = folder.shown_name(file)
    done = git(["log", "--follow", f"--format={LOG_FORMAT}", "--", str(file.resolve())], root, timeout)
    if done.returncode != 0:
        return PolicyDocument(name, tracked=Missing(f"git log of {name}", _first_line(done.stderr)))
    start = _midnight(period_start) if period_start else None
    end = _midnight(period_end + dt.timedelta(days=1))
    every = [c for c in (_commit(line) for line in done.stdout.splitlines()) if c]
    commits = [c for c in every if c[0] < end]
    if not commits:
        later = (f"first committed on {every[-1][0].date()}, after the period end {period_end}",) if every else ()
        return PolicyDocument(name, tracked=False, commits_in_period=0, history=later)
    in_period = [c for c in commits if start is None or c[0] >= start]
    shown = in_period or commits[:1]
    history = tuple(f"{when.date()} {sha[:7]} {author}: {subject}" for when, sha, author, subject in shown)
    if file.resolve() in dirty:
        history += ("the working copy has changes that are not committed",)
    return PolicyDocument(
        name, tracked=True, commits_in_period=len(in_period), last_change=commits[0][0], history=history
    )


def _commit(line: str) -> tuple[dt.datetime, str, str, str] | None:
    parts = line.split(FIELD)
    if len(parts) != 4:
        return None
    sha, when, author, subject = parts
    try:
        return dt.datetime.fromisoformat(when), sha, author, subject
    except ValueError:
        return None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "git failed"
