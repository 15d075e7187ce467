"""Terraform root modules scanned side by side give exactly what one whole-tree Checkov run
gives, and a share that fails is never silence."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from soc2_checks.cli import main
from soc2_checks.iac import runner as iac_runner
from soc2_checks.iac import tf_roots
from soc2_checks.iac.checks import register
from soc2_checks.model import Source, Status

from .conftest import CTX, EXAMPLES, FIXTURES

REAL_WORLD = FIXTURES / "real_world" / "terraform"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Five roots: two environments calling shared modules (one address in both), a root with
    modules of its own, and the bad and good examples."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(REAL_WORLD, root, dirs_exist_ok=True)
    shutil.copytree(EXAMPLES / "terraform" / "bad", root / "accounts" / "bad")
    shutil.copytree(EXAMPLES / "terraform" / "good", root / "accounts" / "good")
    return root


def _scan(directory: Path, registry, jobs: int):
    return iac_runner.scan([str(directory)], [Source.TERRAFORM], registry, CTX, lambda _id: [], False, jobs)[0]


def _whole_tree(directory: Path, registry) -> list:
    """One ordinary Checkov run over the whole tree: one parse, one graph."""
    from checkov.terraform.runner import Runner

    ids = register(registry, CTX, [Source.TERRAFORM], verdicts=True)[Source.TERRAFORM]
    convert = iac_runner._Converter(registry, set(ids), lambda _id: [], False)
    part = iac_runner._Part()
    runner = Runner()
    root = str(directory)
    convert.reports(iac_runner._run(runner, Source.TERRAFORM, root, ids), runner, Source.TERRAFORM, root, part)
    return iac_runner._qualify_shared_addresses(part.found, root)


def _facts(results) -> list[tuple]:
    return sorted(
        (r.check_id, r.resource.id, r.resource.file, r.resource.line_range, str(r.status), r.message, r.details)
        for r in results
    )


@pytest.mark.slow
def test_roots_in_two_processes_give_what_one_whole_tree_run_gives(tree, registry):
    reference = _facts(_whole_tree(tree, registry))
    assert len({fact[1].split(":")[0] for fact in reference if ":" in fact[1]}) >= 2  # one address in two roots
    one = _scan(tree, registry, jobs=1)
    two = _scan(tree, registry, jobs=2)
    assert _facts(one.results) == reference
    assert _facts(two.results) == reference
    assert one.resources == two.resources > 0
    assert {r.status for r in two.results} >= {Status.PASSED, Status.FAILED}


def test_shares_are_balanced_and_keep_their_order():
    weights = {"a": 5, "b": 1, "c": 4, "d": 2, "e": 3}
    shares = tf_roots.balanced(list(weights), 2, weights.__getitem__)
    assert sorted(x for share in shares for x in share) == sorted(weights)
    assert all(share == sorted(share) for share in shares)
    assert sorted(sum(weights[x] for x in share) for share in shares) == [7, 8]
    assert tf_roots.balanced(["a"], 4, weights.__getitem__) == [["a"]]
    assert tf_roots.balanced([], 2, weights.__getitem__) == []


def _square_or_fail(n: int) -> int:
    if n == 3:
        raise ValueError("three is not welcome")
    if n == 4:
        os._exit(7)  # a worker that dies without a word
    return n * n


@pytest.mark.skipif(not tf_roots.can_fork(), reason="workers are forked on Linux only")
def test_fork_map_keeps_order_and_turns_failures_into_reasons():
    out = tf_roots.fork_map(_square_or_fail, [1, 2, 3, 4, 5], jobs=5)
    assert out[:2] == [1, 4] and out[4] == 25
    assert out[2] == tf_roots.Failed("ValueError: three is not welcome")
    assert out[3] == tf_roots.Failed("its worker process ended without a result (exit code 7)")
    assert tf_roots.fork_map(_square_or_fail, [1, 2, 3], jobs=1) == [
        1,
        4,
        tf_roots.Failed("ValueError: three is not welcome"),
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_share_checkov_fails_on_is_an_error_for_each_of_its_roots(tree, registry, monkeypatch, jobs):
    def broken(*args, **kwargs):
        raise RuntimeError("graph exploded")

    monkeypatch.setattr(iac_runner, "_run", broken)  # inherited by forked workers
    scan = _scan(tree, registry, jobs)
    assert scan.results and all(r.status == Status.ERROR for r in scan.results)
    roots = {r.resource.id for r in scan.results}
    assert {"envs/prod", "envs/staging", "accounts/bad", "accounts/good"} <= roots
    assert all("graph exploded" in r.message for r in scan.results)


@pytest.mark.skipif(not tf_roots.can_fork(), reason="workers are forked on Linux only")
def test_a_worker_that_dies_is_an_error_for_each_of_its_roots(tree, registry, monkeypatch):
    parent = os.getpid()
    real = iac_runner._run

    def dies_in_a_worker(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(9)
        return real(*args, **kwargs)

    monkeypatch.setattr(iac_runner, "_run", dies_in_a_worker)
    scan = _scan(tree, registry, jobs=2)
    errors = [r for r in scan.results if r.status == Status.ERROR]
    assert errors and all("exit code 9" in r.message for r in errors)
    assert any(r.status != Status.ERROR for r in scan.results)  # the parent's share was checked


def test_a_terraform_only_tree_skips_cloudformation(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yml").write_text("on: pull_request\njobs: {}\n")
    assert not iac_runner._may_hold_templates(str(tmp_path))
    (tmp_path / "stack.yaml").write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    assert iac_runner._may_hold_templates(str(tmp_path))
    broken = tmp_path / "other"
    broken.mkdir()
    (broken / "t.json").write_text('{"AWSTemplateFormatVersion": "2010-09-09", ')
    assert iac_runner._may_hold_templates(str(broken))


def test_jobs_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["iac", "-d", str(EXAMPLES / "terraform" / "good"), "--jobs", "0"])
    assert exc.value.code == 2
    assert "0 is not a number of processes" in capsys.readouterr().err


def test_garbage_collection_is_restored_after_a_scan():
    before = gc.get_threshold()
    with tf_roots.batch_gc():
        assert gc.get_threshold() != before
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def _python(code: str) -> str:
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.slow
def test_the_command_loads_none_of_checkovs_own_checks_and_library_callers_get_them_all():
    count = (
        "from checkov.terraform.checks.resource.registry import resource_registry as r\n"
        "print(sum(map(len, r.checks.values())))\n"
    )
    lean = "from soc2_checks.iac.lean_import import without_builtin_checks\nwith without_builtin_checks():\n"
    lean += "    import checkov.terraform.runner\n"
    assert _python(lean + count) == "0"
    by_name = "import checkov.terraform.checks.resource.aws.S3BlockPublicACLs\n"
    assert _python(lean + by_name + count) == "1"  # a check module is still importable by name
    assert int(_python("import checkov.terraform.runner\n" + count)) > 1000


@pytest.mark.slow
def test_console_script_output_is_complete_when_the_process_ends_early(tmp_path):
    """The console script ends the process without tearing the interpreter down: what it
    printed and wrote must all be there."""
    out = tmp_path / "reports"
    code = (
        "import sys\nfrom soc2_checks.cli import entry\n"
        f"sys.argv = ['soc2-checks', 'iac', '-d', {str(EXAMPLES / 'terraform' / 'bad')!r}, '-o', 'json', "
        f"'-o', 'sarif', '--output-file', {str(out)!r}]\nentry()\n"
    )
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 1, proc.stderr  # the bad example fails on purpose
    results = json.loads((out / "results.json").read_text())["results"]
    assert any(r["status"] == "FAILED" for r in results)
    assert json.loads((out / "results.sarif").read_text())["runs"][0]["results"]
    code = code.replace(f"'--output-file', {str(out)!r}", "'--framework', 'terraform'").replace("'-o', 'sarif', ", "")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["results"]  # stdout flushed before the process ended
