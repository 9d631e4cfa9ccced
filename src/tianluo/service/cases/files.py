"""Case files are kept in the workspace by content: ``W/service/files/<sha256>``."""

from __future__ import annotations

import hashlib
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024


def store_bytes(directory: Path, content: bytes) -> str:
    """Keep ``content`` once and return its SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / digest
    if not path.exists():
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(content)
        temporary.replace(path)
    return digest


def stored_path(directory: Path, sha256: str) -> Path:
    return directory / sha256
