"""The mapping layer: shipped data, user overrides, and invalid mappings as invalid input."""

from __future__ import annotations

import pytest

from soc2_checks.cli import main
from soc2_checks.errors import InputError
from soc2_checks.mapping import load_mapping, unmapped
from soc2_checks.plugins import load
from soc2_checks.schemas import mappings_dir


@pytest.fixture(scope="module")
def ids():
    return load(load_entry_points=False).registry.ids()


def test_every_registered_check_is_mapped_to_known_criteria(ids):
    m = load_mapping(ids)
    assert unmapped(m, ids) == []
    for check_id in ids:
        for c in m.criteria_for(check_id):
            assert m.title(c), f"{check_id} maps to {c}, which has no title"


def test_catalog_criteria_match_the_control_catalog(ids):
    m = load_mapping(ids)
    assert m.criteria_for("SOC2_AWS_3") == ["CC6.1", "CC6.2"]
    assert m.criteria_for("SOC2_AWS_10") == ["CC6.8", "CC7.2"]
    assert m.criteria_for("SOC2_OPS_6") == ["CC5.3"]


def test_criteria_titles_are_our_own_short_paraphrases():
    text = (mappings_dir() / "criteria.yaml").read_text()
    assert "COSO" not in text and "The entity" not in text  # AICPA wording starts "The entity ..."


def test_user_mapping_replaces_a_checks_list_and_adds_criteria(tmp_path, ids):
    f = tmp_path / "ours.yaml"
    f.write_text("criteria:\n  X1.1: Our own internal control\nchecks:\n  SOC2_AWS_11: [CC6.1, X1.1]\n")
    m = load_mapping(ids, user_files=[f])
    assert m.criteria_for("SOC2_AWS_11") == ["CC6.1", "X1.1"]
    assert m.criteria_for("SOC2_AWS_12") == ["CC6.1", "CC6.7"]
    assert m.sources["SOC2_AWS_11"] == str(f)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("checks:\n  SOC2_AWS_99: [CC6.1]\n", ":2: checks.SOC2_AWS_99: unknown check SOC2_AWS_99"),
        ("checks:\n  SOC2_AWS_1: [CC6.1, CC6.99]\n", ":2: checks.SOC2_AWS_1[1]: unknown criterion CC6.99"),
        ("checks:\n  SOC2_AWS_1: CC6.1\n", ":2: checks.SOC2_AWS_1: 'CC6.1' is not of type 'array'"),
        ("checks:\n  SOC2_AWS_1: []\n", ":2: checks.SOC2_AWS_1: [] should be non-empty"),
        ("criteria:\n  cc6.1: lower case\n", ":2: criteria.cc6.1: 'cc6.1' does not match"),
        ("chekcs:\n  SOC2_AWS_1: [CC6.1]\n", ":1: unknown field(s) ('chekcs' was unexpected)"),
    ],
)
def test_invalid_mapping_names_file_line_and_field(tmp_path, ids, text, where):
    f = tmp_path / "m.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as exc:
        load_mapping(ids, user_files=[f])
    assert str(exc.value).startswith(str(f) + where)


def test_controls_with_a_bad_mapping_exits_2_with_one_line(tmp_path, capsys):
    f = tmp_path / "m.yaml"
    f.write_text("checks:\n  SOC2_AWS_99: [CC6.1]\n")
    assert main(["controls", "--mapping", str(f)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0 and "SOC2_AWS_99" in captured.err
