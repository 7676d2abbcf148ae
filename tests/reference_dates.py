"""The reference reader of dates for tests/test_dates_reference.py: casekit/dates.py as it was
before it learned to skip the notations a text cannot be written in. Not to be changed.

Partial dates: the loose dates case studies use, as intervals (SPEC §2).

A `PartialDate` is an interval of days [start, end] with a precision and
two flags, remembered together with the text the author wrote. Either end
may be open: an open start reaches back indefinitely, an open end runs
"until today", and `today` is always passed in so the CLI can fix it.

Equality and hashing compare meaning, not spelling: `Aug 2019` and `2019-08`
are equal (same interval, precision and flags); `text` is ignored. Ordering
goes through `sort_key()`, never through `<`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

__all__ = ["PRECISIONS", "DateError", "PartialDate", "today"]

PRECISIONS = (
    "day",
    "month",
    "season",
    "third",
    "quarter",
    "half",
    "year",
    "decade",
    "century",
    "range",  # a span that lasted: `2016/2018`
    "one-of",  # one moment somewhere among its members: `[2016..2019]`, `between 2016 and 2019`
    "all-of",  # every one of its members: `{1960,1961-12}`
)
_SETS = ("one-of", "all-of")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Thirds of a year (ISO 8601-2 calls them quadrimesters): first month of each.
_THIRDS = {"early": 1, "mid": 5, "late": 9}
_THIRD_WORDS = {1: "early", 5: "mid", 9: "late"}
# Northern-hemisphere meteorological seasons: first month of each.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON_WORDS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
# EDTF's sub-year groupings (Level 1 seasons 21-24, Level 2 quarters 33-36, quadrimesters 37-39,
# semestrals 40-41): code -> (precision, first month, months). Read after `YYYY-`, as in `2001-21`.
_GROUPINGS = {
    **{20 + i: ("season", month, 3) for i, month in enumerate((3, 6, 9, 12), 1)},
    **{32 + q: ("quarter", 3 * q - 2, 3) for q in range(1, 5)},
    **{36 + i: ("third", month, 4) for i, month in enumerate((1, 5, 9), 1)},
    **{39 + h: ("half", 6 * h - 5, 6) for h in range(1, 3)},
}
_GROUPING_CODES = {(precision, month): code for code, (precision, month, _) in _GROUPINGS.items()}


class _lazy:
    """A regular expression compiled on first use: most runs never parse a date.

    Its methods are looked up once, on first use, and kept in slots, so every later
    call is the compiled pattern's own, with no Python step in between (a case has
    hundreds of dates, each tried against a dozen patterns).
    """

    __slots__ = ("_args", "fullmatch", "match", "search", "split")

    def __init__(self, *args) -> None:
        self._args = args

    def __getattr__(self, name: str):  # only while a slot is empty: before first use
        if name == "_args" or name not in self.__slots__:
            raise AttributeError(name)
        pattern = re.compile(*self._args)
        for method in self.__slots__[1:]:
            setattr(self, method, getattr(pattern, method))
        return getattr(self, name)


_OPEN_END_WORDS = {"..", "present", "now", "today"}
_YEAR = r"(?P<year>[0-9]{4})"

_RE_DAY = _lazy(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")
_RE_MONTH = _lazy(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
_RE_YEAR = _lazy(_YEAR)
_RE_DECADE = _lazy(r"(?P<year>[0-9]{4})'?s|(?P<stem>[0-9]{3})x", re.IGNORECASE)
_RE_PART = _lazy(  # 2024-Q1, 2024 Q1, 2024Q1, Q1 2024, Q1-2024 (and H for halves)
    r"(?P<year>[0-9]{4})\s*-?\s*(?P<kind>[qh])(?P<n>[0-9]+)|(?P<kind2>[qh])(?P<n2>[0-9]+)[\s-]+(?P<year2>[0-9]{4})",
    re.IGNORECASE,
)
_RE_WORD_YEAR = _lazy(r"(?P<word>[a-z]+)\.?[\s-]+" + _YEAR, re.IGNORECASE)
_ORD = r"(?:st|nd|rd|th)?"
_RE_MDY = _lazy(r"(?P<word>[a-z]+)\.?\s+(?P<day>[0-9]{1,2})" + _ORD + r",?\s+" + _YEAR, re.IGNORECASE)
_RE_DMY = _lazy(r"(?P<day>[0-9]{1,2})" + _ORD + r"\s+(?P<word>[a-z]+)\.?,?\s+" + _YEAR, re.IGNORECASE)

_RE_APPROX_PREFIX = _lazy(r"(?:~|(?:c|ca)\.|(?:ca|circa|approx|approximately|around)\b\.?)\s*", re.IGNORECASE)
_RE_FLAG_SUFFIX = _lazy(r"\s*([~?%]+)$")
_RE_FLAG_PREFIX = _lazy(r"([?%]+)\s*")
_RE_OPEN_PREFIX = _lazy(r"(?P<word>since|after|by|until|till|before)\s+(?P<rest>.+)", re.IGNORECASE | re.DOTALL)
_RE_FROM = _lazy(r"from\s+(?P<rest>.+)", re.IGNORECASE | re.DOTALL)
_RE_BETWEEN = _lazy(r"between\s+(?P<left>.+?)\s+and\s+(?P<right>.+)", re.IGNORECASE | re.DOTALL)
_RE_WORD_SEP = _lazy(r"\s+(?:to|through|thru|until|till)\s+", re.IGNORECASE)
# Dashes that only ever separate a range; a plain hyphen is decided by position.
_RE_RANGE_DASH = _lazy(r"[\u2012\u2013\u2014\u2015\u2212]")
_RE_YEAR_TAIL = _lazy(r"(?P<head>.*[^\s,])(?P<tail>,?\s+[0-9]{4})\s*[~?%]*", re.DOTALL)
_RE_HAS_YEAR = _lazy(r"[0-9]{4}")
# EDTF forms beyond the plain ones: a day with a time (kept to its day), unspecified digits, a year
# written with a `Y` (EDTF's form for years of more than four digits) or a minus sign, qualifiers on
# one part of a date (`2004-06?-11`), and sets (`[1667,1668,1670..1672]`, `{1960,1961-12}`).
_RE_STAMP = _lazy(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"(?:[Zz]|[+-](?P<oh>[0-9]{2})(?::?(?P<om>[0-9]{2}))?)?"
)
_RE_UNSPECIFIED = _lazy(
    r"(?P<century>[0-9]{2})XX|(?P<year>[0-9]{4})-XX(?:-XX)?|(?P<ym>[0-9]{4}-[0-9]{2})-XX", re.IGNORECASE
)
_RE_HAS_X = _lazy(r"[0-9X-]*X[0-9X-]*", re.IGNORECASE)
_RE_Y_YEAR = _lazy(r"Y(?P<sign>-?)(?P<digits>[0-9]+)(?:E(?P<exp>[0-9]+))?(?:S[0-9]+)?", re.IGNORECASE)
_RE_MINUS_YEAR = _lazy(r"-(?P<digits>[0-9]{4,})(?:-[0-9X]{2}){0,2}", re.IGNORECASE)
_RE_QUALIFIED = _lazy(r"[?~%]?[0-9X]{4}[?~%]?(?:-[?~%]?[0-9X]{2}[?~%]?){1,2}", re.IGNORECASE)
_RE_QUALIFIERS = _lazy(r"[?~%]")
_RE_SET = _lazy(r"\[(?P<one>.*)\]|\{(?P<all>.*)\}", re.DOTALL)

_EXAMPLES = "2019, 2019-08, 2019-08-14, Aug 2019, 2024-Q1, late 2022, 2010s, 2016/2020, 2019/.. or [2016..2019]"


class DateError(ValueError):
    """A date that cannot be read; the message is a short sentence for the user."""


def today() -> date:
    """Return the real current date: the one place "today" comes from."""
    return date.today()


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A loosely written date: the interval of days it covers, its precision and flags.

    `start`/`end` of None mean an open start / an open end ("until today").
    A set (precision `one-of` or `all-of`) also keeps its `members`, each a
    single date or a range; its interval is theirs taken together.
    Equality ignores `text`: two spellings of the same date are equal.
    """

    text: str = field(compare=False)
    start: date | None
    end: date | None
    precision: str
    approximate: bool = False
    uncertain: bool = False
    members: tuple[PartialDate, ...] = ()

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise DateError(f"precision {self.precision!r} is not one of {', '.join(PRECISIONS)}")
        if self.start is None and self.end is None:
            raise DateError(f"`{self.text}` is open at both ends, so it says nothing")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise DateError(f"`{self.text}` ends before it starts")
        if (self.start is None or self.end is None) and self.precision not in ("range", *_SETS):
            raise DateError(f"`{self.text}` has an open end, so its precision must be 'range' or a set's")

    @classmethod
    def parse(cls, raw: str | int | date) -> PartialDate:
        """Read a date as written in a case file (text, a YAML int year or a YAML date)."""
        if isinstance(raw, bool):
            raise DateError(f"a date must be text, a year or a day, not the boolean `{raw}`")
        if isinstance(raw, int):
            if raw < 1:
                raise DateError(f"year {raw} is before the common era; casekit handles years 1 to 9999")
            if raw > 9999:
                raise DateError(f"year {raw} is out of range (casekit handles years 1 to 9999)")
            text = f"{raw:04d}"  # str(raw) for every four-digit year
            return cls(text, date(raw, 1, 1), date(raw, 12, 31), "year")
        if isinstance(raw, datetime):  # a YAML timestamp with a time: keep the day
            raw = raw.date()
        if isinstance(raw, date):
            return cls(raw.isoformat(), raw, raw, "day")
        if not isinstance(raw, str):
            kind = type(raw).__name__
            raise DateError(f"a date must be text, a year or a day, not {kind} `{raw!r}`")
        text = raw.strip()
        if not text:
            raise DateError("the date is empty")
        m = _RE_SET.fullmatch(text)
        if m:
            return _parse_set(text, m)
        m = _RE_BETWEEN.fullmatch(text)
        if m:  # somewhere between two dates: one moment in that span, not the span
            left, right = m.group("left").strip(), m.group("right").strip()
            return _one_of_span(text, PartialDate.parse(f"{left}/{right}"), f"{left}/{right}")
        start, end, precision, approximate, uncertain = _parse_text(text)
        return cls(text, start, end, precision, approximate, uncertain)

    def earliest(self) -> date:
        """The first day the date may mean; `date.min` for an open start."""
        return self.start if self.start is not None else date.min

    def latest(self, today: date) -> date:
        """The last day the date may mean; `today` for an open end, but never before its start."""
        if self.end is not None:
            return self.end
        assert self.start is not None
        return max(self.start, today)  # a `--today` before the start leaves a one-day interval

    def anchor(self) -> date | None:
        """The day a date that stands for one moment, known only to lie within its interval, is
        placed at in order, filters and as-of views: an open start's last day (`by late 2022` is
        known by then), a one-of set's middle day (its first when it has no end; the nearest day a
        member holds when the middle falls between members). None for every other date, which is
        the span it covers."""
        if self.start is None:
            return self.end
        if self.precision != "one-of":
            return None
        if self.end is None:
            return self.start
        middle = self.start + timedelta(days=(self.end - self.start).days // 2)
        if not self.members or any(m.earliest() <= middle <= (m.end or date.max) for m in self.members):
            return middle
        bounds = [d for m in self.members for d in (m.start, m.end) if d is not None]
        return min(bounds, key=lambda d: (abs((d - middle).days), d))

    def sort_key(self, today: date | None = None) -> tuple[int, int, int, int]:
        """Key for SPEC §2's order: by earliest day (an open start by its latest, a one-of set by
        its middle: see `anchor`), wider first.

        Equal keys mean the same interval, so a stable sort keeps file order.
        Without `today` an open end counts as later than any closed end.
        """
        if self.start is None:
            assert self.end is not None
            return (self.end.toordinal(), 0, -self.end.toordinal(), 0)
        if self.end is not None or today is not None:
            last = self.latest(today).toordinal()  # type: ignore[arg-type]
        else:
            last = date.max.toordinal() + 1  # beyond any closed end
        placed = self.anchor() or self.start
        return (placed.toordinal(), 1, -last, self.start.toordinal())

    def ends(self) -> tuple[PartialDate | None, PartialDate | None]:
        """A range's two ends as the dates they were written as (None for an open end); any other
        date is both its own ends, a set's are its first and last member's. `2016-03/2020` gives
        `2016-03` and `2020`, which is what tells an end said more precisely from an end that moved."""
        if self.precision in _SETS:
            members = self.members or (PartialDate(_span_text(self.start, self.end), self.start, self.end, "range"),)
            first = min(members, key=lambda m: m.earliest())
            last = max(members, key=lambda m: date.max if m.end is None else m.end)
            return first.ends()[0], last.ends()[1]
        if self.precision != "range":
            return self, self
        sides: _Sides = []
        try:
            _parse_text(self.text, sides)
        except DateError:
            sides = []
        if len(sides) != 2:  # not made by parse(): all that is known of each end is its day
            return tuple(
                None if d is None else PartialDate(d.isoformat(), d, d, "day")  # type: ignore[return-value]
                for d in (self.start, self.end)
            )
        return tuple(
            None if side is None else PartialDate(side[0].strip(), *side[1])  # type: ignore[return-value]
            for side in sides
        )

    def overlaps(self, other: PartialDate, today: date) -> bool:
        """True when the two intervals share at least one day (a set's interval holds all its members)."""
        return self.earliest() <= other.latest(today) and other.earliest() <= self.latest(today)

    def within(self, other: PartialDate, today: date) -> bool:
        """True when this interval lies wholly inside `other`."""
        return other.earliest() <= self.earliest() and self.latest(today) <= other.latest(today)

    def in_period(self, period: PartialDate, today: date, strict: bool = False) -> bool:
        """True when a filter for `period` selects this date: a span when it overlaps the period,
        a date that stands for one moment (see `anchor`) when that day lies in it; with `strict`,
        either only when all of it lies inside the period."""
        if strict:
            return self.within(period, today)
        day = self.anchor()
        if day is None:
            return self.overlaps(period, today)
        return period.earliest() <= day <= period.latest(today)

    def open_after(self, day: date) -> PartialDate:
        """This date as known on `day`: begun by then but ending later, its end is not known yet and
        is opened (`2016/2025` on 2024-12-31 is `2016/..`); any other date (and any set) is itself."""
        if self.start is None or self.start > day or self.end is None or self.end <= day or self.precision in _SETS:
            return self
        first, _ = self.ends()
        if first is not None:  # its start as written, with that end's own flags: `2016/2025-06?` gives `2016/..`
            try:
                opened = PartialDate.parse(f"{first.text}/..")
            except DateError:
                opened = None
            if opened is not None and opened.start == self.start:
                return opened
        opened = PartialDate("", self.start, None, "range", self.approximate, self.uncertain)
        return PartialDate(opened.iso(), opened.start, None, "range", self.approximate, self.uncertain)

    def iso(self) -> str:
        """The normalised, casekit-style form: `2019-08`, `2024-Q1`, `2016/2020`, `../2024-12`, `2015~`
        (a set in EDTF, `[2016..2019]`)."""
        if self.precision in _SETS:
            return self.edtf()
        flag = _flag_suffix(self.approximate, self.uncertain)
        if self.precision == "range":
            left = ".." if self.start is None else _start_form(self.start) + flag
            right = ".." if self.end is None else _end_form(self.end) + flag
            return f"{left}/{right}"
        start = self.start
        assert start is not None
        year = f"{start.year:04d}"
        form = {
            "day": lambda: start.isoformat(),
            "month": lambda: f"{year}-{start.month:02d}",
            "year": lambda: year,
            "decade": lambda: f"{year}s",
            "century": lambda: f"{year[:2]}XX",
            "quarter": lambda: f"{year}-Q{(start.month - 1) // 3 + 1}",
            "half": lambda: f"{year}-H{(start.month - 1) // 6 + 1}",
            "third": lambda: f"{_THIRD_WORDS[start.month]} {year}",
            "season": lambda: f"{_SEASON_WORDS[start.month]} {year}",
        }[self.precision]()
        return form + flag

    def edtf(self) -> str:
        """The date in EDTF (ISO 8601-2): `2024-33` for 2024-Q1, `2022-37` for early 2022, `201X`,
        `2015~`, `2016/2020`, `2019/..`, `[2016..2019]`. Reading it back gives an equal date."""
        if self.precision in _SETS:
            members = self.members or (PartialDate(_span_text(self.start, self.end), self.start, self.end, "range"),)
            inner = ",".join(m._edtf_ends("..") if m.precision == "range" else m.edtf() for m in members)
            return f"[{inner}]" if self.precision == "one-of" else f"{{{inner}}}"
        if self.precision == "range":
            return self._edtf_ends("/")
        start = self.start
        assert start is not None
        flag = _flag_suffix(self.approximate, self.uncertain)
        year = f"{start.year:04d}"
        if self.precision == "day":
            return start.isoformat() + flag
        if self.precision == "month":
            return f"{year}-{start.month:02d}{flag}"
        if self.precision in ("year", "decade", "century"):
            digits = {"year": 4, "decade": 3, "century": 2}[self.precision]
            return year[:digits].ljust(4, "X") + flag
        return f"{year}-{_GROUPING_CODES[self.precision, start.month]}{flag}"

    def _edtf_ends(self, sep: str) -> str:
        """A range as its two ends in EDTF around `sep` (`/`, or `..` in a set), `..` or nothing for an open one."""
        first, last = self.ends()
        sides = [s for s in (first, last) if s is not None]
        faithful = (
            (first.start if first else None) == self.start
            and (last.end if last else None) == self.end
            and any(s.approximate for s in sides) == self.approximate
            and any(s.uncertain for s in sides) == self.uncertain
        )
        if faithful:
            left = "" if first is None else first.edtf()
            right = "" if last is None else last.edtf()
        else:  # not made by parse: its days, each with the range's flags
            flag = _flag_suffix(self.approximate, self.uncertain)
            left = "" if self.start is None else _start_form(self.start) + flag
            right = "" if self.end is None else _end_form(self.end) + flag
        if sep == "/":
            left, right = left or "..", right or ".."
        return f"{left}{sep}{right}"

    def __str__(self) -> str:
        """The date as the author wrote it."""
        return self.text


# --- parsing ---------------------------------------------------------------------------


def _parse_set(text: str, m: re.Match) -> PartialDate:
    """EDTF's sets: `[1667,1668,1670..1672]` one of them, `{1960,1961-12}` all of them."""
    one = m["one"] is not None
    parts = [part.strip() for part in (m["one"] if one else m["all"]).split(",")]
    example = "[1667,1668,1670..1672]" if one else "{1960,1961-12}"
    if not all(parts):
        raise DateError(f"`{text}` has an empty member; a set lists dates and runs, as in `{example}`")
    members = []
    for i, part in enumerate(parts):
        if ".." in part:
            left, _, right = (side.strip() for side in part.partition(".."))
            if (not left and i > 0) or (not right and i < len(parts) - 1):
                raise DateError(f"`{text}`: only the first member may be open at its start and the last at its end")
            member = _member(f"{left or '..'}/{right or '..'}", text)
        else:
            member = _member(part, text)
        if member.precision in _SETS:
            raise DateError(f"`{text}` has a set inside a set; list its dates and runs, as in `{example}`")
        members.append(member)
    starts = [x.start for x in members]
    ends = [x.end for x in members]
    start = None if None in starts else min(starts)  # type: ignore[type-var]
    end = None if None in ends else max(ends)  # type: ignore[type-var]
    approximate = any(x.approximate for x in members)
    uncertain = any(x.uncertain for x in members)
    return PartialDate(text, start, end, "one-of" if one else "all-of", approximate, uncertain, tuple(members))


def _member(part: str, text: str) -> PartialDate:
    try:
        return PartialDate.parse(part)
    except DateError as exc:
        raise DateError(f"{exc} (in `{text}`)") from None


def _one_of_span(text: str, span: PartialDate, member_text: str) -> PartialDate:
    """`between X and Y`: one moment somewhere in the span from X to Y."""
    member = PartialDate(member_text, span.start, span.end, "range", span.approximate, span.uncertain)
    return PartialDate(text, span.start, span.end, "one-of", span.approximate, span.uncertain, (member,))


def _span_text(start: date | None, end: date | None) -> str:
    return f"{'..' if start is None else _start_form(start)}/{'..' if end is None else _end_form(end)}"


_Parsed = tuple[date | None, date | None, str, bool, bool]  # start, end, precision, approximate, uncertain


# A range's ends as written and parsed, (text, _Parsed) or None for an open end: filled in when asked for.
_Sides = list


def _parse_text(text: str, sides: _Sides | None = None) -> _Parsed:
    """Parse trimmed, non-empty text into its interval, precision and flags (a range's ends into `sides`)."""
    s = text.replace("\u2010", "-").replace("\u2011", "-")  # typographic hyphens are hyphens

    m = _RE_OPEN_PREFIX.fullmatch(s)
    if m:
        return _open_prefix(m.group("word").lower(), m.group("rest").strip(), text, sides)

    m = _RE_FROM.fullmatch(s)
    from_ = m is not None
    if m:
        s = m.group("rest").strip()

    if "/" in s:  # EDTF: an empty end is an unknown one, read as open (`1985/`, `/1985`)
        left, right = _split_once(s.split("/"), "/", text)
        if left.strip() or right.strip():
            left, right = left.strip() or "..", right.strip() or ".."
        return _range(left, right, text, sides)
    if _RE_RANGE_DASH.search(s):
        return _range(*_split_once(_RE_RANGE_DASH.split(s), "–", text), text, sides)
    parts = _RE_WORD_SEP.split(s)
    if len(parts) > 1:
        return _range(*_split_once(parts, "to", text), text, sides)

    single = _parse_single(s)
    if single is not None:
        if from_:  # "from 2019" on its own reads as "since 2019"
            if sides is not None:
                sides[:] = [(s, single), None]
            return single[0], None, "range", single[3], single[4]
        return single
    if "-" in s:
        found = _hyphen_range(s, text, sides)
        if found is not None:
            return found
    raise DateError(f"`{text}` is not a date casekit understands; write e.g. {_EXAMPLES}")


def _split_once(parts: list[str], sep: str, text: str) -> tuple[str, str]:
    if len(parts) != 2:
        raise DateError(f"`{text}` has more than one `{sep}`; a range has exactly two ends")
    return parts[0], parts[1]


def _open_prefix(word: str, rest: str, text: str, sides: _Sides | None = None) -> _Parsed:
    inner = _require_single(rest, text)
    start, end, _, approximate, uncertain = inner
    try:
        if word == "since":
            found: _Parsed = (start, None, "range", approximate, uncertain)
        elif word == "after":
            found = (end + timedelta(days=1), None, "range", approximate, uncertain)
        elif word == "before":
            found = (None, start - timedelta(days=1), "range", approximate, uncertain)
        else:  # by / until / till: up to X's last day
            found = (None, end, "range", approximate, uncertain)
    except OverflowError:
        raise DateError(f"`{text}` falls outside the years casekit handles (1 to 9999)") from None
    if sides is not None:
        if word in ("since", "by", "until", "till"):
            side = (rest, inner)
        else:  # after / before X: the end is the day next to X
            day = found[0] or found[1]
            side = (day.isoformat(), (day, day, "day", approximate, uncertain))
        sides[:] = [side, None] if found[0] is not None else [None, side]
    return found


def _range(left: str, right: str, text: str, sides: _Sides | None = None) -> _Parsed:
    left, right = left.strip(), right.strip()
    if not left or not right:
        raise DateError(f"`{text}` has an empty end; write `..` for an open one, as in `2019/..` or `../2024-12`")
    if left == "..":
        lo = None
    else:
        lo = _parse_single(left)
        if lo is None:
            lo = _borrow_year(left, right)
        if lo is None:
            raise DateError(f"`{left}` is not a date casekit understands (in `{text}`); write e.g. {_EXAMPLES}")
    if right.lower() in _OPEN_END_WORDS:
        hi = None
    else:
        hi = _require_single(right, text)
    if lo is None and hi is None:
        raise DateError(f"`{text}` is open at both ends, so it says nothing")
    start = lo[0] if lo else None
    end = hi[1] if hi else None
    if start is not None and end is not None and end < start:
        raise DateError(f"the range `{text}` ends before it starts")
    approximate = bool(lo and lo[3]) or bool(hi and hi[3])
    uncertain = bool(lo and lo[4]) or bool(hi and hi[4])
    if sides is not None:
        sides[:] = [(left, lo) if lo else None, (right, hi) if hi else None]
    return start, end, "range", approximate, uncertain


def _borrow_year(left: str, right: str) -> _Parsed | None:
    """Read `Aug` in `Aug–Nov 2019` (or `Nov 30` in `Nov 30–Dec 5, 2022`) with the right side's year."""
    if _RE_HAS_YEAR.search(left):
        return None
    m = _RE_YEAR_TAIL.fullmatch(right)
    if m is None or _RE_HAS_YEAR.search(m.group("head")):
        return None
    try:
        return _parse_single(left + m.group("tail"))
    except DateError:
        return None


def _hyphen_range(s: str, text: str, sides: _Sides | None = None) -> _Parsed | None:
    """Find the one hyphen that splits `s` into two dates (`2016-2020`, `mid-2022-late 2023`)."""
    candidates: list[tuple[str, str]] = []
    spaced: list[tuple[str, str]] = []  # split at a hyphen with a space each side, as ranges are written
    first_error: DateError | None = None
    for i, ch in enumerate(s):
        if ch != "-":
            continue
        left, right = s[:i].strip(), s[i + 1 :].strip()
        if not left or not right:
            continue
        try:
            ok_right = right.lower() in _OPEN_END_WORDS or _parse_single(right) is not None
            ok_left = ok_right and (_parse_single(left) is not None or _borrow_year(left, right) is not None)
        except DateError as exc:
            first_error = first_error or exc
            continue
        if ok_left and ok_right:
            candidates.append((left, right))
            if s[i - 1].isspace() and s[i + 1].isspace():
                spaced.append((left, right))
    if len(candidates) > 1 and len(spaced) == 1:  # `2019-Q1 - 2020`, not `2019` to `Q1 - 2020`
        candidates = spaced
    if len(candidates) > 1:
        raise DateError(f"`{text}` can be split into a range more than one way; use `/` between the ends")
    if candidates:
        return _range(*candidates[0], text, sides)
    if first_error is not None:
        raise first_error
    return None


def _require_single(s: str, text: str) -> _Parsed:
    parsed = _parse_single(s)
    if parsed is None:
        where = "" if s == text else f" (in `{text}`)"
        raise DateError(f"`{s}` is not a date casekit understands{where}; write e.g. {_EXAMPLES}")
    return parsed


def _parse_single(s: str) -> _Parsed | None:
    """Parse one date (no range); None if no notation matches, DateError if one matches but is impossible."""
    approximate = uncertain = False
    core = s.strip()
    if _RE_QUALIFIED.fullmatch(core):  # EDTF qualifies one part (`2004-06?-11`): the date is flagged
        approximate, uncertain = _apply_flags(core, False, False)
        core = "".join(ch for ch in core if ch not in "?~%")
    while True:  # flags may come in any order on either side: `~2015`, `2015?~`, `c. 2015`
        m = _RE_APPROX_PREFIX.match(core)
        if m and m.end() < len(core):
            approximate, core = True, core[m.end() :]
            continue
        m = _RE_FLAG_PREFIX.match(core)
        if m and m.end() < len(core):
            approximate, uncertain = _apply_flags(m.group(1), approximate, uncertain)
            core = core[m.end() :]
            continue
        m = _RE_FLAG_SUFFIX.search(core)
        if m and m.start() > 0:
            approximate, uncertain = _apply_flags(m.group(1), approximate, uncertain)
            core = core[: m.start()]
            continue
        break
    core = core.strip()
    found = _parse_core(core, s)
    if found is None:
        return None
    start, end, precision = found
    return start, end, precision, approximate, uncertain


def _apply_flags(chars: str, approximate: bool, uncertain: bool) -> tuple[bool, bool]:
    """EDTF qualifiers: `~` approximate, `?` uncertain, `%` both."""
    return approximate or bool(set(chars) & {"~", "%"}), uncertain or bool(set(chars) & {"?", "%"})


def _parse_core(core: str, s: str) -> tuple[date, date, str] | None:
    m = _RE_DAY.fullmatch(core)
    if m:
        day = _day(_year(m["year"], s), int(m["month"]), int(m["day"]), s)
        return day, day, "day"
    m = _RE_MONTH.fullmatch(core)
    if m:
        year, code = _year(m["year"], s), int(m["month"])
        if code in _GROUPINGS:  # `2001-21` is spring 2001, `2024-33` its first quarter
            precision, first_month, months = _GROUPINGS[code]
            return _months(year, first_month, months, s) + (precision,)
        if 25 <= code <= 32:
            raise DateError(
                f"`{s}` names a season of one hemisphere (EDTF 25 to 32), which casekit does not read; "
                "write 21 to 24 (spring to winter) or the months"
            )
        if code > 12:
            raise DateError(
                f"month {code} is out of range in `{s}`; months are 01 to 12, and after them EDTF's seasons "
                "21 to 24, quarters 33 to 36, thirds 37 to 39 and halves 40 and 41"
            )
        return _month_span(year, code, s) + ("month",)
    m = _RE_YEAR.fullmatch(core)
    if m:
        year = _year(m["year"], s)
        return date(year, 1, 1), date(year, 12, 31), "year"
    m = _RE_DECADE.fullmatch(core)
    if m:
        if m["stem"] is not None:
            first = int(m["stem"]) * 10
        else:
            first = int(m["year"])
            if first % 10:
                raise DateError(f"`{s}` is not a decade: a decade starts at a year ending in 0, as in `2010s`")
        if first == 0:
            raise DateError(f"year 0 is out of range in `{s}`; years start at 0001")
        return date(first, 1, 1), date(first + 9, 12, 31), "decade"
    m = _RE_PART.fullmatch(core)
    if m:
        year_text = m["year"] or m["year2"]
        kind = (m["kind"] or m["kind2"]).lower()
        n = int(m["n"] or m["n2"])
        year = _year(year_text, s)
        if kind == "q":
            if not 1 <= n <= 4:
                raise DateError(f"quarter {n} is out of range in `{s}`; quarters are Q1 to Q4")
            first_month, months, precision = 3 * n - 2, 3, "quarter"
        else:
            if not 1 <= n <= 2:
                raise DateError(f"half {n} is out of range in `{s}`; halves are H1 and H2")
            first_month, months, precision = 6 * n - 5, 6, "half"
        return _months(year, first_month, months, s) + (precision,)
    m = _RE_WORD_YEAR.fullmatch(core)
    if m:
        word = m["word"].lower()
        if word in _MONTHS:
            return _month_span(_year(m["year"], s), _MONTHS[word], s) + ("month",)
        if word in _THIRDS:
            return _months(_year(m["year"], s), _THIRDS[word], 4, s) + ("third",)
        if word in _SEASONS:
            return _months(_year(m["year"], s), _SEASONS[word], 3, s) + ("season",)
        raise DateError(f"`{m['word']}` in `{s}` is not a month, a season, or early/mid/late")
    m = _RE_MDY.fullmatch(core) or _RE_DMY.fullmatch(core)
    if m:
        word = m["word"].lower()
        if word not in _MONTHS:
            raise DateError(f"`{m['word']}` in `{s}` is not a month")
        day = _day(_year(m["year"], s), _MONTHS[word], int(m["day"]), s)
        return day, day, "day"
    return _parse_edtf_core(core, s)


def _parse_edtf_core(core: str, s: str) -> tuple[date, date, str] | None:
    """EDTF's other single dates: a day with a time, unspecified digits, `Y` and minus years."""
    m = _RE_STAMP.fullmatch(core)
    if m:
        hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
        offset = (int(m["oh"] or 0), int(m["om"] or 0))
        if hour > 23 or minute > 59 or second > 60 or offset[0] > 23 or offset[1] > 59:
            raise DateError(f"`{s}` has a time of day that does not exist")
        return _parse_core(m["date"], s)  # the day as written, with its own range checks
    m = _RE_UNSPECIFIED.fullmatch(core)
    if m:
        if m["century"] is not None:
            first = int(m["century"]) * 100
            if first == 0:
                raise DateError(f"`{s}` reaches back to year 0; casekit handles years 1 to 9999")
            return date(first, 1, 1), date(first + 99, 12, 31), "century"
        if m["year"] is not None:
            year = _year(m["year"], s)
            return date(year, 1, 1), date(year, 12, 31), "year"
        return _parse_core(m["ym"], s)
    if _RE_HAS_X.fullmatch(core):
        raise DateError(
            f"`{s}` leaves digits unspecified where casekit cannot read them; it reads X at the end of "
            "a year (`201X`, `19XX`) and for a whole month or day (`2004-XX`, `1985-04-XX`)"
        )
    m = _RE_Y_YEAR.fullmatch(core)
    if m:
        if m["sign"]:
            raise DateError(f"`{s}` is a year before the common era; casekit handles years 1 to 9999")
        year = int(m["digits"]) * 10 ** min(int(m["exp"] or 0), 20)
        if not 1 <= year <= 9999:
            raise DateError(f"year {year} in `{s}` is out of range; casekit handles years 1 to 9999")
        return date(year, 1, 1), date(year, 12, 31), "year"
    if _RE_MINUS_YEAR.fullmatch(core):
        raise DateError(f"`{s}` is a year before the common era; casekit handles years 1 to 9999")
    return None


def _year(text: str, s: str) -> int:
    year = int(text)
    if year == 0:
        raise DateError(f"year 0 is out of range in `{s}`: EDTF's year 0 is 1 BCE, and casekit handles years 1 to 9999")
    return year


def _day(year: int, month: int, day: int, s: str) -> date:
    _, last = _month_span(year, month, s)
    if not 1 <= day <= last.day:
        raise DateError(f"day {day} is out of range in `{s}`: {_MONTH_NAMES[month]} {year} has {last.day} days")
    return date(year, month, day)


def _month_span(year: int, month: int, s: str) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise DateError(f"month {month} is out of range in `{s}`; months are 01 to 12")
    return _months(year, month, 1, s)


def _months(year: int, first_month: int, count: int, s: str) -> tuple[date, date]:
    """The span of `count` months starting at `first_month` of `year` (may run into the next year)."""
    end_year, end_month = divmod(year * 12 + first_month - 1 + count - 1, 12)
    if end_year > date.max.year:
        raise DateError(f"`{s}` runs past the last year casekit handles (9999)")
    return date(year, first_month, 1), date(end_year, end_month + 1, _days_in_month(end_year, end_month + 1))


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def _flag_suffix(approximate: bool, uncertain: bool) -> str:
    if approximate and uncertain:
        return "%"
    return "~" if approximate else "?" if uncertain else ""


def _start_form(day: date) -> str:
    """The coarsest ISO form whose first day is `day`."""
    if day.month == 1 and day.day == 1:
        return f"{day.year:04d}"
    if day.day == 1:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _end_form(day: date) -> str:
    """The coarsest ISO form whose last day is `day`."""
    if day.month == 12 and day.day == 31:
        return f"{day.year:04d}"
    if (day + timedelta(days=1)).day == 1:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()
