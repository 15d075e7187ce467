"""The installed package must carry its data, its console script and every sub-package."""

from __future__ import annotations

import configparser
import subprocess
import sys
import time
import zipfile

import pytest

from .conftest import ROOT


def _declared_packages() -> set[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return {p.strip() for p in cfg["options"]["packages"].split() if p.strip()}


def test_every_subpackage_is_declared():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "soc2_checks").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found | {"soc2_checks.mappings"} == _declared_packages()


def test_import_and_controls_do_not_load_checkov_or_boto3():
    """`soc2-checks controls` must answer at once: no Checkov (≈1.7 s) or boto3 import."""
    code = (
        "import sys, time; t=time.perf_counter();"
        "from soc2_checks.cli import main;"
        "import io, contextlib;"
        "buf=io.StringIO();"
        "contextlib.redirect_stdout(buf).__enter__();"
        "rc=main(['controls']);"
        "heavy=[m for m in ('checkov','boto3','botocore','moto') if m in sys.modules];"
        "sys.stderr.write(repr((rc, heavy, time.perf_counter()-t)))"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    rc, heavy, seconds = eval(out.stderr)
    assert rc == 0 and heavy == []
    assert time.perf_counter() - start < 5  # a generous bound; bench/ holds the real figure


@pytest.mark.slow
def test_wheel_contains_mappings_and_schemas(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("soc2_checks-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "soc2_checks/mappings/criteria.yaml",
        "soc2_checks/mappings/checks.yaml",
        "soc2_checks/mappings/schemas/mapping.schema.json",
    ):
        assert required in names
    assert any(n.endswith("entry_points.txt") for n in names)
