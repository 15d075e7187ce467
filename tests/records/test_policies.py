"""The policy folder and git: tracked, changed in the period, committed only after it, never
committed, outside any repository, and git missing altogether."""

from __future__ import annotations

import datetime as dt

from soc2_checks.model import Missing
from soc2_checks.records.policies import documents, find_policies

from .conftest import commit, git

START, END = dt.date(2025, 7, 1), dt.date(2026, 3, 31)


def make_repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "policies" / "hr").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for name in ("a.md", "b.md", "late.md", "hr/onboarding.md", ".gitkeep"):
        (repo / "policies" / name).write_text(f"# {name}\n")
    commit(repo, ["policies/a.md", "policies/b.md", "policies/hr/onboarding.md"], "Adopt", "2025-01-10T09:00:00+00:00")
    (repo / "policies" / "a.md").write_text("# a\nv2\n")
    commit(repo, ["policies/a.md"], "a: second version", "2025-08-01T09:00:00+00:00")
    (repo / "policies" / "a.md").write_text("# a\nv3\n")
    commit(repo, ["policies/a.md"], "a: third version", "2026-02-01T09:00:00+00:00")
    commit(repo, ["policies/late.md"], "late policy", "2026-04-20T09:00:00+00:00")
    (repo / "policies" / "b.md").write_text("# b\nedited, not committed\n")
    (repo / "policies" / "draft.md").write_text("# draft\n")
    return repo


def test_history_per_document(tmp_path):
    repo = make_repo(tmp_path)
    folder = find_policies(repo / "policies")
    docs = {d.path: d for d in documents(folder, START, END)}
    assert sorted(docs) == [
        "policies/a.md",
        "policies/b.md",
        "policies/draft.md",
        "policies/hr/onboarding.md",
        "policies/late.md",
    ]  # .gitkeep is not a document
    a = docs["policies/a.md"]
    assert (a.tracked, a.commits_in_period) == (True, 2)
    assert a.last_change.date() == dt.date(2026, 2, 1)
    assert [h.split(" ", 2)[2] for h in a.history] == [
        "Marco Bianchi: a: third version",
        "Marco Bianchi: a: second version",
    ]
    b = docs["policies/b.md"]
    assert (b.tracked, b.commits_in_period, b.last_change.date()) == (True, 0, dt.date(2025, 1, 10))
    assert b.history[-1] == "the working copy has changes that are not committed"
    assert docs["policies/draft.md"].tracked is False
    assert docs["policies/late.md"].tracked is False  # first committed after the period end


def test_a_folder_outside_git_is_untracked(tmp_path):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.md").write_text("# p\n")
    (doc,) = documents(find_policies(tmp_path / "policies"), START, END)
    assert (doc.path, doc.tracked) == ("policies/p.md", False)


def test_without_git_the_history_is_unread(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    docs = documents(find_policies(repo / "policies"), START, END)
    assert all(isinstance(d.tracked, Missing) for d in docs)
    assert docs[0].tracked.describe() == "git failed: git is not installed or not on PATH"
