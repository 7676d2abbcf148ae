"""The study database: cards, the review log and each card's FSRS state, in SQLite.

It lives at `$XDG_DATA_HOME/casekit/study.db` (else `~/.local/share/casekit/study.db`). Two sessions
may run at once: the database is in WAL mode, waits for a lock rather than failing, and each review
is one short transaction that reads the card's state afresh. A database that is not one, or that a
newer casekit wrote, is reported and left alone, never reset.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from casekit.errors import CasekitError
from casekit.study.cards import Card

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    case_id TEXT NOT NULL, card_id TEXT NOT NULL, hash TEXT NOT NULL,
    kind TEXT NOT NULL, front TEXT NOT NULL, back TEXT NOT NULL,
    added TEXT NOT NULL,
    state TEXT,          -- the FSRS card as JSON, NULL until first reviewed
    due TEXT,            -- ISO UTC, copied from state for ordering
    introduced TEXT,     -- the day (UTC) of its first review
    PRIMARY KEY (case_id, card_id, hash)
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL, card_id TEXT NOT NULL, hash TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    reviewed TEXT NOT NULL,
    answer TEXT, correct INTEGER
);
CREATE INDEX IF NOT EXISTS cards_due ON cards (case_id, due);
"""


class StudyDbError(CasekitError):
    """The study database cannot be used as it is."""


def default_path(env: dict[str, str] | None = None) -> Path:
    """Where the study database lives."""
    env = os.environ if env is None else env
    base = env.get("XDG_DATA_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "casekit" / "study.db"


class Store:
    """An open study database."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StudyDbError(f"{self.path}: cannot open the study database: {exc}") from None
        try:
            self._prepare()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StudyDbError(
                f"{self.path}: not a usable study database ({exc})",
                hint="it was left as it is; move it aside to start afresh",
            ) from None

    def _prepare(self) -> None:
        self.db.execute("PRAGMA busy_timeout = 30000")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self.db.close()
            raise StudyDbError(
                f"{self.path}: written by a newer casekit (schema {version}; this one knows {SCHEMA_VERSION})",
                hint="upgrade casekit; the database was left as it is",
            )
        self.db.execute("PRAGMA journal_mode = WAL")
        if version == 0:
            with self._write():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self.db.execute("SELECT count(*) FROM cards").fetchone()

    def _write(self):
        return _Transaction(self.db)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def add(self, cards: Iterable[Card], now: datetime) -> None:
        """Remember `cards` (those already known keep their state)."""
        rows = [(c.case, c.id, c.hash, c.kind, c.front, c.back, now.isoformat()) for c in cards]
        with self._write():
            self.db.executemany(
                "INSERT OR IGNORE INTO cards (case_id, card_id, hash, kind, front, back, added)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def session(self, cards: Sequence[Card], now: datetime, new_limit: int) -> list[Card]:
        """The cards to study now: those due by the end of `now`'s day, earliest first, then new ones
        up to what is left of that day's `new_limit`."""
        by_key = {c.key: c for c in cards}
        known = self._states(cards)
        cutoff = day_end(now).isoformat()
        due = sorted((k for k, (state, when) in known.items() if state and when < cutoff), key=lambda k: known[k][1])
        started = self.new_today(now, {c.case for c in cards})
        fresh = sorted((k for k in by_key if known.get(k, (None, ""))[0] is None), key=lambda k: k[2])
        fresh = fresh[: max(0, new_limit - started)]  # in the order of their hashes: kinds and sections mixed
        return [by_key[k] for k in due + fresh]

    def _states(self, cards: Sequence[Card]) -> dict[tuple[str, str, str], tuple[str | None, str]]:
        wanted = {c.key for c in cards}
        out = {}
        for case in {c.case for c in cards}:
            for cid, h, state, due in self.db.execute(
                "SELECT card_id, hash, state, due FROM cards WHERE case_id = ?", (case,)
            ):
                if (case, cid, h) in wanted:
                    out[(case, cid, h)] = (state, due or "")
        return out

    def new_today(self, now: datetime, cases: Iterable[str]) -> int:
        """How many cards of `cases` were first studied on `now`'s day."""
        cases = list(cases)
        marks = ",".join("?" * len(cases))
        row = self.db.execute(
            f"SELECT count(*) FROM cards WHERE introduced = ? AND case_id IN ({marks})",
            (now.date().isoformat(), *cases),
        ).fetchone()
        return row[0]

    def review(
        self,
        card: Card,
        rating: int,
        now: datetime,
        answer: str | None = None,
        correct: bool | None = None,
        scheduler=None,
    ) -> datetime:
        """Record a review of `card` graded `rating` (1 Again … 4 Easy) at `now`; its next due time."""
        import fsrs

        scheduler = scheduler or fsrs.Scheduler()
        with self._write():
            row = self.db.execute(
                "SELECT state FROM cards WHERE case_id = ? AND card_id = ? AND hash = ?", card.key
            ).fetchone()
            if row is None:
                raise StudyDbError(f"{self.path}: no card {card.case}/{card.id}")
            state = fsrs.Card.from_json(row[0]) if row[0] else fsrs.Card(due=now)
            state, _ = scheduler.review_card(state, fsrs.Rating(rating), review_datetime=now)
            self.db.execute(
                "UPDATE cards SET state = ?, due = ?, introduced = coalesce(introduced, ?)"
                " WHERE case_id = ? AND card_id = ? AND hash = ?",
                (state.to_json(), state.due.isoformat(), now.date().isoformat(), *card.key),
            )
            self.db.execute(
                "INSERT INTO reviews (case_id, card_id, hash, rating, reviewed, answer, correct)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*card.key, rating, now.isoformat(), answer, None if correct is None else int(correct)),
            )
        return state.due

    def outlook(self, cards: Sequence[Card], now: datetime, new_limit: int) -> dict:
        """What is left of `cards` for `now`'s day (`due`, `new` within `new_limit`) and the next day
        after it that cards fall due (`next`: a date or None, `next_count`)."""
        known = self._states(cards)
        cutoff = day_end(now).isoformat()
        later = sorted(when for state, when in known.values() if state and when >= cutoff)
        next_day = datetime.fromisoformat(later[0]).date() if later else None
        unseen = sum(1 for c in cards if known.get(c.key, (None, ""))[0] is None)
        return {
            "due": sum(1 for state, when in known.values() if state and when < cutoff),
            "new": min(unseen, max(0, new_limit - self.new_today(now, {c.case for c in cards}))),
            "next": next_day,
            "next_count": sum(1 for when in later if datetime.fromisoformat(when).date() == next_day),
        }

    def stats(self, cards: Sequence[Card], now: datetime) -> dict:
        """Cards, due (reviewed cards due by the end of `now`'s day), new, reviews, retention, per section."""
        cutoff = day_end(now).isoformat()
        known = self._states(cards)
        keys = {c.key for c in cards}
        reviews = [
            (cid, rating)
            for case in {c.case for c in cards}
            for cid, h, rating in self.db.execute(
                "SELECT card_id, hash, rating FROM reviews WHERE case_id = ?", (case,)
            )
            if (case, cid, h) in keys
        ]
        sections: dict[str, dict] = {}
        for c in cards:
            s = sections.setdefault(c.section, {"cards": 0, "due": 0, "new": 0, "reviews": 0})
            s["cards"] += 1
            state, when = known.get(c.key, (None, ""))
            s["new"] += state is None
            s["due"] += bool(state) and when < cutoff
        for cid, _ in reviews:
            sections[cid.split("/", 1)[0]]["reviews"] += 1
        passed = sum(1 for _, r in reviews if r > 1)
        return {
            "cards": len(cards),
            "due": sum(s["due"] for s in sections.values()),
            "new": sum(s["new"] for s in sections.values()),
            "reviews": len(reviews),
            "retention": round(passed / len(reviews), 3) if reviews else None,
            "sections": sections,
        }


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error): takes the write lock at once, so two sessions
    queue rather than fail half-way."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, exc, tb) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def utc_now() -> datetime:
    """The time now, in UTC (the database's times are UTC)."""
    return datetime.now(timezone.utc)


def clock_for(today: date | None) -> Callable[[], datetime]:
    """The study clock: the real time, or (for `--today DAY`) that day at the real time of day, so a
    session on a fixed day still moves on from one grade to the next."""
    if today is None:
        return utc_now
    return lambda: datetime.combine(today, utc_now().timetz())


def day_end(now: datetime) -> datetime:
    """The end of `now`'s day (UTC): what is due before it is due that day."""
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=timezone.utc)
