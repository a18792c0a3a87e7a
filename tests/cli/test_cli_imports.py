"""Heavy and optional dependencies stay out of ``import labelnoise`` and its subpackages."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("click", "rich", "matplotlib", "jinja2", "PIL", "selenium")
#: Imported only when a function that needs them runs.
OPTIONAL = (
    "torch",
    "dask",
    "faiss",
    "sentence_transformers",
    "transformers",
    "efficientnet_lite_pytorch",
    "rdata",
    "matplotlib",
    "jinja2",
    "PIL",
    "click",
)
SUBPACKAGES = (
    "annotators",
    "datasets",
    "features",
    "health",
    "multilabel",
    "simulate",
    "detect",
    "noise",
    "scores",
    "learn",
)


def _loaded(imports: str, names: tuple[str, ...]) -> str:
    code = f"import sys, {imports}; print(sorted(m for m in {names!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_import_labelnoise_stays_light():
    assert _loaded("labelnoise, labelnoise.demo", HEAVY + OPTIONAL) == "[]"


def test_subpackages_import_no_optional_dependency():
    """rich may come in with scikit-learn; the optional stacks may not."""
    imports = ", ".join(f"labelnoise.{name}" for name in SUBPACKAGES)
    assert _loaded(imports, OPTIONAL) == "[]"


def test_find_does_not_import_the_report_stack():
    assert _loaded("labelnoise.cli", ("matplotlib", "jinja2")) == "[]"
