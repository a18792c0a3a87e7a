"""The command line's heavy dependencies stay out of ``import labelnoise``."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("click", "rich", "matplotlib", "jinja2", "PIL", "selenium")


def test_import_labelnoise_stays_light():
    code = (
        "import sys, labelnoise, labelnoise.demo; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_find_does_not_import_the_report_stack():
    code = (
        "import sys, labelnoise.cli; "
        "print(sorted(m for m in ('matplotlib', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
