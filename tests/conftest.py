from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def install_entry_point_dist(
    where: Path, name: str, entry_points: dict[str, str], source_dir: Path | None = None
) -> Path:
    """Make a distribution visible to importlib.metadata the way pip would, by writing its
    .dist-info folder; the plugin module itself is imported from ``source_dir``."""
    dist = where / f"{name.replace('-', '_')}-1.0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n")
    lines = ["[soc2_checks]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return dist


@pytest.fixture
def acme_plugin(tmp_path, monkeypatch):
    """The example plugin under examples/plugin, discoverable through its entry point."""
    site = tmp_path / "site"
    install_entry_point_dist(site, "acme-soc2-checks", {"acme": "acme_soc2.plugin"})
    monkeypatch.syspath_prepend(str(EXAMPLES / "plugin"))
    monkeypatch.syspath_prepend(str(site))
    yield site
    for mod in [m for m in sys.modules if m == "acme_soc2" or m.startswith("acme_soc2.")]:
        del sys.modules[mod]
