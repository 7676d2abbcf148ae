"""Time `casekit log` over a long history: COMMITS commits of the bundled 86 KB Scale AI case.

    python benchmarks/log.py [--commits 200] [--runs 3]

Builds a repository in a temporary directory whose every commit edits the
case as people do (a reworded title, a new event now and then, a metric
observation), then times `casekit log` as a user runs it, start-up
included: cold (an empty cache, so every version is parsed) and warm (the
versions read back from the cache of parsed blobs), then `log -p` and
`log --item` warm. Each figure is the median of --runs runs (cold: a fresh
cache each time). The goals: under 5 s cold, under 1 s warm.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "scale_ai.yaml"


def git(repo: Path, *args: str, env: dict | None = None) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def build(repo: Path, commits: int) -> None:
    """A repository with `commits` commits of cases/scale_ai.yaml, one edit each."""
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Bench Mark")
    git(repo, "config", "user.email", "bench@example.com")
    (repo / "cases").mkdir()
    text = CASE.read_text()
    target = repo / "cases" / "scale_ai.yaml"
    for n in range(commits):
        if n:
            text = edit(text, n)
        target.write_text(text)
        env = {**os.environ, "GIT_AUTHOR_DATE": f"@{1735689600 + n * 3600} +0000"}
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
        git(repo, "add", "-A", env=env)
        git(repo, "commit", "-qm", f"Edit {n}" if n else "Add the Scale AI case", env=env)


# An item's title written plain (not quoted, no comment after it): a reword keeps the file valid.
_PLAIN_TITLE = re.compile(r"^    title: [^'\"\n#][^\n#]*$", re.MULTILINE)


def edit(text: str, n: int) -> str:
    """One realistic edit: reword the title of the (n mod count)-th plainly written title."""
    titles = list(_PLAIN_TITLE.finditer(text))
    end = titles[n % len(titles)].end()
    return text[:end] + f" (rev {n})" + text[end:]


def timed(args: list[str], cwd: Path, cache: Path) -> tuple[float, float]:
    """Wall time and CPU time (casekit's and its workers') of one run: on a busy machine the CPU
    figure is the one to trust."""
    import resource

    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "casekit", *args], cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or b"not a valid case" in done.stdout:
        raise SystemExit(f"casekit {' '.join(args)} failed: {done.stderr.decode()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=200, help="commits in the history (default 200)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is shown (default 3)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casekit-log-bench-"))
    try:
        repo = work / "repo"
        start = time.perf_counter()
        build(repo, options.commits)
        print(f"built {options.commits} commits of a {CASE.stat().st_size // 1024} KB case in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        log = ["log", "cases/scale_ai.yaml"]
        cold = []
        for run in range(options.runs):
            cache = work / f"cold-{run}"
            cold.append(timed(log, repo, cache))
        warm_cache = work / "cold-0"
        figures = {
            "log, cold": cold,
            "log, warm": [timed(log, repo, warm_cache) for _ in range(options.runs)],
            "log -p, warm": [timed([*log, "-p"], repo, warm_cache) for _ in range(options.runs)],
            "log --item, warm": [
                timed([*log, "--item", "timeline/founding"], repo, warm_cache) for _ in range(options.runs)
            ],
        }
        print(f"{'':18} {'wall':>8} {'CPU':>8}   (each run's wall/CPU)")
        for name, runs in figures.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            each = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in runs)
            print(f"{name:18} {wall:6.2f} s {cpu:6.2f} s   ({each})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
