"""The planning core stays pure: standard library, :mod:`seqfit.errors` and the shared checks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "seqfit"
PURE = [*sorted(p.relative_to(SRC) for p in (SRC / "plan").glob("*.py")), Path("_checks.py"),
        Path("errors.py")]
ALLOWED = {"errors", "_checks", "windows", "batches"}  # relative imports a pure module may make


@pytest.mark.parametrize("module", [str(p) for p in PURE])
def test_planning_core_imports_only_the_standard_library_and_seqfit_errors(module):
    tree = ast.parse((SRC / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in sys.stdlib_module_names, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                assert (node.module or "").split(".")[-1] in ALLOWED, node.module
            else:
                assert (node.module or "").split(".")[0] in sys.stdlib_module_names, node.module


def test_importing_the_planner_loads_no_third_party_package():
    code = ("import sys; import seqfit.plan; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'numpy', 'torch', 'transformers', 'tokenizers', 'typer', 'rich'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
