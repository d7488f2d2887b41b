"""A content-addressed cache of separated stems, safe with several processes.

Key: SHA-256 of the decoded audio (sample rate, channel count and float32
samples, streamed, so tags or container changes don't miss) plus the model
name, its weights' signature and every setting that changes the output.
An entry is a folder ``<root>/<key>/`` with one ``<stem>.wav`` per stem and
``entry.json``. Entries are built in a temporary folder and renamed into
place (atomic on one filesystem), so a reader never sees half an entry; when
two processes store the same key the second rename fails and its copy is
dropped. Reading an entry touches ``entry.json``; eviction removes the least
recently used entries until the total size is under the bound.

Stems are hard-linked when the cache and the output folder share a
filesystem (instant, no extra space) and copied otherwise. REAPER never
writes into media files, so sharing the inode is safe for its use; a tool
that edits a stem in place would edit the cached copy too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from reaper_ext.audio.files import sound_file_name
from reaper_ext.errors import SeparationError

__all__ = [
    "CACHE_MAX_BYTES_ENV",
    "DEFAULT_MAX_BYTES",
    "default_cache_dir",
    "audio_content_hash",
    "cache_key",
    "StemCache",
    "link_or_copy",
]

CACHE_MAX_BYTES_ENV = "REAPER_EXT_CACHE_MAX_BYTES"
DEFAULT_MAX_BYTES = 20 * 1024**3  # 20 GiB: ~40 min of 4 float stereo stems is 3.4 GB
_ENTRY_FILE = "entry.json"
_KEY_VERSION = "reaper-ext-separation-cache-v1"
_HASH_BLOCK = 1 << 18


def default_cache_dir() -> Path:
    """``separation`` under the package's user cache folder (:func:`reaper_ext.storage.cache.default_cache_dir`)."""
    from reaper_ext.storage.cache import default_cache_dir as user_cache_dir

    return user_cache_dir() / "separation"


def audio_content_hash(path: Path) -> str:
    """SHA-256 (hex) of the decoded audio of ``path``, read block by block."""
    import soundfile as sf

    digest = hashlib.sha256()
    with sf.SoundFile(sound_file_name(path)) as file:
        digest.update(f"{file.samplerate}:{file.channels}:{file.frames}:".encode())
        for block in file.blocks(blocksize=_HASH_BLOCK, dtype="float32", always_2d=True):
            digest.update(block.tobytes())
    return digest.hexdigest()


def cache_key(
    *,
    content_hash: str,
    model: str,
    model_signature: str,
    segment_sec: float | None,
    overlap: float,
    shifts: int,
    residual_stem: str,
) -> str:
    """Return the key of one separation: audio, model and every output-changing setting."""
    fields = {
        "v": _KEY_VERSION,
        "audio": content_hash,
        "model": model,
        "signature": model_signature,
        "segment_sec": segment_sec,
        "overlap": overlap,
        "shifts": shifts,
        "residual": residual_stem,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:40]


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link ``src`` to ``dst`` (same filesystem), else copy it."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


class StemCache:
    """Stems by :func:`cache_key`, under ``root``, bounded to ``max_bytes``.

    Parameters
    ----------
    root : Path or None
        Cache folder; ``None`` uses :func:`default_cache_dir`.
    max_bytes : int or None
        Size bound; ``None`` reads ``$REAPER_EXT_CACHE_MAX_BYTES``, else 20 GiB.
    """

    def __init__(self, root: Path | None = None, *, max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        if max_bytes is None:
            env = os.environ.get(CACHE_MAX_BYTES_ENV)
            try:
                max_bytes = int(env) if env else DEFAULT_MAX_BYTES
            except ValueError:
                raise SeparationError(f"${CACHE_MAX_BYTES_ENV}={env!r} is not a number of bytes") from None
        self.max_bytes = max_bytes

    def lookup(self, key: str) -> dict[str, Path] | None:
        """``{stem: path}`` of a complete entry, or ``None``; marks it recently used."""
        entry = self.root / key
        try:
            meta = json.loads((entry / _ENTRY_FILE).read_text())
            paths = {stem: entry / name for stem, name in meta["stems"].items()}
            if not all(p.is_file() for p in paths.values()):
                return None
            os.utime(entry / _ENTRY_FILE)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return paths

    def store(self, key: str, stem_paths: dict[str, Path], *, info: dict | None = None) -> None:
        """Add an entry holding ``stem_paths`` (linked or copied), then evict to the bound."""
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".tmp-{uuid.uuid4().hex}"
        staging.mkdir()
        try:
            names = {}
            for stem, path in stem_paths.items():
                names[stem] = f"{stem}.wav"
                link_or_copy(path, staging / names[stem])
            meta = {"stems": names, "created": time.time(), **(info or {})}
            (staging / _ENTRY_FILE).write_text(json.dumps(meta, indent=1))
            try:
                os.rename(staging, self.root / key)
            except OSError:
                pass  # another process stored the same key first: keep theirs
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self.evict()

    def entries(self) -> list[tuple[float, int, Path]]:
        """``(last used, size in bytes, folder)`` of every complete entry."""
        found: list[tuple[float, int, Path]] = []
        if not self.root.is_dir():
            return found
        for entry in self.root.iterdir():
            marker = entry / _ENTRY_FILE
            if entry.name.startswith(".") or not marker.is_file():
                continue
            try:
                size = sum(f.stat().st_size for f in entry.iterdir())
                found.append((marker.stat().st_mtime, size, entry))
            except OSError:
                continue  # being evicted by another process
        return found

    def evict(self) -> None:
        """Remove least recently used entries until the total is under ``max_bytes``."""
        entries = sorted(self.entries())
        total = sum(size for _, size, _ in entries)
        for _, size, entry in entries:
            if total <= self.max_bytes:
                break
            # Rename first so a concurrent lookup never sees a half-deleted entry.
            doomed = self.root / f".del-{uuid.uuid4().hex}"
            try:
                os.rename(entry, doomed)
            except OSError:
                continue
            shutil.rmtree(doomed, ignore_errors=True)
            total -= size
