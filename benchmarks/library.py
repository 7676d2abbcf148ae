"""Library-wide queries over many cases: casekit beside python-yq and ripgrep, each figure beside its goal.

Generates a library of N valid cases (default 1,000 cases of ~100 events,
about 30 KB each) in a temporary directory, then times, as fresh processes,
median of alternating runs:

    floor   python -c "import typer, rich.console, rich.table, yaml"
    cold    casekit timeline --all --category funding -f json, empty cache
    warm    the same, every case already in the cache
    index   casekit search "data labeling" -f json, empty cache: parses every
            case and builds the library index (SQLite FTS5) from nothing
    search  the same search, the index built
    yq      yq -c '.timeline[] | select(.category=="funding")' FILES
    rg      rg -c -i "data labeling" DIR (ripgrep finds the phrase; no ranking)

and the same casekit timeline runs over a tenth of the cases, to show how
the cost grows, and the peak memory (largest resident set of the process
tree's processes) of each command. Goals, printed beside each figure: warm
timeline at most 3x the import floor for 1,000 cases and 1 s for 10,000;
a warm search at most 2x the floor for 1,000 cases and 0.5 s for 10,000;
building the index at most half yq's time; peak memory under 500 MB. A tool
that is not installed (yq: `pip install yq`; ripgrep: `apt-get install
ripgrep`) is said to be missing, and the rest goes on.

    python benchmarks/library.py                     # 1,000 cases, 5 runs (the README's figures)
    python benchmarks/library.py --cases 10000 --runs 3
    python benchmarks/library.py --quick             # 200 cases, 1 run
    python benchmarks/library.py --cases 500 --events 50 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CASEKIT = [sys.executable, "-m", "casekit"]
QUERY = ["timeline", "--all", "--category", "funding", "-f", "json"]
YQ_FILTER = '.timeline[] | select(.category=="funding")'
SEARCH = ["search", "data labeling", "-f", "json"]  # ranked search: every text of every case is read

FLOOR = [sys.executable, "-c", "import typer, rich.console, rich.table, yaml"]
RG_WORDS = "data labeling"

GOAL_WARM_FLOOR = 3.0  # warm timeline / import floor, 1,000 cases
GOAL_WARM_10K = 1.0  # seconds, warm timeline, 10,000 cases
GOAL_SEARCH_FLOOR = 2.0  # warm search / import floor, 1,000 cases
GOAL_SEARCH_10K = 0.5  # seconds, warm search, 10,000 cases
GOAL_INDEX = 0.5  # building the index from nothing / yq's time
GOAL_GROWTH = 11.0  # time for N cases / time for N/10 cases
GOAL_MEMORY_MB = 500.0

# --- generating a library ---------------------------------------------------------------

_WORDS = [
    "Acme",
    "Borealis",
    "Cobalt",
    "Delta",
    "Ember",
    "Fathom",
    "Granite",
    "Harbor",
    "Ion",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Radiant",
    "Summit",
    "Tandem",
    "Umbra",
    "Vertex",
    "Willow",
    "Xenon",
    "Yonder",
    "Zephyr",
]
_SUFFIX = ("Robotics", "Labs", "Analytics", "Systems", "Health", "Logistics", "Energy", "Data")
_NOUNS = ("platform", "marketplace", "data engine", "API", "fleet", "model", "toolkit", "network", "exchange")
_VERBS = ("launches", "expands", "acquires", "signs", "opens", "ships", "wins", "loses", "rebuilds", "prices")
_INVESTORS = ("Accel", "Index Ventures", "Founders Fund", "Tiger Global", "Sequoia", "Lightspeed", "Greylock")
_CATEGORIES = ("funding", "product", "customer", "government", "market", "leadership", "people", "deal", "other")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FILLER = [
    "the",
    "move",
    "followed",
    "months",
    "of",
    "negotiation",
    "with",
    "early",
    "customers,",
    "who",
    "asked",
    "for",
    "tighter",
    "integration,",
    "clearer",
    "pricing",
    "and",
    "a",
    "dedicated",
    "support",
    "team;",
    "analysts",
    "read",
    "it",
    "as",
    "a",
    "bet",
    "on",
    "enterprise",
    "demand",
    "rather",
    "than",
    "on",
    "the",
    "consumer",
    "market,",
    "and",
    "rivals",
    "answered",
    "within",
    "weeks",
]


def _date(rng: random.Random, year: int) -> str:
    month = rng.randint(1, 12)
    form = rng.random()
    if form < 0.35:
        return f"{year}-{month:02d}"
    if form < 0.55:
        return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
    if form < 0.65:
        return f"{_MONTHS[month - 1]} {year}"
    if form < 0.75:
        return f"{year}-Q{rng.randint(1, 4)}"
    if form < 0.85:
        return f"{rng.choice(('early', 'mid', 'late'))} {year}"
    if form < 0.92:
        return f"~{year}"
    return str(year)


def _sentence(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(_FILLER))
    text = " ".join(_FILLER[(start + i) % len(_FILLER)] for i in range(words)).rstrip(",;")
    return text[0].upper() + text[1:] + "."


def case_text(index: int, events: int, seed: int = 0) -> str:
    """The YAML of one valid, realistic case: ~300 bytes per event, with every required section."""
    rng = random.Random(seed * 1_000_003 + index)
    company = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_SUFFIX)}"
    cid = f"case{index:05d}"
    first = rng.randint(1995, 2012)
    last = first + rng.randint(8, 13)
    middle = (first + last) // 2
    out = [
        f"# {company}: a generated case for benchmarks/library.py",
        "casekit: 1",
        f"id: {cid}",
        f"company: {company}",
        f"title: How {company} built its {rng.choice(_NOUNS)}",
        f"as_of: {last}-12",
        f"summary: >-\n  {_sentence(rng, 40)}",
        "tags: [generated, benchmark]",
        "sources:",
        f"  - {{id: s1, title: {company} annual report {last}, kind: filing, date: {last}}}",
        f"  - {{id: s2, title: Trade press coverage, kind: article, date: {last}-06}}",
        f"  - {{id: s3, title: Interview with the founder, kind: interview, date: {middle}}}",
        "people:",
        f"  - {{id: founder, name: {rng.choice(_WORDS)} Founder, roles: [{{title: CEO, period: {first}/..}}], "
        "sources: [s3]}",
        "eras:",
        f"  - {{id: early, title: Early years, period: {first}/{middle}, sources: [s1]}}",
        f"  - {{id: growth, title: Growth years, period: {middle + 1}/.., sources: [s1]}}",
        "timeline:",
    ]
    span = last - first + 1
    for n in range(events):
        year = first + n * span // events
        category = rng.choice(_CATEGORIES)
        title = (
            f"Series {chr(65 + n % 8)} led by {rng.choice(_INVESTORS)}"
            if category == "funding"
            else f"{company.split()[0]} {rng.choice(_VERBS)} its {rng.choice(_NOUNS)}"
        )
        out += [
            f"  - id: e{n:03d}",
            f"    date: {_date(rng, year)}",
            f"    title: {title}",
            f"    detail: {_sentence(rng, rng.randint(14, 24))}",
            f"    category: {category}",
            f"    era: {'early' if year <= middle else 'growth'}",
            f"    tags: [{rng.choice(('round', 'launch', 'hire', 'deal'))}, {rng.choice(('growth', 'margin'))}]",
            f"    sources: [{rng.choice(('s1', 's2', 's3'))}]",
        ]
    out += [
        "metrics:",
        "  - id: revenue",
        "    name: Revenue",
        "    unit: USD",
        "    sources: [s1]",
        "    observations:",
    ]
    revenue = rng.uniform(1, 20)
    for year in range(first + 1, last + 1):
        revenue *= rng.uniform(1.1, 1.8)
        out.append(f"      - {{date: {year}, value: ${revenue:.1f}M}}")
    out += [
        "  - id: customers",
        "    name: Customers",
        "    unit: count",
        "    sources: [s2]",
        "    observations:",
        f"      - {{date: {middle}, value: '{rng.randint(100, 900)}+'}}",
        f"      - {{date: {last}, value: '{rng.randint(1000, 9000):,}+'}}",
    ]
    out += ["principles:"]
    for n in range(1, 4):
        out += [
            f"  - id: p{n}",
            f"    n: {n}",
            f"    title: Principle {n} of {company}",
            f"    summary: {_sentence(rng, 12)}",
            f"    benefit: {_sentence(rng, 8)}",
            f"    tradeoff: {_sentence(rng, 8)}",
            f"    evidence: [e{rng.randrange(events):03d}]",
            f"    risks: [r{n}]",
            "    sources: [s3]",
        ]
    out += ["risks:"]
    for n in range(1, 4):
        out += [
            f"  - id: r{n}",
            f"    title: Risk {n}, the {rng.choice(_NOUNS)} commoditised",
            f"    severity: {rng.choice(('low', 'medium', 'high', 'critical'))}",
            f"    likelihood: {rng.choice(('low', 'medium', 'high'))}",
            f"    principles: [p{n}]",
            "    sources: [s2]",
        ]
    return "\n".join(out) + "\n"


def generate(directory: Path, cases: int, events: int) -> list[Path]:
    """Write `cases` case files into `directory`, dated a day ago (files as old as any real library's)."""
    directory.mkdir(parents=True, exist_ok=True)
    day_ago = time.time() - 86_400
    paths = []
    for i in range(cases):
        path = directory / f"case{i:05d}.yaml"
        path.write_text(case_text(i, events), encoding="utf-8")
        os.utime(path, (day_ago, day_ago))
        paths.append(path)
    return paths


# --- running and measuring ---------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    stdout: bytes


def run(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Run:
    """Run a command as a fresh process: its wall time, and the largest RSS among it and its children.

    An exit status not in `ok` ends the benchmark.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=errors)
        # wait4 gives this child's own rusage (its maxrss covers the children it waited for).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errors.seek(0)
        data, err = out.read(), errors.read()
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(argv[:6])} … failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    return Run(seconds, usage.ru_maxrss / 1024, data)


class Bench:
    """Runs casekit cold, warm, its search and index, and the other tools, over one library, alternating."""

    def __init__(self, library: Path, files: list[Path], scratch: Path, tools: dict[str, str | None]) -> None:
        self.library, self.files, self.scratch, self.tools = library, files, scratch, tools
        self.base = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
        self.base.pop("CASEKIT_NO_CACHE", None)
        self.warm_cache = scratch / f"warm-{library.name}"
        self.samples: dict[str, list[Run]] = {k: [] for k in ("floor", "cold", "warm", "index", "search", "yq", "rg")}
        self.fresh = 0

    def casekit(self, args: list[str], cache: Path | None = None, ok: tuple[int, ...] = (0,)) -> Run:
        env = {**self.base, "XDG_CACHE_HOME": str(cache or self.warm_cache)}
        return run(CASEKIT + ["--cases-dir", str(self.library)] + args, env, ok)

    def cold(self, args: list[str], ok: tuple[int, ...] = (0,)) -> Run:
        self.fresh += 1
        cache = self.scratch / f"cold-{self.library.name}-{self.fresh}"
        try:
            return self.casekit(args, cache, ok)
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    def measure(self, runs: int, everything: bool) -> None:
        self.casekit(QUERY)  # fills the warm cache (and the OS's file cache)
        if everything:
            self.casekit(SEARCH, ok=(0, 1))  # and the index
        yq, rg = self.tools.get("yq"), self.tools.get("rg")
        for _ in range(runs):
            self.samples["cold"].append(self.cold(QUERY))
            self.samples["warm"].append(self.casekit(QUERY))
            if not everything:
                continue
            self.samples["floor"].append(run(FLOOR, self.base))
            self.samples["index"].append(self.cold(SEARCH, ok=(0, 1)))
            self.samples["search"].append(self.casekit(SEARCH, ok=(0, 1)))
            if yq:
                self.samples["yq"].append(run([yq, "-c", YQ_FILTER, *map(str, self.files)], self.base))
            if rg:
                self.samples["rg"].append(run([rg, "-c", "-i", RG_WORDS, str(self.library)], self.base, ok=(0, 1)))

    def median(self, kind: str) -> float:
        return statistics.median(r.seconds for r in self.samples[kind])

    def peak(self, kind: str) -> float:
        return max(r.max_rss_mb for r in self.samples[kind])


def funding_events(casekit_json: bytes, yq_lines: bytes | None) -> str:
    """A check that both tools found the same events (casekit also reads its bundled example)."""
    records = [r for r in json.loads(casekit_json) if r.get("case", "").startswith("case")]
    if yq_lines is None:
        return f"{len(records)} funding events"
    found = sum(1 for line in yq_lines.splitlines() if line.strip())
    same = "same as yq" if found == len(records) else f"yq found {found}: MISMATCH"
    return f"{len(records)} funding events ({same})"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _line(label: str, seconds: float, ratio: str = "", goal: str = "", ok: bool | None = None, note: str = "") -> None:
    mark = "" if ok is None else verdict(ok)
    print(f"{label:36}{seconds:8.3f}s  {ratio:>8}  {goal:18}{mark:7}{note}")


def report(big: Bench, small: Bench, cases: int, tenth: int) -> None:
    """Each figure beside its goal; a goal made for another library size is shown as a reference."""
    s = big.samples
    floor = big.median("floor")
    at_1k, at_10k = cases <= 1_000, cases >= 10_000
    print(f"  {funding_events(s['warm'][0].stdout, s['yq'][0].stdout if s['yq'] else None)}")
    print()
    print(f"{'':36}{'time':>9}  {'ratio':>8}  {'goal':18}")
    _line("import floor (typer, rich, yaml)", floor)
    warm, search = big.median("warm"), big.median("search")
    _line(
        "timeline --all, warm",
        warm,
        f"{warm / floor:.2f}x",
        f"<= {GOAL_WARM_FLOOR:g}x floor",
        warm / floor <= GOAL_WARM_FLOOR if at_1k else None,
    )
    if at_10k or not at_1k:
        _line("", warm, "", f"<= {GOAL_WARM_10K:g} s at 10,000", warm <= GOAL_WARM_10K if at_10k else None)
    _line("timeline --all, cold (empty cache)", big.median("cold"), f"{big.median('cold') / floor:.2f}x")
    hits = len(json.loads(s["search"][0].stdout or b"[]"))
    _line(
        "search, warm",
        search,
        f"{search / floor:.2f}x",
        f"<= {GOAL_SEARCH_FLOOR:g}x floor",
        search / floor <= GOAL_SEARCH_FLOOR if at_1k else None,
        f"{hits} hits shown",
    )
    if at_10k or not at_1k:
        _line("", search, "", f"<= {GOAL_SEARCH_10K:g} s at 10,000", search <= GOAL_SEARCH_10K if at_10k else None)
    index = big.median("index")
    if s["yq"]:
        yq = big.median("yq")
        _line("yq, the same events", yq)
        _line(
            "search, index built from nothing",
            index,
            f"{index / yq:.2f}x",
            f"<= {GOAL_INDEX:g}x yq",
            index / yq <= GOAL_INDEX,
        )
    else:
        print("yq is missing (pip install yq): no comparison with it")
        _line("search, index built from nothing", index)
    if s["rg"]:
        rg = big.median("rg")
        _line(
            f"ripgrep: rg -c -i '{RG_WORDS}'", rg, f"{search / rg:.1f}x", "", None, "casekit's warm search against it"
        )
    else:
        print("ripgrep is missing (apt-get install ripgrep): no comparison with it")
    for kind in ("cold", "warm"):
        t_small, t_big = small.median(kind), big.median(kind)
        growth = t_big / t_small
        _line(
            f"{kind}: {tenth} → {cases} cases",
            t_small,
            f"{growth:.2f}x",
            f"<= {GOAL_GROWTH:g}x",
            growth <= GOAL_GROWTH,
            f"{t_big:.2f}s for {cases}",
        )
    print()
    print(f"{'peak memory (largest process)':36}{'MB':>9}")
    for kind in ("cold", "warm", "index", "search", "yq", "rg"):
        if s[kind]:
            mb = big.peak(kind)
            goal = f"  < {GOAL_MEMORY_MB:g} MB   {verdict(mb < GOAL_MEMORY_MB)}" if kind not in ("yq", "rg") else ""
            print(f"{f'{kind}, {cases} cases':36}{mb:9.0f}{goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=None, help="cases in the library (default 1000; --quick 200)")
    parser.add_argument("--events", type=int, default=100, help="events per case (default 100)")
    parser.add_argument("--runs", type=int, default=None, help="alternating runs per figure (default 5; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="a smaller, single-run pass")
    parser.add_argument("--keep", action="store_true", help="keep the generated library and print where")
    args = parser.parse_args()
    cases = args.cases or (200 if args.quick else 1000)
    runs = args.runs or (1 if args.quick else 5)
    tools = {"yq": shutil.which("yq"), "rg": shutil.which("rg")}

    scratch = Path(tempfile.mkdtemp(prefix="casekit-bench-"))
    try:
        big_dir, small_dir = scratch / "library", scratch / "tenth"
        files = generate(big_dir, cases, args.events)
        tenth = max(1, cases // 10)
        small_files = generate(small_dir, tenth, args.events)
        size = sum(p.stat().st_size for p in files)
        print(
            f"{cases} cases of {args.events} events, {size / 1e6:.1f} MB ({size / cases / 1e3:.1f} KB a case); "
            f"{runs} alternating run{'s' * (runs != 1)}, median; {os.cpu_count()} CPUs"
        )
        for name, where in tools.items():
            if not where:
                print(f"{name} is not installed: the comparison with it is skipped")
        big = Bench(big_dir, files, scratch, tools)
        small = Bench(small_dir, small_files, scratch, {})
        big.measure(runs, everything=True)
        small.measure(runs, everything=False)
        report(big, small, cases, tenth)
        if args.keep:
            print(f"\nlibrary kept in {big_dir}")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
