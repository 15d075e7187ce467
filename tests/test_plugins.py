"""The registry is pluggy: built-in checks and a third-party package's arrive the same way."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

from soc2_checks.builtin import RULE_MODULES
from soc2_checks.cli import main
from soc2_checks.engine import evaluate
from soc2_checks.hookspecs import hookimpl
from soc2_checks.mapping import load_mapping
from soc2_checks.model import ResourceRef, Source, Status, Subject
from soc2_checks.plugins import load
from soc2_checks.registry import CheckDef, RegistryError, RuleContext
from soc2_checks.views.s3 import Bucket, PublicAccessBlock

from .conftest import EXAMPLES, ROOT, install_entry_point_dist

ALL_ON = PublicAccessBlock(True, True, True, True)


def test_builtin_checks_register_through_the_hook():
    loaded = load(load_entry_points=False)
    impls = loaded.manager.hook.soc2_checks_register_checks.get_hookimpls()
    assert [i.plugin_name for i in impls] == ["soc2_checks.builtin"]
    assert all(c.plugin == "soc2_checks.builtin" for c in loaded.registry)
    assert {f"SOC2_AWS_{n}" for n in range(1, 20)} | {f"SOC2_OPS_{n}" for n in range(1, 7)} <= set(
        loaded.registry.ids()
    )


def test_plugins_are_told_what_the_caller_checks():
    """A hook implementation may take ``sources`` (the built-in one leaves out the records
    checks for a Terraform scan) or not take it at all."""
    seen: list[frozenset[str]] = []

    class Told:
        @hookimpl
        def soc2_checks_register_checks(self, sources):
            seen.append(sources)
            return []

    class NotTold:
        @hookimpl
        def soc2_checks_register_checks(self):
            return []

    loaded = load(load_entry_points=False, extra=(Told(), NotTold()), sources=(Source.TERRAFORM,))
    assert seen == [frozenset({"terraform"})]
    assert "SOC2_AWS_11" in loaded.registry and "SOC2_OPS_1" not in loaded.registry
    assert {"SOC2_AWS_11", "SOC2_OPS_1"} <= set(load(load_entry_points=False).registry.ids())


def test_each_builtin_rule_module_declares_the_sources_of_its_checks():
    for name, sources in RULE_MODULES.items():
        module = importlib.import_module(f"soc2_checks.rules.{name}")
        for check in (v for v in vars(module).values() if isinstance(v, CheckDef)):
            assert {str(s) for s in check.sources} <= sources, (name, check.id)


def test_a_checkov_run_does_not_import_the_records_checks():
    code = (
        "import sys, checkov.terraform.runner\n"
        "from soc2_checks.iac.checks import register_installed\n"
        "register_installed()\n"
        "print(sorted(m for m in sys.modules if m.startswith('soc2_checks.') and m.endswith('.records')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


def test_example_plugin_is_listed_mapped_and_run_next_to_ours(acme_plugin):
    loaded = load()
    assert "ACME_S3_1" in loaded.registry
    assert loaded.registry.get("ACME_S3_1").plugin == "acme"
    mapping = load_mapping(loaded.registry.ids(), loaded.mapping_files)
    assert mapping.criteria_for("ACME_S3_1") == ["CC6.1", "C1.1"]

    bucket = Bucket("logs", ("AES256",), ALL_ON, None, None, ())
    subject = Subject(ResourceRef("arn:aws:s3:::logs", account="123456789012", region="us-east-1"), bucket)
    results = {r.check_id: r for r in evaluate([subject], loaded.registry, RuleContext(), mapping.criteria_for)}
    assert results["SOC2_AWS_11"].status is Status.PASSED
    assert results["ACME_S3_1"].status is Status.FAILED
    assert results["ACME_S3_1"].criteria == ["CC6.1", "C1.1"]
    assert "AES256" in results["ACME_S3_1"].message


def test_controls_lists_the_plugin_check_in_a_real_process(tmp_path):
    """End to end: a separate interpreter finds the plugin through importlib.metadata."""
    site = tmp_path / "site"
    install_entry_point_dist(site, "acme-soc2-checks", {"acme": "acme_soc2.plugin"})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(EXAMPLES / "plugin"), str(ROOT)]))
    out = subprocess.run(
        [sys.executable, "-m", "soc2_checks", "controls"], capture_output=True, text=True, env=env, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("ACME_S3_1"))
    assert "CC6.1,C1.1" in line and "[acme]" in line
    assert "26 checks" in out


def _bad_plugin(tmp_path, monkeypatch, body: str, name: str = "badplug"):
    pkg = tmp_path / "src"
    pkg.mkdir()
    (pkg / f"{name}.py").write_text(textwrap.dedent(body))
    install_entry_point_dist(tmp_path / "site", name, {name: name})
    monkeypatch.syspath_prepend(str(pkg))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, name, raising=False)


HEADER = """
from soc2_checks.hookspecs import hookimpl
from soc2_checks.model import Verdict
from soc2_checks.registry import check
from soc2_checks.views.s3 import Bucket
"""


@pytest.mark.parametrize(
    ("check_id", "expected"),
    [
        ("SOC2_AWS_11", "registered check SOC2_AWS_11 again (already registered by plugin 'soc2_checks.builtin')"),
        ("acme-1", "malformed ID 'acme-1'"),
        ("ACME", "malformed ID 'ACME'"),
    ],
)
def test_duplicate_or_malformed_ids_name_the_plugin(tmp_path, monkeypatch, capsys, check_id, expected):
    _bad_plugin(
        tmp_path,
        monkeypatch,
        HEADER
        + f"""
@check({check_id!r}, title="t", severity="LOW", sources=("live",), views=Bucket, remediation="r")
def rule(b, ctx):
    return Verdict.passed("ok")

@hookimpl
def soc2_checks_register_checks():
    return [rule]
""",
    )
    with pytest.raises(RegistryError) as exc:
        load()
    assert "plugin 'badplug'" in str(exc.value) and expected in str(exc.value)
    assert main(["controls"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "badplug" in err and "Traceback" not in err


def test_a_plugin_returning_something_else_is_named(tmp_path, monkeypatch):
    _bad_plugin(
        tmp_path,
        monkeypatch,
        HEADER
        + """
@hookimpl
def soc2_checks_register_checks():
    return ["SOC2_AWS_99"]
""",
    )
    with pytest.raises(RegistryError, match="plugin 'badplug' registered 'SOC2_AWS_99', which is not a CheckDef"):
        load()


def test_a_plugin_mapping_naming_an_unknown_check_is_invalid_input(tmp_path, monkeypatch, capsys):
    (tmp_path / "m.yaml").write_text("checks:\n  ACME_NOPE_1: [CC6.1]\n")
    _bad_plugin(
        tmp_path,
        monkeypatch,
        HEADER
        + f"""
from pathlib import Path

@hookimpl
def soc2_checks_mapping_files():
    return [Path({str(tmp_path / "m.yaml")!r})]
""",
    )
    assert main(["controls"]) == 2
    err = capsys.readouterr().err
    assert "m.yaml:2: checks.ACME_NOPE_1: unknown check ACME_NOPE_1" in err and "plugin 'badplug'" in err
