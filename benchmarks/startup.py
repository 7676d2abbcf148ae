"""Start-up cost of one-case commands against the import floor.

The floor is what any typer + rich + yaml CLI pays before doing anything:
`python -c "import typer, rich.console, rich.table, yaml"`. Each command is
timed as a fresh process, alternating with the floor so that machine noise
hits both alike, and the median of the runs is reported as a ratio.

    python benchmarks/startup.py            # 21 alternating runs (the README's figures)
    python benchmarks/startup.py --runs 31 timeline show metrics
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

FLOOR = [sys.executable, "-c", "import typer, rich.console, rich.table, yaml"]
COMMANDS = {
    "timeline": ["timeline"],
    "show": ["show"],
    "principles": ["principles"],
    "risks": ["risks"],
    "metrics": ["metrics"],
}
GOAL = 1.3  # one-case queries: at most 1.3x the floor


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commands", nargs="*", default=list(COMMANDS), help="commands to time")
    parser.add_argument("--runs", type=int, default=21, help="alternating runs (default 21)")
    args = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    # pip compiles an installed package's bytecode; a source checkout gets it on
    # the first run unless this is set, and then every run would pay to compile.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cli = [sys.executable, "-m", "casekit"]
    for _ in range(2):  # warm the OS file cache and casekit's own cache
        run(FLOOR, env)
        for name in args.commands:
            run(cli + COMMANDS.get(name, [name]), env)
    floor: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in args.commands}
    for _ in range(args.runs):
        floor.append(run(FLOOR, env))
        for name in args.commands:
            times[name].append(run(cli + COMMANDS.get(name, [name]), env))
    base = statistics.median(floor)
    print(f"{'floor (import typer, rich, yaml)':34} {base * 1000:7.1f} ms")
    for name, samples in times.items():
        t = statistics.median(samples)
        ratio = t / base
        mark = "ok" if ratio <= GOAL else f"over the {GOAL}x goal"
        print(f"casekit {name:26} {t * 1000:7.1f} ms  {ratio:4.2f}x floor  ({mark})")


if __name__ == "__main__":
    main()
