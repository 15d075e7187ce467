"""Writing the package: the index (README.md), the manifest, and every artifact, into a
temporary folder beside the destination that is renamed into place only when complete.

Nothing is written until collection is over; a failure while writing removes the temporary
folder, so the destination either holds a whole package or does not exist. Folders are 0700
and files 0600: evidence holds the account's users, policies and findings, and is for its owner
(and whoever they send it to) only. An existing folder is never overwritten unless it is empty:
evidence that was handed over must not be replaced in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__
from ..errors import UsageError
from . import layout
from .artifacts import Artifact, iso, to_json
from .index import PackageInfo, criteria_of, render_index, sha256

FORMAT = "soc2-checks-evidence"
FORMAT_VERSION = 1
DIR_MODE = 0o700
FILE_MODE = 0o600


def check_target(out: Path) -> None:
    """Refuse a destination that cannot receive a package, before anything is collected."""
    parent = out.parent if str(out.parent) else Path(".")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file; name a folder for the evidence package")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(
            f"--out {out}: the folder exists and is not empty; evidence is never overwritten: "
            "name a new folder (e.g. soc2-evidence-YYYY-MM-DD)"
        )
    if not parent.is_dir():
        raise UsageError(f"--out {out}: folder {parent} does not exist")


def unique_paths(artifacts: Iterable[Artifact]) -> list[Artifact]:
    """Two artifacts never share a path (a policy file named like a generated one): the later
    one gets a numbered name."""
    from dataclasses import replace

    seen: set[str] = {layout.INDEX, layout.MANIFEST}
    out = []
    for a in artifacts:
        path = a.path
        n = 2
        while path in seen:
            p = PurePosixPath(a.path)
            path = str(p.with_name(f"{p.stem}-{n}{p.suffix}"))
            n += 1
        seen.add(path)
        out.append(a if path == a.path else replace(a, path=path))
    return out


def manifest(info: PackageInfo, artifacts: list[Artifact], index: bytes, criteria_for: Callable) -> dict[str, Any]:
    entries = []
    for a in artifacts:
        entry: dict[str, Any] = {
            "path": a.path,
            "title": a.title,
            "state": str(a.state),
            "criteria": criteria_of(a, criteria_for),
            "checks": list(a.checks),
            "sources": list(a.sources),
            "collected_at": iso(a.collected_at),
        }
        if a.content is not None:
            entry["sha256"] = sha256(a.content)
            entry["bytes"] = len(a.content)
        if a.gaps:
            entry["gaps"] = list(a.gaps)
        if a.note:
            entry["note"] = a.note
        entries.append(entry)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "soc2-checks", "version": __version__},
        "created_at": iso(info.created_at),
        "account": info.account,
        "regions": list(info.regions),
        "period": {"start": info.period_start.isoformat(), "end": info.period_end.isoformat()},
        "index": {"path": layout.INDEX, "sha256": sha256(index)},
        "folders": sorted(folders_of(a.path for a in artifacts if a.content is not None) | set(layout.FOLDERS)),
        "artifacts": entries,
    }


def folders_of(paths: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for p in paths:
        for parent in PurePosixPath(p).parents:
            if str(parent) != ".":
                out.add(str(parent))
    return out


def write(out: Path, info: PackageInfo, artifacts: list[Artifact], criteria_for: Callable) -> tuple[dict, str]:
    """Write the package; returns its manifest and the manifest's SHA-256."""
    artifacts = unique_paths(artifacts)
    index = render_index(info, artifacts, criteria_for).encode("utf-8")
    doc = manifest(info, artifacts, index, criteria_for)
    manifest_bytes = to_json(doc)
    files = {a.path: a.content for a in artifacts if a.content is not None}
    files[layout.INDEX] = index
    files[layout.MANIFEST] = manifest_bytes
    _write_atomically(out, files, doc["folders"])
    return doc, sha256(manifest_bytes)


def _write_atomically(out: Path, files: dict[str, bytes], folders: list[str]) -> None:
    check_target(out)
    parent = out.parent if str(out.parent) else Path(".")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write in {parent}: {exc.strerror}") from None
    try:
        os.chmod(tmp, DIR_MODE)
        for folder in folders:
            (tmp / folder).mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            os.chmod(tmp / folder, DIR_MODE)
        for rel, data in files.items():
            target = tmp / rel
            if not target.parent.is_dir():
                target.parent.mkdir(mode=DIR_MODE, parents=True)
                os.chmod(target.parent, DIR_MODE)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)  # whatever the umask
                fh.write(data)
        try:
            os.rename(tmp, out)  # replaces an empty folder; fails on one that filled meanwhile
        except OSError as exc:
            raise UsageError(f"--out {out}: could not be put in place ({exc.strerror}); nothing was written") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
