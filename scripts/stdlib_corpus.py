"""Write a JSONL corpus of real text, generated at demo time from the docstrings of the Python
standard library (nothing written by others is committed).

Each function, class and module docstring is a document (short ones), and each module's
docstrings joined are one more (very long ones).

    python scripts/stdlib_corpus.py out/stdlib_docs.jsonl [--min-mb 0]
"""

from __future__ import annotations

import argparse
import ast
import json
import sysconfig
from pathlib import Path


def docstrings(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc and len(doc) > 20:
                out.append(doc)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output")
    parser.add_argument("--min-mb", type=float, default=0.0,
                        help="repeat the corpus until it is at least this large")
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    rows: list[dict[str, str]] = []
    for path in sorted(stdlib.rglob("*.py")):
        if "site-packages" in path.parts or "test" in path.parts or "tests" in path.parts:
            continue
        docs = docstrings(path)
        name = str(path.relative_to(stdlib))
        rows += [{"source": name, "text": d} for d in docs]
        if len(docs) > 3:
            rows.append({"source": name + " (all)", "text": "\n\n".join(docs)})
    target = Path(args.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("w", encoding="utf-8") as out:
        while True:
            for row in rows:
                line = json.dumps(row, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode())
            if written >= args.min_mb * 1e6:
                break
    print(f"wrote {target}: {len(rows):,} documents per pass, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
