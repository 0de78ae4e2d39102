"""Build the optional C accelerator of the audit verifier (workflows/_fastverify.c) next to its source.

Called by `make install`. Needs a C compiler and Python's headers; when either is missing it says so and
exits 0: the verifier then runs in pure Python (same checks, slower)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "workflows" / "_fastverify.c"
TARGET = ROOT / "workflows" / f"_fastverify{sysconfig.get_config_var('EXT_SUFFIX')}"


def main() -> int:
    if TARGET.exists() and TARGET.stat().st_mtime >= SOURCE.stat().st_mtime:
        return 0
    compiler = shutil.which("cc") or shutil.which("gcc")
    include = sysconfig.get_paths()["include"]
    if compiler is None or not (Path(include) / "Python.h").exists():
        print("note: no C compiler or Python headers; the audit verifier runs in pure Python")
        return 0
    command = [
        compiler, "-O2", "-shared", "-fPIC", "-Wall", f"-I{include}",
        str(SOURCE), "-o", str(TARGET), "-ldl",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print("note: the audit verifier's accelerator did not build; it runs in pure Python")
        print(result.stderr, file=sys.stderr)
        TARGET.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
