"""The layering contract (pyproject's [tool.importlinter]) covers every module.

import-linter proves that the listed domain and storage modules keep to their
layer; this test proves nothing slips past it by being listed nowhere: a new
module must be put in a layer before the suite passes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import rr_tui

ROOT = Path(rr_tui.__file__).parent
PYPROJECT = ROOT.parent / "pyproject.toml"

# The interface layer: may import anything. Everything else is domain or storage.
INTERFACE = {
    "rr_tui.key_order",
    "rr_tui",
    "rr_tui.__main__",
    "rr_tui.app",
    "rr_tui.demo",
    "rr_tui.messages",
}
INTERFACE_PACKAGES = ("rr_tui.cli", "rr_tui.screens", "rr_tui.widgets")


def _listed(contract_id: str) -> list[str]:
    """The modules a contract of pyproject.toml names as its sources."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["id"] == contract_id:
            return [str(name) for name in contract["source_modules"]]
    raise AssertionError(f"no contract {contract_id!r} in pyproject.toml")


def _modules() -> set[str]:
    names = set()
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.add(".".join(parts))
    return names


def _covered(name: str, listed: list[str]) -> bool:
    return any(name == top or name.startswith(top + ".") for top in listed)


def test_every_module_is_in_a_layer() -> None:
    domain, storage = _listed("domain"), _listed("storage")
    loose = sorted(
        name
        for name in _modules()
        if name not in INTERFACE
        and not name.startswith(INTERFACE_PACKAGES)
        and not _covered(name, domain)
        and not _covered(name, storage)
    )
    assert not loose, (
        f"put {', '.join(loose)} in a layer: the domain or storage contract in "
        "pyproject.toml, or INTERFACE in tests/test_layers.py"
    )


def test_no_module_is_in_two_layers() -> None:
    domain, storage = set(_listed("domain")), set(_listed("storage"))
    assert not (domain & storage)
    assert not (domain | storage) & INTERFACE


def test_import_linter_keeps_the_contracts() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--config", str(PYPROJECT)],
        capture_output=True,
        text=True,
        cwd=PYPROJECT.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_document_the_code_cites_exists() -> None:
    # Opening comments send the next maintainer to docs/: a dead pointer misleads.
    cited = {
        (path.relative_to(ROOT.parent), match)
        for path in ROOT.rglob("*.py")
        for match in re.findall(r"docs/[\w./-]+\.md", path.read_text(encoding="utf-8"))
    }
    missing = sorted(f"{where}: {doc}" for where, doc in cited if not (ROOT.parent / doc).exists())
    assert not missing, missing
