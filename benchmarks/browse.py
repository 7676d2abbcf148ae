"""`casekit browse`: the time from pressing Enter to the first screen drawn.

Runs, as fresh processes, what `casekit browse` runs (open the cases, build
the app, draw its first screen) headless, and exits once the first screen is
drawn; the wall time of the whole process is the figure, median of N runs:

    bundled   casekit browse on the bundled case (goal: within 1 s)
    library   casekit browse --all over N generated cases, from a warm cache
              (the cases `benchmarks/library.py` generates; goal: within 2 s)

    python benchmarks/browse.py                  # 1,000 cases, 5 runs
    python benchmarks/browse.py --cases 200 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from library import generate

ROOT = Path(__file__).resolve().parent.parent
GOAL_BUNDLED = 1.0  # seconds
GOAL_LIBRARY = 2.0  # seconds, 1,000 cases, warm cache

# What `casekit browse` does, with the app drawn headless and closed once its first screen is up.
FIRST_SCREEN = """
import sys
from casekit.cli.app import State
from casekit.cli.browse import open_browsed
from casekit.browse.app import BrowseApp

st = State(cases_dirs=[sys.argv[1]] if len(sys.argv) > 1 else [])
browsed = open_browsed(st, None, len(sys.argv) > 1, None)

async def first_screen(pilot):
    await pilot.pause()
    pilot.app.exit(len(pilot.app.main.rows))

rows = BrowseApp(browsed).run(headless=True, size=(200, 50), auto_pilot=first_screen)
sys.stderr.write(f"{rows} rows\\n")
"""


def timed(args: list[str], env: dict[str, str]) -> float:
    """Seconds one fresh process takes to draw the first screen."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", FIRST_SCREEN, *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"browse failed:\n{done.stderr}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="cases in the generated library (default 1,000)")
    parser.add_argument("--events", type=int, default=100, help="events per case (default 100)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measure; the median is reported")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        env.pop("CASEKIT_PATH", None)
        cases = Path(tmp) / "cases"
        cases.mkdir()
        generate(cases, options.cases, options.events)
        subprocess.run(
            [sys.executable, "-m", "casekit", "--cases-dir", str(cases), "cases"], env=env, capture_output=True
        )
        timed([], env)  # the bundled case into the cache too
        bundled = statistics.median(timed([], env) for _ in range(options.runs))
        library = statistics.median(timed([str(cases)], env) for _ in range(options.runs))
    print(f"first screen, bundled case:           {bundled:.2f} s  (goal ≤ {GOAL_BUNDLED:.0f} s)")
    print(
        f"first screen, --all over {options.cases:,} cases: {library:.2f} s  (goal ≤ {GOAL_LIBRARY:.0f} s, warm cache)"
    )


if __name__ == "__main__":
    main()
