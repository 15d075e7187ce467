"""Safe loading of hand-written data files: bounded, line-numbered, one-line errors."""

from __future__ import annotations

import pytest

from soc2_checks.datafiles import load_data, load_yaml
from soc2_checks.errors import InputError


def test_lines_are_recorded_for_keys_and_items(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("top:\n  items:\n    - name: a\n    - name: b\n      when: 2026-01-01\n")
    doc = load_yaml(f)
    assert doc.line_of(("top", "items", 1, "name")) == 4
    assert doc.line_of(("top", "items", 1, "nope")) == 4  # nearest ancestor
    assert doc.error(("top", "items", 1, "when"), "bad").line == 5
    assert str(doc.error(("top", "items", 1, "when"), "bad")) == f"{f}:5: top.items[1].when: bad"


def test_dates_stay_text_so_schemas_judge_them(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("when: 2026-01-01\n")
    assert load_yaml(f).data == {"when": "2026-01-01"}


def test_a_few_aliases_are_fine_but_a_bomb_is_refused(tmp_path):
    ok = tmp_path / "ok.yaml"
    ok.write_text("base: &b {role: x}\nuses: [*b, *b]\n")
    assert load_yaml(ok).data["uses"] == [{"role": "x"}, {"role": "x"}]
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="aliases expand to more than"):
        load_yaml(bomb)


def test_a_self_referencing_alias_is_refused(tmp_path):
    f = tmp_path / "loop.yaml"
    f.write_text("a: &a [*a]\n")
    with pytest.raises(InputError, match="alias"):
        load_yaml(f)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"a: \xff\xfe\n", "not valid UTF-8"),
        (b"a: [1, 2\n", "YAML syntax error"),
        (b"a: b\n  c: d\n", "YAML syntax error"),
        (b"---\na: 1\n---\nb: 2\n", "YAML syntax error"),
    ],
)
def test_broken_files_give_one_line_errors(tmp_path, content, message):
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_data(f)
    text = str(exc.value)
    assert message in text and text.startswith(str(f)) and "\n" not in text


def test_json_errors_carry_the_line(tmp_path):
    f = tmp_path / "x.json"
    f.write_text('{\n  "a": 1,\n  "b": \n}\n')
    with pytest.raises(InputError) as exc:
        load_data(f)
    assert exc.value.line == 4 and "JSON syntax error" in str(exc.value)


def test_missing_and_directory_and_oversized(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_data(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_data(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000)
    with pytest.raises(InputError, match="the limit is 1,000 bytes"):
        load_data(big, max_bytes=1000)
