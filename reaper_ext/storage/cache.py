"""A content-addressed cache of analysis results, shared safely between processes.

Results are keyed by what they were computed from: the media files' *content*
(a BLAKE2b digest of the bytes) plus the settings and code version that made
them, never by path or modification time alone. Hashing a file is still work,
so a small memo maps (path, size, mtime, inode) to the digest; when any of
those change the file is hashed again.

Each entry is one file written to a temporary name and renamed into place, so
two processes can share the folder: a reader sees a whole entry or none. The
folder has a size bound; the least recently used entries go first.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from reaper_ext.storage.atomic import write_atomic

__all__ = ["default_cache_dir", "ContentCache", "digest_bytes", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_HASH_BLOCK_BYTES = 1 << 20


def default_cache_dir() -> Path:
    """The user cache folder: ``$REAPER_EXT_CACHE_DIR``, else the platform's cache folder."""
    override = os.environ.get("REAPER_EXT_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "reaper-ext"


def digest_bytes(data: bytes) -> str:
    """A short content digest of ``data``."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


class ContentCache:
    """JSON results by key, under ``folder``, bounded to ``max_bytes``."""

    def __init__(self, folder: Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir() / "analysis"
        self.max_bytes = max_bytes
        self.n_hits = 0
        self.n_misses = 0

    # -- file digests -----------------------------------------------------
    def file_digest(self, path: Path) -> str:
        """Digest of the file's content (memoised by path, size, mtime and inode)."""
        stat = path.stat()
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
        memo = self.folder / "digests" / (digest_bytes(str(path.resolve()).encode("utf-8", "surrogateescape")) + ".json")
        try:
            saved = json.loads(memo.read_text())
            if saved.get("stamp") == stamp:
                return saved["digest"]
        except (OSError, ValueError, KeyError):
            pass
        hasher = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(_HASH_BLOCK_BYTES), b""):
                hasher.update(block)
        digest = hasher.hexdigest()
        try:
            _write_atomic(memo, json.dumps({"stamp": stamp, "digest": digest}).encode())
        except OSError:
            pass  # a read-only cache folder only costs speed
        return digest

    def warm_digests(self, paths, *, n_threads: int = 2) -> None:
        """Digest several files at once (hashing releases the GIL); unreadable ones are left to the caller."""
        unique = sorted({Path(path) for path in paths})
        if len(unique) < 2:
            return
        from concurrent.futures import ThreadPoolExecutor

        def digest(path: Path) -> None:
            try:
                self.file_digest(path)
            except OSError:
                pass

        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            list(pool.map(digest, unique))

    # -- entries ----------------------------------------------------------
    def _entry_path(self, namespace: str, key: str) -> Path:
        return self.folder / namespace / key[:2] / f"{key}.json"

    def get(self, namespace: str, key: str) -> dict | None:
        """The stored result, or None (a damaged entry counts as a miss)."""
        path = self._entry_path(namespace, key)
        try:
            value = json.loads(path.read_bytes())
        except (OSError, ValueError):
            self.n_misses += 1
            return None
        try:
            os.utime(path)  # mark as recently used for eviction
        except OSError:
            pass
        self.n_hits += 1
        return value

    def put(self, namespace: str, key: str, value: dict) -> None:
        """Store ``value`` (JSON-able); failures to write only cost speed."""
        try:
            _write_atomic(self._entry_path(namespace, key), json.dumps(value, separators=(",", ":")).encode())
        except OSError:
            return

    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.folder.rglob("*.json") if path.is_file())

    def evict(self) -> int:
        """Delete least recently used entries until the folder fits; returns how many went."""
        entries = []
        total = 0
        for path in self.folder.rglob("*.json"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime_ns, stat.st_size, path))
            total += stat.st_size
        if total <= self.max_bytes:
            return 0
        n_removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
                total -= size
                n_removed += 1
            except OSError:
                continue
        return n_removed
