"""Finding and loading demucs separation models, without ever exiting the process.

Strategies, tried in this order, every failure kept for the final message:

1. a local model folder (``model_repo`` argument, else the ``REAPER_EXT_MODEL_DIR``
   environment variable), laid out like demucs's ``LocalRepo``: one
   ``<signature>-<checksum>.th`` file per model and optionally ``<name>.yaml``
   describing the bag (the yaml shipped with demucs is used when it is absent);
2. the hub, through :func:`demucs.pretrained.get_model` (HuggingFace, then
   demucs's own download server; both use their local download caches first).

demucs calls ``sys.exit`` from ``get_model`` on some paths (``demucs.utils.fatal``);
that would close REAPER, so ``SystemExit`` is caught here and turned into a
:class:`~reaper_ext.errors.ModelNotFoundError`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from reaper_ext.errors import ModelNotFoundError, SeparationError

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_NAMES",
    "MODEL_SOURCES",
    "MODEL_DIR_ENV",
    "choose_device",
    "demucs_remote_dir",
    "required_model_files",
    "model_signature",
    "load_separation_model",
    "random_htdemucs",
    "model_sources",
    "model_sample_rate_hz",
    "max_segment_sec",
]

DEFAULT_MODEL = "htdemucs"
MODEL_NAMES: tuple[str, ...] = ("htdemucs", "htdemucs_ft", "htdemucs_6s", "demucs_unittest")
_FOUR = ("drums", "bass", "other", "vocals")
# Source order of each model (demucs's `model.sources`), known without loading it.
MODEL_SOURCES: dict[str, tuple[str, ...]] = {
    "htdemucs": _FOUR,
    "htdemucs_ft": _FOUR,
    "htdemucs_6s": ("drums", "bass", "other", "vocals", "guitar", "piano"),
    "demucs_unittest": _FOUR,
}
MODEL_DIR_ENV = "REAPER_EXT_MODEL_DIR"
_DEMUCS_ROOT_URL = "https://dl.fbaipublicfiles.com/demucs/"  # demucs.pretrained.ROOT_URL
# demucs_unittest is randomly initialised by demucs; we seed it so that two
# processes build the same model (and a cached result stays valid).
_UNITTEST_SEED = 0


def choose_device(device: str | None = None) -> str:
    """Return ``device`` or, when ``None``, the best available: cuda > mps > cpu."""
    import torch

    if device is not None:
        return device
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def demucs_remote_dir() -> Path:
    """Folder of demucs's bundled model lists (``remote/``), found without importing demucs."""
    spec = importlib.util.find_spec("demucs")
    if spec is None or not spec.submodule_search_locations:
        raise SeparationError("demucs is not installed: `pip install demucs==4.1.0`")
    return Path(next(iter(spec.submodule_search_locations))) / "remote"


def _remote_files() -> dict[str, tuple[str, str]]:
    """``{signature: (file name, url)}`` from demucs's ``remote/files.txt``."""
    root = ""
    files: dict[str, tuple[str, str]] = {}
    for line in (demucs_remote_dir() / "files.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("root:"):
            root = line.split(":", 1)[1].strip()
            continue
        files[line.split("-", 1)[0]] = (line, _DEMUCS_ROOT_URL + root + line)
    return files


def _read_bag(name: str, model_repo: Path | None) -> dict[str, Any]:
    """Read the bag description of ``name``: the local folder's yaml, else demucs's own."""
    import yaml

    candidates = []
    if model_repo is not None:
        candidates.append(Path(model_repo) / f"{name}.yaml")
    candidates.append(demucs_remote_dir() / f"{name}.yaml")
    for path in candidates:
        if path.is_file():
            with open(path) as file:
                bag = yaml.safe_load(file)
            if not isinstance(bag, dict) or "models" not in bag:
                raise SeparationError(f"{path}: not a demucs bag description (no 'models' list)")
            return bag
    raise ModelNotFoundError(
        f"unknown separation model {name!r}: use one of {', '.join(MODEL_NAMES)}, "
        f"or put {name}.yaml and its .th files in the model folder"
    )


def required_model_files(name: str, model_repo: Path | None = None) -> list[str]:
    """File names (``<sig>-<checksum>.th``) model ``name`` needs in a local folder."""
    if name == "demucs_unittest":
        return []
    remote = _remote_files()
    return [remote[sig][0] if sig in remote else f"{sig}.th" for sig in _read_bag(name, model_repo)["models"]]


def model_signature(name: str, model_repo: Path | None = None) -> str:
    """Return a string identifying the exact weights of ``name`` (used in cache keys).

    Built from the bag's model files (their names carry a checksum), so it is
    computed without loading torch or the weights.
    """
    if name == "demucs_unittest":
        return f"demucs_unittest-seed{_UNITTEST_SEED}"
    bag = _read_bag(name, model_repo)
    files = required_model_files(name, model_repo)
    return f"{name}:{','.join(files)}:w={bag.get('weights')}:seg={bag.get('segment')}"


def _find_local_file(folder: Path, sig: str) -> Path | None:
    for path in sorted(folder.glob(f"{sig}*.th")):
        if path.stem == sig or path.stem.rsplit("-", 1)[0] == sig:
            return path
    return None


def _load_local(name: str, folder: Path) -> Any:
    """Load ``name`` from ``folder``; raise ModelNotFoundError naming missing files."""
    from demucs.apply import BagOfModels
    from demucs.repo import ModelLoadingError, check_checksum
    from demucs.states import load_model

    if not folder.is_dir():
        raise ModelNotFoundError(f"local folder {folder} does not exist or is not a folder")
    bag = _read_bag(name, folder)
    remote = _remote_files()
    paths, missing = [], []
    for sig in bag["models"]:
        path = _find_local_file(folder, sig)
        if path is None:
            missing.append(remote[sig][0] if sig in remote else f"{sig}.th")
        paths.append(path)
    if missing:
        raise ModelNotFoundError(f"local folder {folder}: missing {', '.join(missing)}")
    models = []
    for path in paths:
        assert path is not None
        try:
            if "-" in path.stem:
                check_checksum(path, path.stem.rsplit("-", 1)[1])
            models.append(load_model(path))
        except (ModelLoadingError, OSError, RuntimeError, KeyError, ValueError) as exc:
            raise ModelNotFoundError(
                f"local folder {folder}: {path.name} is damaged ({exc}); download it again"
            ) from exc
    return BagOfModels(models, bag.get("weights"), bag.get("segment"))


_HUB_HOSTS = ("huggingface.co", "dl.fbaipublicfiles.com")


def _hub_reachable(*, timeout_sec: float = 3.0) -> bool:
    """Whether the hub's host names resolve (checked in a thread, to bound the wait).

    huggingface_hub retries an unreachable host for ~25 s; probing first keeps
    an offline machine's error immediate.
    """
    import socket
    import threading

    result: list[bool] = []

    def probe() -> None:
        try:
            socket.getaddrinfo(_HUB_HOSTS[0], 443)
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout_sec)
    return bool(result and result[0])


def _load_legacy_cached(name: str) -> Any:
    """Load from demucs's own download server through torch.hub, which reuses its local cache."""
    from demucs.pretrained import REMOTE_ROOT, _parse_remote_files
    from demucs.repo import AnyModelRepo, BagOnlyRepo, RemoteRepo

    model_repo = RemoteRepo(_parse_remote_files(REMOTE_ROOT / "files.txt"))
    return AnyModelRepo(model_repo, BagOnlyRepo(REMOTE_ROOT, model_repo)).get_model(name)


def _load_hub(name: str) -> Any:
    from demucs.pretrained import get_model

    try:
        if not _hub_reachable():
            # Offline: only the torch.hub download cache can still answer.
            try:
                return _load_legacy_cached(name)
            except Exception as exc:  # noqa: BLE001
                raise ModelNotFoundError(
                    f"hub: {', '.join(_HUB_HOSTS)} unreachable and no cached download ({exc})"
                ) from exc
        return get_model(name)
    except ModelNotFoundError:
        raise
    except SystemExit as exc:  # demucs.utils.fatal: never let demucs close the host
        raise ModelNotFoundError(f"hub: demucs gave up (exit {exc.code})") from None
    except Exception as exc:  # noqa: BLE001 - network, hub and checksum errors alike
        raise ModelNotFoundError(f"hub: {type(exc).__name__}: {exc}") from exc


def _unittest_model() -> Any:
    import torch
    from demucs.pretrained import demucs_unittest

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_UNITTEST_SEED)
        return demucs_unittest()


def load_separation_model(name: str = DEFAULT_MODEL, *, model_repo: Path | None = None, use_hub: bool = True) -> Any:
    """Load a demucs model (or bag of models) by name, in eval mode, on the CPU.

    Parameters
    ----------
    name : str
        ``"htdemucs"`` (default), ``"htdemucs_ft"``, ``"htdemucs_6s"``,
        ``"demucs_unittest"`` (weight-free, seeded), or a bag described by a
        ``<name>.yaml`` in ``model_repo``.
    model_repo : Path or None
        Local folder tried first; ``None`` uses ``$REAPER_EXT_MODEL_DIR`` if set.
    use_hub : bool
        Try the download hub when the local folder fails.

    Raises
    ------
    ModelNotFoundError
        Every strategy failed; the message lists each failure, the missing
        file names and where to put them.
    """
    if name == "demucs_unittest":
        return _unittest_model().eval()
    if model_repo is None and os.environ.get(MODEL_DIR_ENV):
        model_repo = Path(os.environ[MODEL_DIR_ENV])
    failures: list[str] = []
    if model_repo is not None:
        try:
            return _load_local(name, Path(model_repo)).eval()
        except ModelNotFoundError as exc:
            failures.append(str(exc))
    else:
        failures.append(f"local folder: none given (model_repo argument or ${MODEL_DIR_ENV})")
    if use_hub:
        try:
            return _load_hub(name).eval()
        except ModelNotFoundError as exc:
            failures.append(str(exc))
    else:
        failures.append("hub: not tried (use_hub=False)")
    files = required_model_files(name, model_repo)  # raises for an unknown name
    remote = _remote_files()
    urls = [remote[f.split("-", 1)[0]][1] for f in files if f.split("-", 1)[0] in remote]
    where = str(model_repo) if model_repo is not None else f"a folder named by ${MODEL_DIR_ENV} (or model_repo=)"
    raise ModelNotFoundError(
        f"separation model {name!r} could not be loaded:\n  - "
        + "\n  - ".join(failures)
        + f"\nIt needs {', '.join(files)}. To work offline, download "
        + (" and ".join(urls) if urls else "them")
        + f" into {where}."
    )


def random_htdemucs(*, sources: tuple[str, ...] = _FOUR, seed: int = 0, **kwargs: Any) -> Any:
    """Build a randomly initialised :class:`demucs.htdemucs.HTDemucs` with htdemucs's size.

    For benchmarks only: speed and memory don't depend on the weights. The
    architecture arguments are those of the published ``htdemucs`` (demucs
    ``conf/variant/htdemucs.yaml``-like defaults: 48 channels, 4 layers,
    segment 7.8 s); ``kwargs`` override them.
    """
    from fractions import Fraction

    import torch
    from demucs.htdemucs import HTDemucs

    params: dict[str, Any] = dict(
        sources=list(sources),
        audio_channels=2,
        samplerate=44100,
        segment=Fraction(39, 5),
        channels=48,
        depth=4,
        nfft=4096,
        t_layers=5,
        t_heads=8,
        bottom_channels=512,
        cac=True,
        dconv_mode=3,
    )
    params.update(kwargs)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return HTDemucs(**params).eval()


def _first_model(model: Any) -> Any:
    return model.models[0] if hasattr(model, "models") else model


def model_sources(model: Any) -> tuple[str, ...]:
    """Source (stem) names of a loaded model, in its output order."""
    return tuple(model.sources)


def model_sample_rate_hz(model: Any) -> int:
    """Return the sample rate the model works at (44100 for every published demucs)."""
    return int(model.samplerate)


def max_segment_sec(model: Any) -> float:
    """Largest segment the model accepts (HTDemucs can't go past its training length)."""
    from demucs.htdemucs import HTDemucs

    members = model.models if hasattr(model, "models") else [model]
    limits = [float(m.segment) for m in members if isinstance(m, HTDemucs)]
    return min(limits) if limits else float("inf")
