"""Who changed the exemption register, and when: its history read from git.

An auditor asks not only "is this exception approved?" but "who changed it since?", for
instance an expiry quietly extended. Git already holds that record; this module reads it
with plain ``git`` commands (no shell, bounded by a timeout) and degrades to a note, never
an error, when the file is not in a repository or git is unavailable.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .datafiles import MAX_BYTES

GIT_TIMEOUT = 20.0
_SEP = "\x1f"
_FORMAT = f"--format=%H{_SEP}%an{_SEP}%ad{_SEP}%s"


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str  # YYYY-MM-DD (author date)
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass
class History:
    """``available`` is False when there is no history to show; ``note`` then says why."""

    available: bool
    note: str | None = None
    file_commits: list[Commit] = field(default_factory=list)
    entry_commits: dict[str, list[Commit]] = field(default_factory=dict)
    entry_notes: dict[str, str] = field(default_factory=dict)
    uncommitted_changes: bool = False


class GitUnavailable(Exception):
    pass


def _git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitUnavailable("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitUnavailable(f"git {args[0]} did not answer within {GIT_TIMEOUT:.0f} s") from None
    if proc.returncode != 0:
        first = next((line for line in proc.stderr.splitlines() if line.strip()), f"exit code {proc.returncode}")
        raise GitUnavailable(first.strip())
    return proc.stdout


def _commits(text: str) -> list[Commit]:
    out = []
    for line in text.splitlines():
        parts = line.split(_SEP)
        if len(parts) == 4 and len(parts[0]) >= 40:
            out.append(Commit(*parts))
    return out


def register_history(path: str | Path, entry_ids: list[str]) -> History:
    """The file's commits, and for each entry the commits that touched its lines.

    Per entry, ``git log -L`` follows the entry's block of lines in the last commit back
    through history, so a changed expiry or approver shows up, not just the entry's creation.
    """
    p = Path(path).resolve()
    try:
        top = Path(_git(p.parent, "rev-parse", "--show-toplevel").strip()).resolve()
    except GitUnavailable as exc:
        reason = str(exc)
        if "not a git repository" in reason:
            return History(False, "the register is not in a git repository, so its change history is unavailable")
        return History(False, f"change history unavailable: {reason}")
    rel = p.relative_to(top).as_posix()
    try:
        _git(top, "ls-files", "--error-unmatch", "--", rel)
    except GitUnavailable:
        return History(False, "the register has never been committed to git, so it has no change history yet")
    history = History(True)
    try:
        history.file_commits = _commits(_git(top, "log", "--follow", _FORMAT, "--date=short", "--", rel))
        history.uncommitted_changes = bool(_git(top, "status", "--porcelain", "--", rel).strip())
        head_text = _git(top, "show", f"HEAD:{rel}")
    except GitUnavailable as exc:
        history.note = f"change history incomplete: {exc}"
        return history
    if history.uncommitted_changes:
        history.note = "the register has uncommitted changes; the history below ends at the last commit"
    ranges = entry_line_ranges(head_text)
    for entry_id in entry_ids:
        span = ranges.get(entry_id)
        if span is None:
            history.entry_notes[entry_id] = "not in the last commit (added since, not yet committed)"
            continue
        try:
            out = _git(top, "log", f"-L{span[0]},{span[1]}:{rel}", "-s", _FORMAT, "--date=short", "HEAD")
        except GitUnavailable as exc:
            history.entry_notes[entry_id] = f"history unavailable: {exc}"
            continue
        history.entry_commits[entry_id] = _commits(out)
    return history


def entry_line_ranges(text: str) -> dict[str, tuple[int, int]]:
    """Line span (1-based, inclusive) of each entry of a register's text, by entry ID.

    Composing (not constructing) the YAML never expands aliases, so this is safe on any
    revision of the file; a revision that does not parse simply has no ranges.
    """
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        return {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    n_lines = max(1, len(text.splitlines()))
    seq = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "exemptions"), None)
    if not isinstance(seq, yaml.SequenceNode):
        return {}
    ranges: dict[str, tuple[int, int]] = {}
    for item in seq.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        entry_id = next(
            (
                v.value
                for k, v in item.value
                if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode)
            ),
            None,
        )
        if not entry_id:
            continue
        start = item.start_mark.line + 1
        end = item.end_mark.line + (1 if item.end_mark.column > 0 else 0)
        ranges.setdefault(entry_id, (start, min(max(start, end), n_lines)))
    return ranges
