"""A per-user cache for tables medspam derives from its dependencies' data on first use.

A fresh process spends most of its first verdict building the word segmenter's tables from
wordsegment's text files (about a second). Kept here as one file, they load in a third of
that. The cache is only ever a shortcut: a missing, unreadable, foreign or corrupt file is
rebuilt, a failed write is ignored, and ``MEDSPAM_CACHE_DIR=""`` turns the cache off.

The folder is ``$MEDSPAM_CACHE_DIR``, else ``$XDG_CACHE_HOME/medspam``, else
``~/.cache/medspam``; it is created private to the user (mode 0700), and a file is read only
if the user owns it and nobody else can write it (its contents are unmarshalled).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "read", "write"]


def cache_dir() -> Path | None:
    """The cache folder, or None when ``MEDSPAM_CACHE_DIR`` is set empty (no cache)."""
    configured = os.environ.get("MEDSPAM_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "medspam"


def read(name: str) -> bytes | None:
    """The bytes of the cached file ``name``, if the user's own and private; else None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / name).open("rb") as handle:
            facts = os.fstat(handle.fileno())
            if facts.st_uid != os.getuid() or facts.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            return handle.read()
    except OSError:
        return None


def write(name: str, data: bytes, *, replacing: str = "") -> None:
    """Store ``data`` as ``name`` atomically (a reader sees the old file or the new one).

    ``replacing``: a glob of the files this one replaces (the tables of an older
    wordsegment or word list), removed once it is written.
    """
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            Path(temporary).replace(folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for stale in folder.glob(replacing) if replacing else ():
            if stale.name != name:
                stale.unlink(missing_ok=True)
    except OSError:
        return  # a read-only home, a full disk: the next process builds the tables again
