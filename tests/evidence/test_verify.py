"""``soc2-checks evidence verify``: a file changed, added or removed after collection is
named and exits 1; an intact package exits 0; a folder that is not a package exits 2."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from soc2_checks.cli import main

from ..live.accounts import seed_everything
from .conftest import REGIONS


@pytest.fixture
def package(aws, build, tmp_path):
    seed_everything(REGIONS[:1])
    return build(regions=REGIONS[:1])


def verify(folder, *extra: str) -> int:
    return main(["evidence", "verify", str(folder), *extra])


def test_an_untouched_package_verifies(package, capsys):
    assert verify(package.out, "--manifest-sha256", package.manifest_sha256) == 0
    out = capsys.readouterr().out
    assert "intact" in out and package.manifest_sha256 in out


def test_a_changed_file_is_named(package, capsys):
    target = package.out / "CC6-access-control/password-policy.json"
    doc = json.loads(target.read_text())
    doc["data"]["PasswordPolicy"]["MinimumPasswordLength"] = 32  # a "better" policy, after the fact
    target.write_text(json.dumps(doc))
    assert verify(package.out) == 1
    out = capsys.readouterr().out
    assert "changed: CC6-access-control/password-policy.json (SHA-256 " in out


def test_an_added_file_is_named_even_where_an_artifact_was_missing(package, capsys):
    (package.out / "results" / "late-screenshot.png").write_bytes(b"\x89PNG")
    missing = next(
        e["path"]
        for e in json.loads((package.out / "manifest.json").read_text())["artifacts"]
        if e["state"] == "MISSING"
    )
    (package.out / missing).write_text("filled in later")
    assert verify(package.out) == 1
    out = capsys.readouterr().out
    assert "added: results/late-screenshot.png" in out and f"added: {missing}" in out


def test_a_removed_file_and_a_removed_folder_are_named(package, capsys):
    (package.out / "walkthrough-prep.md").unlink()
    shutil.rmtree(package.out / "CC6-network")
    assert verify(package.out) == 1
    out = capsys.readouterr().out
    assert "removed: walkthrough-prep.md" in out
    assert "removed: CC6-network/security-group-rules.json" in out


def test_an_edited_index_or_manifest_is_detected(package, capsys):
    with open(package.out / "README.md", "a") as fh:
        fh.write("\nAll good.\n")
    assert verify(package.out) == 1
    assert "changed: README.md" in capsys.readouterr().out
    # a manifest rewritten to match a changed file is caught by the hash kept apart from the package
    shutil.copy(package.out / "README.md", package.out / "README.bak")
    manifest = package.out / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["artifacts"].append({"path": "README.bak", "state": "COLLECTED", "sha256": "0" * 64})
    manifest.write_text(json.dumps(doc))
    assert verify(package.out, "--manifest-sha256", package.manifest_sha256) == 1
    assert "changed: manifest.json" in capsys.readouterr().out


def test_a_symbolic_link_is_an_added_file_never_followed(package, capsys, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not evidence")
    os.symlink(outside, package.out / "CC6-network" / "link.txt")
    assert verify(package.out) == 1
    assert "added: CC6-network/link.txt" in capsys.readouterr().out


def test_a_folder_that_is_not_a_package_exits_2(tmp_path, capsys):
    assert verify(tmp_path) == 2
    assert "manifest.json: not found" in capsys.readouterr().err
    (tmp_path / "manifest.json").write_text("{not json")
    assert verify(tmp_path) == 2
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "format": "soc2-checks-evidence",
                "artifacts": [{"path": "../../etc/passwd", "sha256": "0"}],
                "index": {"path": "README.md"},
                "folders": [],
            }
        )
    )
    assert verify(tmp_path) == 2
    assert "unsafe" in capsys.readouterr().err


def test_loosened_permissions_are_warned_about_but_are_not_tampering(package, capsys):
    os.chmod(package.out / "README.md", 0o644)
    assert verify(package.out) == 0
    assert "readable by others than the owner: README.md" in capsys.readouterr().err
