"""How long the write commands take on the bundled case: add, rename and fmt, each run whole
(a fresh process, as a user runs it) on a copy of the case.

    python benchmarks/write.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "scale_ai.yaml"
COMMANDS = {
    "add": ["add", "timeline", "date=2024-05", "title=A benchmark event", "sources=case_study", "-q"],
    "rename": ["rename", "people/wang", "alexandr_wang", "-q"],
    "fmt": ["fmt"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    runs = parser.parse_args().runs
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    for name, args in COMMANDS.items():
        times = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "scale_ai.yaml"
                shutil.copy(CASE, copy)
                extra = [str(copy)] if name == "fmt" else ["-c", str(copy)]
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "casekit", *args, *extra], env=env, check=True, capture_output=True
                )
                times.append(time.perf_counter() - start)
        print(f"{name:8} median {statistics.median(times):.3f} s   max {max(times):.3f} s   ({runs} runs)")


if __name__ == "__main__":
    main()
