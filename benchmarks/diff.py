"""Time `casekit.diff` on two 20,000-event cases that differ in 1% of their items, and in the
rename search's worst case.

    python benchmarks/diff.py [EVENTS]

The second case has 1% of the events changed (a reworded detail, a refined
date, a new title), and 1% each added, removed, renamed and moved. Then the
worst case for pairing renames: the first N events (an eighth, a quarter,
half, all of them) replaced by unrelated new ones, so N removed items are
searched for a look-alike among N added ones. The median of three runs is
printed for each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import msgspec

from casekit.changes import diff
from casekit.dates import PartialDate
from casekit.model import Case, Event, Metric, Observation
from casekit.values import Value

# A vocabulary the size of a long case study's, drawn from with a skew, as words are.
_rng = random.Random(1)
WORDS = ["".join(_rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(_rng.randint(3, 9))) for _ in range(3000)]


def word(rng: random.Random) -> str:
    return WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)] if rng.random() < 0.5 else rng.choice(WORDS)


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(word(rng) for _ in range(n))


def event(rng: random.Random, k: int) -> Event:
    year = 1990 + k % 35
    return Event(
        id=f"e{k}",
        date=PartialDate.parse(year),
        title=f"Event {k}: {sentence(rng, 4)}",
        detail=f"Item {k} detail: {sentence(rng, 20)}",
        category="other",
        tags=["t"],
    )


def make_pair(n: int, seed: int = 7) -> tuple[Case, Case]:
    rng = random.Random(seed)
    events = [event(rng, k) for k in range(n)]
    metrics = [
        Metric(
            id=f"m{k}",
            name=f"Metric {k}",
            unit="USD",
            observations=[
                Observation(date=PartialDate.parse(2000 + y), value=Value.parse(f"${k + y}M")) for y in range(10)
            ],
        )
        for k in range(n // 100)
    ]
    a = Case(
        casekit=1,
        id="big",
        company="Big",
        title="A big case",
        as_of=PartialDate.parse("2025"),
        sources=[],
        timeline=events,
        metrics=metrics,
        principles=[],
        risks=[],
    )
    share = max(1, n // 100)
    picks = rng.sample(range(n), 5 * share)
    changed, removed, renamed, moved, refined = (picks[i * share : (i + 1) * share] for i in range(5))
    new_events = list(events)
    for k in changed:
        e = new_events[k]
        new_events[k] = msgspec.structs.replace(
            e, detail=e.detail.replace("detail:", "detail, reworded:"), title=e.title + " (revised)"
        )
    for k in refined:
        e = new_events[k]
        new_events[k] = msgspec.structs.replace(e, date=PartialDate.parse(f"{e.date.start.year}-06"))
    for k in renamed:
        new_events[k] = msgspec.structs.replace(new_events[k], id=f"renamed-{k}")
    for k in moved:
        new_events.append(new_events[k])
        new_events[k] = None
    gone = set(removed)
    new_events = [e for i, e in enumerate(new_events) if e is not None and i not in gone]
    new_events += [event(rng, n + k) for k in range(share)]
    b = msgspec.structs.replace(a, timeline=new_events)
    return a, b


def replaced(a: Case, count: int, seed: int = 99) -> Case:
    """`a` with its first `count` events replaced by unrelated new ones."""
    rng = random.Random(seed)
    fresh = [event(rng, len(a.timeline) + k) for k in range(count)]
    return msgspec.structs.replace(a, timeline=fresh + a.timeline[count:])


def timed(a: Case, b: Case, **options) -> tuple[float, list[float], dict]:
    """The median of three runs of diff(a, b), the runs, and the timeline's summary."""
    times = []
    result = None
    for _ in range(3):
        start = time.perf_counter()
        result = diff(a, b, **options)
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), times, result.summary().get("timeline", {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", nargs="?", type=int, default=20_000, help="events in each case (default 20,000)")
    n = parser.parse_args().events
    a, b = make_pair(n)
    median, times, counts = timed(a, b, order=True)
    print(f"diff of two {n:,}-event cases, 1% each changed, refined, renamed, moved, removed, added")
    print("  timeline: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  median of 3: {median:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in times)})")
    print(f"the first N of {n:,} events replaced by unrelated ones (N removed, N added, none a rename)")
    for count in (n // 8, n // 4, n // 2, n):
        median, times, counts = timed(a, replaced(a, count))
        print(
            f"  N = {count:>6,}: median of 3 {median:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in times)}),"
            f" renamed {counts.get('renamed', 0)}"
        )


if __name__ == "__main__":
    main()
