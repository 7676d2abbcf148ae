"""Start-up cost of one-case commands against the import floor.

The floor is what any typer + rich + yaml CLI pays before doing anything:
`python -c "import typer, rich.console, rich.table, yaml"`. Each command is
timed as a fresh process, alternating with the floor so that machine noise
hits both alike, and the median of the runs is reported as a ratio: of wall
time, and of CPU time (user + system of the process), which a busy machine
disturbs far less.

    python benchmarks/startup.py            # 21 alternating runs (the README's figures)
    python benchmarks/startup.py --runs 31 timeline show metrics
    python benchmarks/startup.py help "timeline --help" "uncached timeline"

Each figure is printed beside its goal: one-case queries and help at most 1.3x
the floor's CPU time, the uncached timeline at most 1.4x, and help no slower
than `casekit timeline`.
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
    "metric": ["metric", "valuation"],
    "help": ["--help"],
    "timeline --help": ["timeline", "--help"],
    "metric --help": ["metric", "--help"],
    "uncached timeline": ["timeline"],  # with CASEKIT_NO_CACHE=1: the case parsed and checked
}
UNCACHED = {"uncached timeline"}
GOAL = 1.3  # one-case queries and help: at most 1.3x the floor
GOAL_UNCACHED = 1.4  # the same without the cache


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv`."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped here; keep Popen from waiting again
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


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

    def env_of(name: str) -> dict[str, str]:
        return {**env, "CASEKIT_NO_CACHE": "1"} if name in UNCACHED else env

    for _ in range(2):  # warm the OS file cache and casekit's own cache
        run(FLOOR, env)
        for name in args.commands:
            run(cli + COMMANDS.get(name, name.split()), env_of(name))
    floor: list[tuple[float, float]] = []
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in args.commands}
    for _ in range(args.runs):
        floor.append(run(FLOOR, env))
        for name in args.commands:
            times[name].append(run(cli + COMMANDS.get(name, name.split()), env_of(name)))
    report(floor, times)


def goal_of(name: str) -> float:
    """The most a command may take, as a multiple of the floor."""
    return GOAL_UNCACHED if name in UNCACHED else GOAL


def report(floor: list[tuple[float, float]], times: dict[str, list[tuple[float, float]]]) -> None:
    """Each command's medians beside the floor's and beside its goal; CPU time is the figure to
    judge by on a busy machine, so a goal is met or missed by it, and wall time is shown too."""
    wall = statistics.median(w for w, _ in floor)
    cpu = statistics.median(c for _, c in floor)
    print(f"{'':34} {'wall':>17}  {'cpu':>17}  goal (cpu / floor)")
    print(f"{'floor (import typer, rich, yaml)':34} {wall * 1000:8.1f} ms{'':7}  {cpu * 1000:8.1f} ms")
    ratios: dict[str, float] = {}
    for name, samples in times.items():
        w = statistics.median(s for s, _ in samples)
        c = statistics.median(s for _, s in samples)
        ratios[name] = c / cpu
        goal = goal_of(name)
        verdict = "met" if c / cpu <= goal else "MISSED"
        print(
            f"casekit {name:26} {w * 1000:8.1f} ms {w / wall:4.2f}x  {c * 1000:8.1f} ms {c / cpu:4.2f}x  "
            f"<= {goal}x: {verdict}"
        )
    # Help is to be as fast as the plainest query.
    if "timeline" in ratios:
        for name in ratios:
            if name == "help" or name.endswith("--help"):
                relative = ratios[name] / ratios["timeline"]
                verdict = "met" if relative <= 1 else "MISSED"
                print(f"casekit {name:26} {relative:4.2f}x the CPU of `casekit timeline` (goal <= 1x: {verdict})")


if __name__ == "__main__":
    main()
