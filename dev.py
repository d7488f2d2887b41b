#!/usr/bin/env python3
"""Set up reaper-ext from nothing and run it: the README's two commands.

    python3 dev.py demo    # set up, then analyse the bundled example session
    python3 dev.py test    # set up, then run the test suite

Works on Linux, macOS and Windows with only a Python 3.11+ interpreter (the package's floor). It
creates ``.venv`` beside this file, installs torch first (a local CPU build
where one exists: letting pip choose torch pulls GBs of CUDA packages), then
the package with its test extras, and, on Debian/Ubuntu, the system packages
the tests render real instruments with (fluidsynth, sound fonts, espeak-ng).
Re-running skips what is already done (a stamp keyed by pyproject.toml).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
TORCH_SPEC = os.environ.get("REAPER_EXT_TORCH_SPEC", "torch==2.13.0")
# Debian packages: what tests and training render real instruments with.
APT_PACKAGES = ["fluidsynth", "fluid-soundfont-gm", "timgm6mb-soundfont", "espeak-ng",
                # realistic-session sample libraries (issue 11, reaper_ext_testkit.libraries)
                "fluid-soundfont-gs", "csound-soundfont", "avldrums.lv2-soundfont", "sonic-pi-samples"]
APT_CHECK_FILES = ["/usr/bin/fluidsynth", "/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
                   "/usr/share/sounds/sf2/FluidR3_GS.sf2", "/usr/share/sounds/sf2/sf_GMbank.sf2",
                   "/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2", "/usr/share/sonic-pi/samples/bd_haus.flac"]
EXAMPLE = ROOT / "examples" / "session" / "example.RPP"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(command: list[str], **kwargs) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def ensure_system_packages() -> None:
    """Install the Debian packages the tests need, when on Debian/Ubuntu and missing."""
    if all(Path(path).exists() for path in APT_CHECK_FILES) and shutil.which("espeak-ng"):
        return
    if sys.platform != "linux" or not shutil.which("apt-get"):
        print(
            "note: the tests render instruments with fluidsynth (+ FluidR3_GM / TimGM6mb sound fonts) "
            "and espeak-ng; install them with your package manager (macOS: brew install fluid-synth espeak-ng)",
            file=sys.stderr,
        )
        return
    prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else [])
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-qq", *APT_PACKAGES], env=env, stdout=subprocess.DEVNULL)


def ensure_venv() -> Path:
    python = venv_python()
    if not python.exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    stamp = VENV / ".reaper-ext-installed"
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (ROOT / "testkit" / "pyproject.toml").read_bytes() + TORCH_SPEC.encode()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    run([*pip, "--upgrade", "pip"])
    run([*pip, TORCH_SPEC])  # first, so nothing below lets pip choose torch
    run([*pip, "-e", f"{ROOT}[test]", "-e", str(ROOT / "testkit")])  # the test-data generators: not in the runtime wheel
    stamp.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "demo"
    if task not in ("demo", "test", "setup", "check"):
        print(__doc__)
        return 2
    if sys.version_info < (3, 11):
        print(f"dev.py: reaper-ext needs Python 3.11 or newer (this is {sys.version.split()[0]}): "
              "run it with python3.11 or later", file=sys.stderr)
        return 2
    ensure_system_packages()
    python = ensure_venv()
    if task == "demo":
        out = ROOT / "out"
        out.mkdir(exist_ok=True)
        run([str(python), "-m", "reaper_ext", "info", str(EXAMPLE)])
        run([str(python), "-m", "reaper_ext", "analyze", str(EXAMPLE),
             "--json", str(out / "example-analysis.json"), "--write", str(out / "example-suggested.RPP"),
             "--report", str(out / "example-report.html"), *argv[1:]])
        return 0
    if task == "check":  # the static checks CI runs: ruff (with pydocstyle) and mypy over the package
        lint = subprocess.run([str(python), "-m", "ruff", "check", "reaper_ext"], cwd=ROOT)
        types = subprocess.run([str(python), "-m", "mypy", "reaper_ext"], cwd=ROOT)
        return lint.returncode or types.returncode
    if task == "test":
        completed = subprocess.run([str(python), "-m", "pytest", "-q", *argv[1:]], cwd=ROOT)
        return completed.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
