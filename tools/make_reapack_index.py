#!/usr/bin/env python3
"""Generate ReaPack's ``index.xml`` from the headers of ``actions/*.py``.

ReaPack index format v1 (the schema reapack-index writes and ReaPack reads)::

    <index version="1" name="reaper-ext">          name: shown in ReaPack, file-name friendly
      <category name="reaper-ext">
        <reapack name="<file>.py" type="script" desc="<@description>">
          <metadata><description><![CDATA[<@about as RTF>]]></description></metadata>
          <version name="<@version>" author="<@author>">
            <source main="main">BASE_URL/actions/<file>.py</source>
            <source file="..." [main="main"]>...</source>      one per @provides line
          </version>
        </reapack>
      </category>
    </index>

Output is deterministic (no timestamps; packages sorted by file name), so the
committed ``index.xml`` changes only when a header does.

Usage: ``python tools/make_reapack_index.py [--base-url URL] [--output index.xml]``.
ReaPack installs only the action scripts; the engine itself comes from
``install.py`` (see docs/install.md).
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["DEFAULT_BASE_URL", "about_to_rtf", "parse_provides", "build_index", "get_parser", "main"]

DEFAULT_BASE_URL = "https://raw.githubusercontent.com/reaper-ext/reaper-ext/main/"
DEFAULT_NAME = "reaper-ext"
DEFAULT_VERSION = "0.1.0"


def _import_scripts_module():
    # Same trick as install.py: reaper_ext.install is stdlib-only, reaper_ext/__init__ may not be.
    if "reaper_ext" not in sys.modules:
        package = types.ModuleType("reaper_ext")
        package.__path__ = [str(ROOT / "reaper_ext")]
        sys.modules["reaper_ext"] = package
    from reaper_ext.install import scripts

    return scripts


def about_to_rtf(text: str) -> str:
    """Plain text/markdown to a minimal RTF document (what ReaPack's About shows).

    Paragraphs are separated by blank lines; ``\\``, ``{``, ``}`` are escaped and
    non-ASCII characters written as ``\\uN?`` (RTF 1.5 Unicode escapes).
    """
    def esc(s: str) -> str:
        out = []
        for ch in s:
            if ch in "\\{}":
                out.append("\\" + ch)
            elif ord(ch) > 127:
                code = ord(ch)
                if code > 0xFFFF:  # RTF \u takes signed 16-bit: write a surrogate pair
                    code -= 0x10000
                    for unit in (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)):
                        out.append(f"\\u{unit - 0x10000}?")
                else:
                    out.append(f"\\u{code if code < 0x8000 else code - 0x10000}?")
            else:
                out.append(ch)
        return "".join(out)

    paragraphs = [" ".join(line.strip() for line in block.splitlines())
                  for block in text.strip().split("\n\n") if block.strip()]
    body = "\n".join(f"\\pard {esc(p)}\\par" for p in paragraphs)
    return "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0\\fswiss Helvetica;}}\\f0\\fs20\n" + body + "\n}"


def parse_provides(value: str) -> list[dict[str, str]]:
    """``@provides`` lines -> ``[{"file": path, "main": "main"|""}]``.

    Each line is ``[options] path`` (options e.g. ``main``, ``nomain``);
    ``path > target`` renames are kept as the target file name.
    """
    out = []
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        options = ""
        if line.startswith("["):
            end = line.find("]")
            options, line = line[1:end], line[end + 1:].strip()
        source, _, target = line.partition(">")
        out.append({
            "source": source.strip(),
            "file": (target or source).strip(),
            "main": "main" if "main" in options.split() and "nomain" not in options.split() else "",
        })
    return out


def build_index(
    actions_dir: Path,
    *,
    base_url: str = DEFAULT_BASE_URL,
    name: str = DEFAULT_NAME,
    category: str = DEFAULT_NAME,
    default_version: str = DEFAULT_VERSION,
    repo_root: Path | None = None,
) -> str:
    """The text of ``index.xml`` for every action script in ``actions_dir``."""
    scripts_module = _import_scripts_module()
    scripts = scripts_module.discover_action_scripts(actions_dir)
    repo_root = Path(actions_dir).resolve().parent if repo_root is None else Path(repo_root)
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    folder = Path(actions_dir).resolve().relative_to(repo_root.resolve()).as_posix()

    def url(file_name: str) -> str:
        return base_url + quote(f"{folder}/{file_name}")

    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f"<index version=\"1\" name={quoteattr(name)}>",
             f"  <category name={quoteattr(category)}>"]
    for script in scripts:
        header = script.header
        desc = header.get("description") or script.title
        version = header.get("version") or default_version
        lines.append(f"    <reapack name={quoteattr(script.file_name)} type=\"script\" desc={quoteattr(desc)}>")
        if header.get("about"):
            rtf = about_to_rtf(header["about"]).replace("]]>", "]]]]><![CDATA[>")
            lines.append(f"      <metadata>\n        <description><![CDATA[{rtf}]]></description>\n      </metadata>")
        author = header.get("author")
        author_attr = f" author={quoteattr(author)}" if author else ""
        lines.append(f"      <version name={quoteattr(version)}{author_attr}>")
        lines.append(f"        <source main=\"main\">{escape(url(script.file_name))}</source>")
        for provided in parse_provides(header.get("provides", "")):
            if provided["source"] in (".", script.file_name):
                continue  # the script itself, already listed
            main_attr = ' main="main"' if provided["main"] else ""
            lines.append(f"        <source file={quoteattr(provided['file'])}{main_attr}>"
                         f"{escape(url(provided['source']))}</source>")
        lines.append("      </version>")
        lines.append("    </reapack>")
    lines += ["  </category>", "</index>", ""]
    return "\n".join(lines)


def get_parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    parser = argparse.ArgumentParser(description="Write ReaPack's index.xml from the actions' headers.")
    parser.add_argument("--actions-dir", type=Path, default=ROOT / "actions")
    parser.add_argument("--output", type=Path, default=ROOT / "index.xml")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL,
                        help="URL of the repository's raw files (default: %(default)s)")
    parser.add_argument("--name", default=DEFAULT_NAME, help="repository name shown in ReaPack")
    parser.add_argument("--category", default=DEFAULT_NAME)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Write the index; return the exit code."""
    args = get_parser().parse_args(argv)
    errors_module = _import_scripts_module()
    try:
        text = build_index(args.actions_dir, base_url=args.base_url, name=args.name, category=args.category,
                           repo_root=ROOT if args.actions_dir.resolve().is_relative_to(ROOT) else None)
    except (errors_module.InstallError, OSError, ValueError) as exc:
        print(f"make_reapack_index: error: {exc}", file=sys.stderr)
        return 1
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output} ({text.count('<reapack ')} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
