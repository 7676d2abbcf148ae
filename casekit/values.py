"""Figures as analysts write them (SPEC §3): parse, display and growth.

`Value.parse("~$1.4B")` reads a figure into bounds, a qualifier, a currency,
a scale and a unit; `Value.display()` writes it back compactly with its
qualifier; `growth(old, new)` compares two figures without ever presenting
an estimate or a bound as an exact change.

Choices where analysts' notation is ambiguous:
- a scale written only on the right end of a range applies to both ends
  (`1–2B`), unless that makes no range (`$500–$2K` is $500 to $2,000);
- `~` on a range is dropped (a range is already approximate), and `~$1B+`
  is at least $1B (the `+` is the stronger claim);
- a currency or unit written on one end of a range applies to both;
  written on both, they must agree.

Standard library only; regular expressions are compiled on first use and
kept (`_rx`), so importing this module costs next to nothing and parsing a
figure does not pay for `re`'s own cache lookups on every step.
"""

from __future__ import annotations

import math
import re
from dataclasses import FrozenInstanceError, dataclass

__all__ = [
    "QUALIFIERS",
    "Growth",
    "Value",
    "ValueParseError",
    "format_number",
    "growth",
]

QUALIFIERS = ("exact", "about", "at_least", "above", "at_most", "below", "range")


class ValueParseError(ValueError):
    """A figure that cannot be read; the message names the offending text."""

    def __init__(self, message: str, text: str | None = None) -> None:
        super().__init__(message)
        self.text = text


# --- notation tables -------------------------------------------------------

# Currency symbols, longest first so "US$" wins over "$" and "CN¥" over "¥".
_SYMBOLS = (
    ("US$", "USD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
    ("R$", "BRL"),
    ("CN¥", "CNY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
    ("₩", "KRW"),
)
_SYMBOL_RX = "|".join(re.escape(sym.lower()) for sym, _ in _SYMBOLS)  # lowercase: see `_rx`
_SYMBOLS_LOWERED = tuple(sym.lower() for sym, _ in _SYMBOLS)
_SYMBOL_FIRSTS = frozenset(sym[0] for sym in _SYMBOLS_LOWERED)
_SYMBOL_CODES = {sym.upper(): code for sym, code in _SYMBOLS}

# How display() writes each currency; a code not listed is written "CHF 5M".
_DISPLAY_SYMBOLS = {
    "USD": "$",
    "AUD": "A$",
    "CAD": "C$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "BRL": "R$",
    "CNY": "CN¥",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
}

# ISO 4217 codes accepted as words ("USD 5M", "5M USD"), the one list of currencies casekit knows
# (a metric's unit is checked against it too). A short, explicit list: a three-letter word that is
# not a known code is a typo, not money.
CURRENCIES = frozenset(
    {
        "USD",
        "AUD",
        "CAD",
        "EUR",
        "GBP",
        "JPY",
        "CNY",
        "CHF",
        "INR",
        "KRW",
        "SGD",
        "HKD",
        "NZD",
        "SEK",
        "NOK",
        "DKK",
        "BRL",
        "MXN",
        "ZAR",
        "RUB",
        "TWD",
        "ILS",
        "AED",
        "SAR",
        "PLN",
        "TRY",
        "IDR",
        "THB",
        "MYR",
        "PHP",
        "VND",
    }
)
_CODE_ALIASES = {"RMB": "CNY"}


def currency_code(word: str) -> str | None:
    """The ISO 4217 code `word` names (`usd` → `USD`, `RMB` → `CNY`), or None when it names no currency."""
    upper = word.strip().upper()
    code = _CODE_ALIASES.get(upper, upper)
    return code if code in CURRENCIES else None


_SCALE_WORDS = {
    "k": "K",
    "thousand": "K",
    "m": "M",
    "mm": "M",
    "mn": "M",
    "million": "M",
    "b": "B",
    "bn": "B",
    "billion": "B",
    "t": "T",
    "tn": "T",
    "trillion": "T",
}
_SCALE_EXP = {"K": 3, "M": 6, "B": 9, "T": 12}

# Per-unit words and their canonical unit; other words are kept lowercased.
_PER_UNITS = {
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "d": "day",
    "day": "day",
    "days": "day",
    "wk": "week",
    "week": "week",
    "weeks": "week",
    "mo": "month",
    "mos": "month",
    "month": "month",
    "months": "month",
    "y": "year",
    "yr": "year",
    "yrs": "year",
    "year": "year",
    "years": "year",
    "annum": "year",
}
_PER_DISPLAY = {"hour": "hr"}

# Leading qualifiers; words must end at a word boundary, so "over" never
# eats the start of a longer word.
_PREFIXES = (
    (r"(?:>=|≥|=>|⩾)", "at_least"),
    (r"(?:<=|≤|=<|⩽)", "at_most"),
    (r">", "above"),
    (r"<", "below"),
    (r"(?:~|≈|∼)", "about"),
    (r"(?:at\s+least|no\s+less\s+than|not\s+less\s+than|minimum)\b", "at_least"),
    (r"(?:at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|maximum)\b", "at_most"),
    (r"(?:more\s+than|greater\s+than|over|above)\b", "above"),
    (r"(?:less\s+than|fewer\s+than|under|below)\b", "below"),
    (r"(?:about|approximately|approx\b\.?|approx\.|around|roughly|circa\b|ca\.|c\.)", "about"),
    (r"between\b", "between"),
)

# `_PREFIXES` by the first character of lowered text, each with those of them (in the same order)
# that can match there, cut down to what can: lowered text starting with `~` is tried against
# `~`, not `(?:~|≈|∼)`, whose three characters (two beyond Latin-1) take Python's pattern
# compiler twenty times as long, and text starting with `a` against `at\s+least\b`, not all of
# `(?:at\s+least|no\s+less\s+than|not\s+less\s+than|minimum)\b`.
_PREFIXES_BY_FIRST: dict[str, tuple[tuple[str, str], ...]] = {
    ">": ((">=", "at_least"), (">", "above")),
    "≥": (("≥", "at_least"),),
    "⩾": (("⩾", "at_least"),),
    "=": (("=>", "at_least"), ("=<", "at_most")),
    "<": (("<=", "at_most"), ("<", "below")),
    "≤": (("≤", "at_most"),),
    "⩽": (("⩽", "at_most"),),
    "~": (("~", "about"),),
    "≈": (("≈", "about"),),
    "∼": (("∼", "about"),),
    "a": (
        (r"at\s+least\b", "at_least"),
        (r"at\s+most\b", "at_most"),
        (r"above\b", "above"),
        (r"(?:about|approximately|approx\b\.?|approx\.|around)", "about"),
    ),
    "n": (
        (r"(?:no\s+less\s+than|not\s+less\s+than)\b", "at_least"),
        (r"(?:no\s+more\s+than|not\s+more\s+than)\b", "at_most"),
    ),
    "m": ((r"minimum\b", "at_least"), (r"maximum\b", "at_most"), (r"more\s+than\b", "above")),
    "u": ((r"up\s+to\b", "at_most"), (r"under\b", "below")),
    "g": ((r"greater\s+than\b", "above"),),
    "o": ((r"over\b", "above"),),
    "l": ((r"less\s+than\b", "below"),),
    "f": ((r"fewer\s+than\b", "below"),),
    "b": ((r"below\b", "below"), (r"between\b", "between")),
    "r": ((r"roughly", "about"),),
    "c": ((r"(?:circa\b|ca\.|c\.)", "about"),),
}
# The characters a match of `_PREFIXES` can start with, in lowered text.
_PREFIX_FIRST = frozenset(_PREFIXES_BY_FIRST)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?"
_DECADE = r"(?:(low|mid|high)\s*-?\s*)?([1-9])0['’]?s\s*(%|percent\b)?"
_SCALE = r"(thousand|million|billion|trillion|bn|mn|mm|tn|k|m|b|t)(?![a-z])"
_AZ = "abcdefghijklmnopqrstuvwxyz"
# What lowered text must go on with at the cursor for each of these patterns to match there: at
# any other character (or at the end) the pattern is not tried, nor compiled in a run whose
# figures never need it.
_TAKE_FIRSTS: dict[str, frozenset[str]] = {
    r"[-+]": frozenset("-+"),
    r"([a-z]{3})(?= ?[-+]?\.?\d)": frozenset(_AZ),
    _SCALE: frozenset("tmbk"),
    r" ?([a-z]{3})(?![a-z])": frozenset(" " + _AZ),
    r" ?(?:%|percent\b|per ?cent\b|pct\b)": frozenset(" %p"),
    r" ?x(?![a-z])": frozenset(" x"),
    r"(?:/ ?| ?\bper )([a-z][a-z-]*)": frozenset("/ p"),
    r" ?(p\.a\.)": frozenset(" p"),
    r" ?\+": frozenset(" +"),
    r"(?:[‒–—]|-|to\b)": frozenset("‒–—-t"),
    r"(?:[‒–—]|-|to\b|and\b)": frozenset("‒–—-ta"),
}
_DECADE_BANDS = {None: (0, 9), "low": (0, 3), "mid": (4, 6), "high": (7, 9)}

_MAX_SHOWN = 40  # characters of bad text quoted in an error message
_MAX_DIGITS = 17  # significant figures that tell any two floats apart


def _shown(text: str) -> str:
    return repr(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…")


# --- the value type --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """A figure as written, with the bounds it stands for.

    `low`/`high` are equal for a point (exact or about) and None on an open
    side (`300K+` has no `high`, `<$4B` no `low`). Percent figures are
    numbers of percent (`45%` -> 45.0). Equality compares every field,
    `text` included; use `same_quantity` to compare what the figures mean.
    """

    text: str
    low: float | None
    high: float | None
    qualifier: str
    currency: str | None = None
    scale: str | None = None
    unit: str | None = None

    @classmethod
    def parse(cls, raw: str | int | float) -> Value:
        """Read a figure from text or a YAML number; raise ValueParseError if it is not one."""
        if isinstance(raw, bool):
            raise ValueParseError(f"{raw} is a yes/no value, not a number", str(raw))
        if isinstance(raw, int):
            try:
                number = float(raw)
            except OverflowError:
                digits = int(abs(raw).bit_length() * 0.30103) + 1  # str() may refuse huge ints
                raise ValueParseError(f"an integer of about {digits} digits is too large for a number", None) from None
            return cls(str(raw), number, number, "exact")
        if isinstance(raw, float):
            if not math.isfinite(raw):
                raise ValueParseError(f"{raw} is not a finite number", str(raw))
            return cls(str(raw), raw, raw, "exact")
        if not isinstance(raw, str):
            raise ValueParseError(f"expected a number or text such as $13.8B, got {type(raw).__name__}", None)
        return _Parser(raw).parse()

    def display(self) -> str:
        """The figure written compactly with its qualifier: `~$1.4B`, `300K+`, `$15–$50/hr`."""
        cur, unit = self.currency, self.unit
        if self.qualifier == "range":
            assert self.low is not None and self.high is not None
            # Three significant figures, or as many more as it takes for the
            # ends of a range to differ: 1,000–1,004 is `1K–1.004K`, not `1K–1K`.
            for digits in range(3, _MAX_DIGITS + 1):
                low, high = self._range_parts(digits)
                if low.core != high.core or self.low == self.high:
                    break
            # The code of a symbol-less currency and a % or x are written once.
            return f"{low.code}{low.core}–{high.core}{high.tail}{high.per}"
        bound = self.low if self.low is not None else self.high
        assert bound is not None
        p = _format_parts(bound, cur, unit)
        if self.qualifier == "at_least":
            return f"{p.code}{p.core}{p.tail}+{p.per}"
        mark = {"exact": "", "about": "~", "above": ">", "at_most": "≤", "below": "<"}[self.qualifier]
        return f"{mark}{p.code}{p.core}{p.tail}{p.per}"

    def _range_parts(self, digits: int) -> tuple[_Parts, _Parts]:
        """A range's two ends written to `digits` significant figures."""
        assert self.low is not None and self.high is not None
        cur, unit = self.currency, self.unit
        high = _format_parts(self.high, cur, unit, digits=digits)
        # The parser reads "1–2K" as 1K–2K, so an unscaled low end under a
        # scaled high end is written in that scale ("0.001K–1K") unless
        # the scaled reading is no range at all ("$500–$2K").
        scale = None
        if unit not in ("percent", "ratio") and self.low != 0 and _scale_of(self.low, digits) is None:
            scale = _scale_of(self.high, digits)
            if scale and self.low * 10 ** _SCALE_EXP[scale] > self.high:
                scale = None
        return _format_parts(self.low, cur, unit, scale, digits), high

    @property
    def is_point(self) -> bool:
        """True when the figure is one number (exact or about): low equals high."""
        return self.low is not None and self.low == self.high

    @property
    def midpoint(self) -> float | None:
        """One number to chart: the middle of a range, the bound of a one-sided figure."""
        if self.low is not None and self.high is not None:
            # Halves first: the same number for any figure, and no overflow near the float maximum.
            return self.low if self.low == self.high else self.low / 2 + self.high / 2
        return self.low if self.low is not None else self.high

    def unit_label(self) -> str:
        """What the figure measures, as metric units are written: USD, USD/hour, percent, count."""
        if self.unit in ("percent", "ratio"):
            return self.unit
        base = self.currency or "count"
        return f"{base}/{self.unit}" if self.unit else base

    def same_quantity(self, other: Value) -> bool:
        """True when both figures mean the same thing, however they were written."""
        return (self.low, self.high, self.qualifier, self.currency, self.unit) == (
            other.low,
            other.high,
            other.qualifier,
            other.currency,
            other.unit,
        )


# --- formatting ------------------------------------------------------------

# The helper types below are written out rather than made with @dataclass:
# a dataclass execs its generated methods when the module is imported (about
# a millisecond for a frozen one), and every command imports this module.


class _Parts:
    __slots__ = ("code", "core", "tail", "per")

    def __init__(self, code: str, core: str, tail: str, per: str) -> None:
        self.code = code  # "CHF " for a currency without a symbol, else ""
        self.core = core  # sign, symbol, number and scale: "-$1.4B"
        self.tail = tail  # "%" or "x"
        self.per = per  # "/hr"


def _sig_digits(x: float, digits: int = 3) -> tuple[str, int]:
    """abs(x) rounded to `digits` significant figures as (digit string, exponent), exactly."""
    mantissa, _, exp = f"{abs(x):.{digits - 1}e}".partition("e")
    ds = mantissa.replace(".", "")
    e = int(exp) - (digits - 1)
    stripped = ds.rstrip("0") or "0"
    return stripped, e + (len(ds) - len(stripped))


def _decimal(ds: str, e: int) -> str:
    """int(ds) * 10**e as plain decimal text, without float round-off."""
    if e >= 0:
        return ds + "0" * e
    ds = ds.rjust(-e + 1, "0")
    return f"{ds[:e]}.{ds[e:]}"


def _scale_of(x: float, digits: int = 3) -> str | None:
    """The K/M/B/T letter `x` is written with once rounded to `digits` figures, or None below 1000."""
    ds, e = _sig_digits(x, digits)
    magnitude = len(ds) - 1 + e
    return next((letter for letter in ("T", "B", "M", "K") if magnitude >= _SCALE_EXP[letter]), None)


# Numbers this many digits long or more, before or after the point, are written as 1.7e308 and 1e-300.
_PLAIN_DIGITS = 18


def _compact(x: float, *, scaled: bool, scale: str | None = None, digits: int = 3) -> str:
    """|x| to `digits` significant figures, with a K/M/B/T suffix when `scaled` (`scale` forces one)."""
    if x == 0:
        return "0"
    ds, e = _sig_digits(x, digits)
    magnitude = len(ds) - 1 + e
    if not -_PLAIN_DIGITS < magnitude < _PLAIN_DIGITS:  # 1.7e308, not three hundred digits
        return f"{ds[0]}{'.' if len(ds) > 1 else ''}{ds[1:]}e{magnitude}"
    if scaled and scale is None:
        scale = _scale_of(x, digits)
    if not scaled or scale is None:
        return _decimal(ds, e)
    return _decimal(ds, e - _SCALE_EXP[scale]) + scale


def _format_parts(
    x: float, currency: str | None, unit: str | None, scale: str | None = None, digits: int = 3
) -> _Parts:
    sign = "-" if x < 0 and _compact(x, scaled=False, digits=digits) != "0" else ""
    number = _compact(x, scaled=unit not in ("percent", "ratio"), scale=scale, digits=digits)
    symbol = _DISPLAY_SYMBOLS.get(currency or "", "")
    code = f"{currency} " if currency and not symbol else ""
    tail = {"percent": "%", "ratio": "x"}.get(unit or "", "")
    per = f"/{_PER_DISPLAY.get(unit, unit)}" if unit and not tail else ""
    return _Parts(code, f"{sign}{symbol}{number}", tail, per)


def format_number(x: float, *, currency: str | None = None, unit: str | None = None) -> str:
    """A number written compactly to 3 significant figures: 1.38e10 -> `$13.8B`, 45 percent -> `45%`."""
    p = _format_parts(x, currency, unit)
    return f"{p.code}{p.core}{p.tail}{p.per}"


# --- parsing ---------------------------------------------------------------


class _Side:
    """What the parser has read of one end of a figure so far."""

    __slots__ = ("number", "negative", "currency", "scale", "unit", "plus")

    def __init__(self) -> None:
        self.number = ""
        self.negative = False
        self.currency: str | None = None
        self.scale: str | None = None
        self.unit: str | None = None
        self.plus = False


_COMPILED: dict[str, re.Pattern[str]] = {}  # case-insensitive, for any text
_COMPILED_LOWER: dict[str, re.Pattern[str]] = {}  # for ASCII text lowered first


def _rx(pattern: str, lowered: bool = False) -> re.Pattern[str]:
    """`pattern` compiled on first use, then kept: case-insensitive, as every figure's notation is.

    Text whose only cased letters are ASCII (`_folds_plainly`) is matched lowered instead, by
    the pattern compiled without IGNORECASE, which matches the same there (the patterns write
    their letters in lowercase) and compiles in a third of the time: Unicode case folding is
    what makes a case-insensitive pattern slow to compile, and a run pays for every one.
    """
    table = _COMPILED_LOWER if lowered else _COMPILED
    rx = table.get(pattern)
    if rx is None:
        rx = table[pattern] = re.compile(pattern, 0 if lowered else re.IGNORECASE)
    return rx


def _folds_plainly(text: str) -> bool:
    """True when every letter of `text` that has a case is ASCII (`US$1.4B–2B`, `≈ €5M`, not
    `5 Mío` or the long s of `ſ`): lowering it changes only A to Z, one for one, so matching it
    lowered is matching it case-insensitively."""
    return text.isascii() or all(ch.isascii() or ch.lower() == ch == ch.upper() for ch in text)


class _Parser:
    """A cursor over one figure's text; each method consumes what it recognises.

    `s` is the text as written (spaces folded), which messages quote; `subject` is what the
    patterns match: `s` lowered when its case folds plainly (`lowered`), else `s` itself."""

    def __init__(self, raw: str, lowered: bool | None = None) -> None:
        self.raw = raw
        s = raw.replace("\u2212", "-").replace("×", "x")
        plain = _folds_plainly(s)
        s = _rx(r"\s+", plain).sub(" ", s).strip()  # every space, no-break and thin ones too
        self.s = s
        self.lowered = plain if lowered is None else lowered and plain
        self.subject = s.lower() if self.lowered else s
        self._table = _COMPILED_LOWER if self.lowered else _COMPILED
        self.i = 0

    def fail(self, reason: str) -> ValueParseError:
        return ValueParseError(f"cannot read {_shown(self.raw)} as a value: {reason}", self.raw)

    def take(self, pattern: str) -> re.Match[str] | None:
        if self.lowered:
            firsts = _TAKE_FIRSTS.get(pattern)
            if firsts is not None and self.subject[self.i : self.i + 1] not in firsts:
                return None
        m = (self._table.get(pattern) or _rx(pattern, self.lowered)).match(self.subject, self.i)
        if m:
            self.i = m.end()
        return m

    def skip_space(self) -> None:
        self.take(r" *")

    def parse(self) -> Value:
        if not self.s:
            raise ValueParseError("empty value: write a figure such as $13.8B, 45% or 300,000+", self.raw)
        # Lowered text that cannot be a decade or start with a qualifier is not tried against
        # their patterns, so a run that reads only plain figures never compiles them.
        lowered, subject = self.lowered, self.subject
        if not lowered or ("0" in subject and "s" in subject):
            decade = _rx(_DECADE, lowered).fullmatch(subject)
            if decade:
                return self._decade(decade)
        qualifier = None
        for pattern, name in _PREFIXES_BY_FIRST.get(subject[0], ()) if lowered else _PREFIXES:
            if self.take(pattern):
                qualifier = name
                break
        self.skip_space()
        left = self.side()
        self.skip_space()
        right = None
        # The dashes as one class: as three branches, their first characters make a set Python's
        # pattern compiler takes five times as long over.
        sep = r"(?:[‒–—]|-|to\b)" if qualifier != "between" else r"(?:[‒–—]|-|to\b|and\b)"
        if self.take(sep):
            self.skip_space()
            right = self.side()
            self.skip_space()
        if self.i < len(self.s):
            raise self.fail(f"unexpected {self.s[self.i :]!r}")
        if qualifier == "between" and right is None:
            raise self.fail("'between' needs two ends, as in 'between 5 and 10'")
        return self._build(qualifier, left, right)

    def side(self) -> _Side:
        side = _Side()
        before = self.take(r"[-+]")
        symbol = self.symbol()
        if symbol:
            side.currency = _SYMBOL_CODES[symbol.upper()]
        else:
            m = self.take(r"([a-z]{3})(?= ?[-+]?\.?\d)")
            if m:
                side.currency = self.code(self.s[m.start(1) : m.end(1)])  # as written, for its message
                self.skip_space()
        after = self.take(r"[-+]") if side.currency else None
        if before and after:
            raise self.fail("it has two signs")
        sign = before or after
        side.negative = sign is not None and sign.group() == "-"
        m = self.take(_NUMBER)
        if not m:
            if not _rx(r"\d", self.lowered).search(self.subject):
                raise self.fail("there is no number in it")
            raise self.fail(f"expected a number at {self.s[self.i :] or 'the end'!r}")
        side.number = m.group()
        self.plus(side)
        self.skip_space()
        m = self.take(_SCALE)
        if m:
            side.scale = _SCALE_WORDS[m.group(1).lower()]
        self.plus(side)
        m = self.take(r" ?([a-z]{3})(?![a-z])")
        if m:
            code = m.group(1).upper()
            if currency_code(code) is not None:
                if side.currency and side.currency != self.code(code):
                    raise self.fail(f"two currencies, {side.currency} and {self.code(code)}")
                side.currency = self.code(code)
            else:
                self.i = m.start()
        if self.take(r" ?(?:%|percent\b|per ?cent\b|pct\b)"):
            side.unit = "percent"
        elif self.take(r" ?x(?![a-z])"):
            side.unit = "ratio"
        self.plus(side)
        m = self.take(r"(?:/ ?| ?\bper )([a-z][a-z-]*)") or self.take(r" ?(p\.a\.)")
        if m:
            word = m.group(1).lower()
            unit = "year" if word == "p.a." else _PER_UNITS.get(word, word)
            if side.unit is not None:
                raise self.fail(f"{side.unit} cannot also be per {unit}")
            side.unit = unit
        self.plus(side)
        return side

    def symbol(self) -> str | None:
        """The currency symbol at the cursor, taken. Lowered text is looked at for each symbol in
        turn, as the pattern would try them: the pattern's first characters, many beyond Latin-1,
        make a set that takes Python's pattern compiler long to build."""
        if not self.lowered:
            m = self.take(_SYMBOL_RX)
            return m.group() if m else None
        if self.subject[self.i : self.i + 1] not in _SYMBOL_FIRSTS:
            return None
        for symbol in _SYMBOLS_LOWERED:
            if self.subject.startswith(symbol, self.i):
                self.i += len(symbol)
                return symbol
        return None

    def plus(self, side: _Side) -> None:
        if self.take(r" ?\+"):
            if side.plus:
                raise self.fail("two '+' signs")
            side.plus = True

    def code(self, word: str) -> str:
        code = currency_code(word)
        if code is None:
            raise self.fail(f"{word!r} is not a currency code")
        return code

    def number(self, side: _Side, scale: str | None) -> float:
        text = side.number.replace(",", "").lower()
        mantissa, _, exp = text.partition("e")
        try:
            exponent = int(exp or "0") + _SCALE_EXP.get(scale or "", 0)
        except ValueError:  # an exponent of thousands of digits
            raise self.too_large() from None
        # One decimal-to-float conversion, so "13.8B" is exactly float("13.8e9").
        value = float(f"{mantissa}e{exponent}")
        if math.isinf(value):
            raise self.too_large()
        return -value if side.negative else value

    def too_large(self) -> ValueParseError:
        return ValueParseError(f"{_shown(self.raw)} is too large for a number", self.raw)

    def _build(self, qualifier: str | None, left: _Side, right: _Side | None) -> Value:
        sides = [left] if right is None else [left, right]
        currency = self._agree("currencies", [s.currency for s in sides])
        unit = self._agree("units", [s.unit for s in sides])
        if currency and unit in ("percent", "ratio"):
            raise self.fail(f"a {unit} cannot be an amount in {currency}")
        if right is None:
            scale = left.scale
            number = self.number(left, scale)
            if left.plus:
                if qualifier not in (None, "about"):
                    raise self.fail("it has two qualifiers ('+' and a leading one)")
                qualifier = "at_least"  # "~$1B+": the bound itself is rough; it is still a floor
            qualifier = qualifier or "exact"
            low = number if qualifier in ("exact", "about", "at_least", "above") else None
            high = number if qualifier in ("exact", "about", "at_most", "below") else None
            return Value(self.raw, low, high, qualifier, currency, scale, unit)
        if left.plus or right.plus:
            raise self.fail("a range cannot end in '+'")
        if qualifier not in (None, "about", "between"):
            raise self.fail("a bound such as '<' or 'at least' cannot apply to a range")
        # "1–2B": a scale written only on the right applies to both ends,
        # unless that makes no range: "$500–$2K" is $500 to $2,000.
        high = self.number(right, right.scale)
        low = self.number(left, left.scale or right.scale)
        if left.scale is None and right.scale and low > high:
            low = self.number(left, None)
        if low > high:
            raise ValueParseError(
                f"range {_shown(self.raw)} has its low end above its high end "
                f"({format_number(low)} > {format_number(high)})",
                self.raw,
            )
        return Value(self.raw, low, high, "range", currency, right.scale or left.scale, unit)

    def _agree(self, what: str, found: list[str | None]) -> str | None:
        named = {f for f in found if f is not None}
        if len(named) > 1:
            raise self.fail(f"its ends are in different {what} ({' and '.join(sorted(named))})")
        return named.pop() if named else None

    def _decade(self, m: re.Match[str]) -> Value:
        band = m.group(1).lower() if m.group(1) else None
        tens = int(m.group(2)) * 10
        first, last = _DECADE_BANDS[band]
        unit = "percent" if m.group(3) else None
        return Value(self.raw, float(tens + first), float(tens + last), "range", None, None, unit)


# --- growth ----------------------------------------------------------------


# What a change or a rate that overflows a float is shown as (figures near 1.8e308).
TOO_LARGE = "too large to compute"


class Growth:
    """The change from one figure to another.

    `approximate` is True unless both figures are exact points. `bound` is
    None for an estimate (from "about" figures or range midpoints), or
    "at_least"/"at_most" when an open-ended figure makes `change` and `pct`
    only a guaranteed floor or ceiling of the true growth. `ratio` is new ÷
    old, what compounding needs, and is known only when both figures are
    above zero: `pct` is taken against |old| (a loss shrinking from -$2M to
    -$1M is +50%), which compounds to nothing meaningful.
    """

    __slots__ = ("change", "pct", "approximate", "bound", "currency", "unit", "ratio")
    __match_args__ = __slots__

    change: float | None
    pct: float | None
    approximate: bool
    bound: str | None
    currency: str | None
    unit: str | None
    ratio: float | None

    def __init__(
        self,
        change: float | None,
        pct: float | None,
        approximate: bool,
        bound: str | None = None,
        currency: str | None = None,
        unit: str | None = None,
        ratio: float | None = None,
    ) -> None:
        for name, value in zip(self.__slots__, (change, pct, approximate, bound, currency, unit, ratio)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple:
        # Copied and pickled through __init__, which alone may set the fields.
        return (self.__class__, tuple(getattr(self, name) for name in self.__slots__))

    def _compared(self) -> tuple:
        # Not `ratio`: it follows from the same two figures as `change` and `pct`.
        return (self.change, self.pct, self.approximate, self.bound, self.currency, self.unit)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Growth({fields})"

    def display(self, *, with_change: bool = True, with_pct: bool = True) -> str:
        """Compact text: `+$25M (+50%)`, `≈+$25M (≈+50%)`, `≥+$9.8B (≥+245%)`; `+5pp` for percents."""
        mark = ""
        if self.approximate:
            mark = {"at_least": "≥", "at_most": "≤"}.get(self.bound or "", "≈")
        change = pct = None
        if with_change and self.change is not None and not math.isfinite(self.change):
            change = TOO_LARGE
        elif with_change and self.change is not None:
            if self.unit == "percent":  # a change between percentages is in points
                change = f"{_sign(self.change)}{_compact(self.change, scaled=False)}pp"
            else:
                change = _sign(self.change) + format_number(abs(self.change), currency=self.currency, unit=self.unit)
            change = mark + change
        if with_pct and self.pct is not None:
            pct = TOO_LARGE if not math.isfinite(self.pct) else f"{mark}{_sign(self.pct)}{_pct_text(self.pct)}%"
        if change == pct == TOO_LARGE:
            return TOO_LARGE
        if change and pct:
            return f"{change} ({pct})"
        return change or pct or ""

    def cagr(self, years: float) -> float | None:
        """Compound annual growth in percent over `years`; as approximate, or as bounded, as this growth.

        None unless both figures are above zero: from zero, across a change
        of sign or between two losses there is no rate to compound.
        """
        if self.ratio is None or self.ratio <= 0 or years <= 0:
            return None
        try:
            rate = (self.ratio ** (1 / years) - 1) * 100
        except OverflowError:
            return None
        return rate if math.isfinite(rate) else None


def _sign(x: float) -> str:
    if x > 0:
        return "+"
    return "-" if x < 0 and _compact(x, scaled=False) != "0" else ""


def _pct_text(pct: float) -> str:
    # Whole percents from 100% up ("+245%"), 3 significant figures below.
    if abs(pct) >= 100:
        return f"{round(abs(pct)):d}"
    return _compact(pct, scaled=False)


def _relative(old: float, new: float) -> float | None:
    # Against |old|, so a loss shrinking from -$2M to -$1M reads as +50%.
    return None if old == 0 else (new - old) / abs(old) * 100


def _ratio(old: float, new: float) -> float | None:
    # Only growth between positive figures compounds.
    return new / old if old > 0 and new > 0 else None


def growth(old: Value, new: Value) -> Growth | None:
    """The growth from `old` to `new`, or None when they are not comparable.

    Both figures exact: an exact change. "about" or a range on either side:
    an approximate change between midpoints. An open side (`<$4B`, `300K+`):
    only what the bounds guarantee, marked as a floor or ceiling — from
    `<$4B` to `$13.8B` is at least +$9.8B (+245%); the % bound assumes an
    amount or count below a bound is still positive (not so for percent
    figures, whose % bound is then None). Both open the same way: None.
    """
    if old.currency != new.currency or old.unit != new.unit:
        return None
    cur, unit = new.currency, new.unit
    closed = all(v is not None for v in (old.low, old.high, new.low, new.high))
    if closed:
        a, b = old.midpoint, new.midpoint
        assert a is not None and b is not None
        exact = old.qualifier == "exact" and new.qualifier == "exact"
        return Growth(b - a, _relative(a, b), not exact, None, cur, unit, _ratio(a, b))
    if new.low is not None and old.high is not None:
        # The smallest new value against the largest old one is the least growth.
        change = new.low - old.high
        # An open low side is taken as "above zero" for amounts and counts, but
        # not for percentages: a margin or a growth rate below 5% may be negative.
        floor_known = old.low is not None or unit != "percent"
        old_positive = old.high > 0 and floor_known and (old.low is None or old.low > 0)
        pct = (new.low / old.high - 1) * 100 if old_positive and new.low >= 0 else None
        ratio = _ratio(old.high, new.low) if old_positive else None
        return Growth(change, pct, True, "at_least", cur, unit, ratio)
    if new.high is not None and old.low is not None:
        change = new.high - old.low
        pct = (new.high / old.low - 1) * 100 if old.low > 0 and new.high >= 0 else None
        return Growth(change, pct, True, "at_most", cur, unit, _ratio(old.low, new.high))
    return None  # both open the same way (300K+ to 500K+): nothing is guaranteed
