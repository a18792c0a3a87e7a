"""The package's import rules (docs/architecture.md), read from the source with ``ast``.

* A subpackage reaches into another one only through names that the source module
  declares in its ``__all__``, and never through an underscore name: what crosses a
  subpackage boundary is a declared interface, so a private helper can change freely.
* Every module that others import from declares ``__all__``.
* Layering is one-way: a package imports only packages in its own row of
  docs/architecture.md's table or above it (one lazy exception, listed below).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "labelnoise"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _subpackage(module: str) -> str:
    """``labelnoise.detect._find`` -> ``detect``; top-level modules are their own unit."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _declared(module: str) -> set[str] | None:
    """The module's ``__all__`` (None when it declares none)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return set(ast.literal_eval(node.value))  # type: ignore[union-attr]
    return None


def _cross_imports() -> list[tuple[str, str, str]]:
    """``(importer, source module, name)`` of every import across subpackages."""
    found = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
                continue
            if not node.module.startswith("labelnoise") or node.module not in MODULES:
                continue
            if _subpackage(node.module) == _subpackage(module):
                continue
            found.extend((module, node.module, alias.name) for alias in node.names)
    return found


CROSS = _cross_imports()


def test_the_rules_see_imports():
    """The walker finds cross-subpackage imports at all (so the checks below can fail)."""
    assert any(source == "labelnoise._validation" for _, source, _ in CROSS)
    assert len(CROSS) > 50


def test_no_underscore_name_crosses_a_subpackage():
    bad = [
        f"{importer} imports {source}.{name}"
        for importer, source, name in CROSS
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    ]
    assert bad == []


def test_imports_across_subpackages_are_declared():
    bad = []
    for importer, source, name in CROSS:
        if name.startswith("__") and name.endswith("__"):
            continue
        declared = _declared(source)
        if declared is None or name not in declared:
            bad.append(f"{importer} imports {source}.{name}, not in its __all__")
    assert bad == []


@pytest.mark.parametrize("module", ["labelnoise._pass", "labelnoise._random"])
def test_shared_core_is_top_level(module):
    """The confident pass and the random-state helper are package-level core modules."""
    assert module in MODULES
    assert _declared(module)


def _layers() -> dict[str, int]:
    """Each package's row in docs/architecture.md's table: the layering the doc promises."""
    doc = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line.split("|") for line in doc.splitlines() if line.startswith("| ")]
    packages = [re.findall(r"`([\w.]+)`", cells[2]) for cells in rows[1:] if len(cells) > 3]
    return {name: rank for rank, names in enumerate(packages) for name in names}


#: Imports that run only when needed and go down the layers: validation reads a Dask
#: array through ``distributed``'s row reader.
LAZY_EXCEPTIONS = {("labelnoise._validation._pred_probs", "labelnoise.distributed._rows")}


def test_layering_is_one_way():
    layers = _layers()
    units = {_subpackage(m) or m.split(".")[-1] for m in MODULES} - {"labelnoise", "__main__"}
    assert units <= set(layers), (
        f"packages missing from docs/architecture.md: {units - set(layers)}"
    )
    upward = []
    for module, path in MODULES.items():
        unit = _subpackage(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                target = _subpackage(node.module) if node.module.startswith("labelnoise.") else ""
                if unit in layers and target in layers and layers[target] > layers[unit]:
                    if (module, node.module) not in LAZY_EXCEPTIONS:
                        upward.append(f"{module} imports {node.module}")
    assert upward == []
