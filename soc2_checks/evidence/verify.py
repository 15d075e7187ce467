"""``soc2-checks evidence verify``: prove that a package is as it was collected.

Every file in the folder is compared with the manifest: a file whose SHA-256 differs was
changed, a file the manifest does not list was added (also where the manifest records an
artifact as missing), and a listed file that is gone was removed. The manifest itself can be
checked against the hash printed at collection time, kept apart from the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError
from . import layout
from .package import FORMAT

EXIT_INTACT = 0
EXIT_TAMPERED = 1
EXIT_NOT_A_PACKAGE = 2


@dataclass
class Verdict:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    """Files or folders readable by others than the owner (not tampering, but worth saying)."""
    checked: int = 0
    manifest_sha256: str = ""

    @property
    def intact(self) -> bool:
        return not (self.changed or self.added or self.removed)

    def lines(self) -> list[str]:
        return (
            [f"changed: {p}" for p in self.changed]
            + [f"added: {p}" for p in self.added]
            + [f"removed: {p}" for p in self.removed]
        )


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _load_manifest(root: Path) -> tuple[dict, bytes]:
    if not root.is_dir():
        raise InputError(root, "is not a folder (an evidence package is the folder soc2-checks evidence wrote)")
    path = root / layout.MANIFEST
    if not path.is_file() or path.is_symlink():
        raise InputError(path, "not found: the folder is not an evidence package written by soc2-checks evidence")
    raw = path.read_bytes()
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise InputError(path, f"is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(path, f"is not a soc2-checks evidence manifest (format is not {FORMAT!r})")
    entries = doc.get("artifacts")
    index = doc.get("index")
    if not isinstance(entries, list) or not isinstance(index, dict) or not isinstance(doc.get("folders"), list):
        raise InputError(path, "has no artifacts, index or folders list")
    for i, e in enumerate([index, *entries]):
        p = e.get("path") if isinstance(e, dict) else None
        if not isinstance(p, str) or not _safe(p):
            raise InputError(path, f"entry {i} has an unsafe or missing path {p!r}", field="artifacts")
    return doc, raw


def _safe(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts and "\\" not in rel


def verify(root: Path, manifest_sha256: str | None = None) -> Verdict:
    doc, raw = _load_manifest(root)
    v = Verdict(manifest_sha256=hashlib.sha256(raw).hexdigest())
    if manifest_sha256 and manifest_sha256.strip().lower() != v.manifest_sha256:
        v.changed.append(f"{layout.MANIFEST} (SHA-256 {v.manifest_sha256}, expected {manifest_sha256.strip()})")
    expected = {e["path"]: e.get("sha256") for e in doc["artifacts"] if e.get("sha256")}
    expected[doc["index"]["path"]] = doc["index"].get("sha256")
    folders = {str(f) for f in doc["folders"]}
    actual_files, actual_dirs = _walk(root, v)
    for rel in sorted(actual_files):
        if rel == layout.MANIFEST:
            continue
        if rel not in expected:
            v.added.append(rel)
            continue
        path = root / rel
        if path.is_symlink() or not path.is_file():
            v.changed.append(f"{rel} (no longer a regular file)")
            continue
        found = file_sha256(path)
        v.checked += 1
        if found != expected[rel]:
            v.changed.append(f"{rel} (SHA-256 {found}, expected {expected[rel]})")
    v.removed += sorted(p for p in expected if p not in actual_files)
    v.added += sorted(f"{d}/" for d in actual_dirs - folders)
    v.removed += sorted(f"{d}/" for d in folders - actual_dirs if not any(r.startswith(f"{d}/") for r in v.removed))
    return v


def _walk(root: Path, v: Verdict) -> tuple[set[str], set[str]]:
    """Every entry under ``root`` (symbolic links are entries, never followed)."""
    files: set[str] = set()
    dirs: set[str] = set()
    for here, subdirs, names in os.walk(root, followlinks=False):
        base = Path(here)
        _note_loose(root, base, v)
        for d in list(subdirs):
            p = base / d
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                files.add(rel)
                subdirs.remove(d)
            else:
                dirs.add(rel)
        for n in names:
            p = base / n
            files.add(p.relative_to(root).as_posix())
            if not p.is_symlink():
                _note_loose(root, p, v)
    return files, dirs


def _note_loose(root: Path, path: Path, v: Verdict) -> None:
    mode = os.lstat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        v.loose.append((path.relative_to(root).as_posix() or ".") + f" ({stat.filemode(mode)})")
