"""``soc2-checks sample``: the same population and seed give the same sample anywhere, in any
row order, with the auditor's default sizes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from soc2_checks.records.sampling import FREQUENCY_SIZES, draw


def population(tmp_path, n=60, name="changes.csv", reverse=False):
    rows = [f"CHG-{i:04d},2026-01-{1 + i % 28:02d},deploy {i}" for i in range(1, n + 1)]
    if reverse:
        rows.reverse()
    path = tmp_path / name
    path.write_text("Change,Date,Summary\n" + "\n".join(rows) + "\n")
    return path


def keys(text):
    return [r["Change"] for r in csv.DictReader(io.StringIO(text))]


FIXED = ["CHG-0008", "CHG-0021", "CHG-0033", "CHG-0042", "CHG-0056"]
"""The sample of 5 from CHG-0001..CHG-0060 with seed 2026: sorted(random.Random(2026).sample(range(60), 5))
is [7, 20, 32, 41, 55], positions in the canonical order. Recorded once, expected on every machine."""


def test_fixed_seed_gives_a_fixed_sample(tmp_path, run_cli):
    code, out, err = run_cli("sample", population(tmp_path), "--size", "5", "--seed", "2026")
    assert code == 0 and err == ""
    assert keys(out) == FIXED
    assert out.splitlines()[0] == "Change,Date,Summary"


def test_row_order_does_not_change_the_sample(tmp_path, run_cli):
    shuffled = population(tmp_path, name="reversed.csv", reverse=True)
    assert keys(run_cli("sample", shuffled, "--frequency", "weekly", "--seed", "2026")[1]) == FIXED


def test_another_seed_gives_another_sample(tmp_path):
    a = [r.cells[0] for r in draw(population(tmp_path), 5, "2026").rows]
    b = [r.cells[0] for r in draw(population(tmp_path), 5, "2027").rows]
    text_seed = [r.cells[0] for r in draw(population(tmp_path), 5, "fieldwork-2026").rows]
    assert a != b and a != text_seed and len(set(text_seed)) == 5


@pytest.mark.parametrize(("frequency", "size"), list(FREQUENCY_SIZES.items()))
def test_frequency_sets_the_auditors_size(tmp_path, run_cli, frequency, size):
    out = run_cli("sample", population(tmp_path), "--frequency", frequency, "--seed", "7")[1]
    assert len(keys(out)) == size


def test_a_small_population_is_sampled_whole(tmp_path, run_cli):
    code, out, err = run_cli("sample", population(tmp_path, n=12), "--frequency", "daily", "--seed", "1")
    assert code == 0 and len(keys(out)) == 12
    assert "fewer than 25: the sample is the whole population" in err


def test_json_records_how_the_sample_was_drawn(tmp_path, run_cli):
    path = population(tmp_path)
    doc = json.loads(run_cli("sample", path, "--size", "5", "--seed", "2026", "-o", "json")[1])
    assert doc["population"]["rows"] == 60 and len(doc["population"]["sha256"]) == 64
    assert doc["seed"] == "2026" and doc["size"] == 5
    assert [s["values"]["Change"] for s in doc["sample"]] == FIXED
    assert doc["sample"][0]["line"] == 9  # CHG-0008 is on line 9 of the file


def test_key_column_orders_by_identifier(tmp_path, run_cli):
    path = population(tmp_path)
    by_key = keys(run_cli("sample", path, "--size", "5", "--seed", "2026", "--key", "Change")[1])
    assert by_key == FIXED  # the first column already orders the rows the same way
    code, _, err = run_cli("sample", path, "--size", "5", "--seed", "1", "--key", "Ticket")
    assert code == 2 and "--key column 'Ticket' is not in the header" in err


def test_output_file(tmp_path, run_cli):
    target = tmp_path / "sample.csv"
    assert run_cli("sample", population(tmp_path), "--size", "5", "--seed", "2026", "--output-file", target)[0] == 0
    assert keys(target.read_text()) == FIXED


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--size", "0", "--seed", "1"], "'0' is not a positive whole number"),
        (["--seed", "1"], "one of the arguments --size --frequency is required"),
        (["--size", "2", "--frequency", "daily", "--seed", "1"], "not allowed with argument"),
        (["--size", "2"], "the following arguments are required: --seed"),
    ],
)
def test_bad_usage(tmp_path, run_cli, capsys, args, expected):
    with pytest.raises(SystemExit) as exit_:
        run_cli("sample", population(tmp_path), *args)
    assert exit_.value.code == 2 and expected in capsys.readouterr().err


def test_empty_population_is_invalid_input(tmp_path, run_cli):
    path = tmp_path / "p.csv"
    path.write_text("Change,Date\n")
    code, _, err = run_cli("sample", path, "--size", "2", "--seed", "1")
    assert code == 2 and "p.csv: the population has no rows" in err
