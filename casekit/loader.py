"""YAML → `Case`, reporting every problem in a file at once with its position.

PyYAML's C parser composes the document into nodes; nothing is constructed
by PyYAML itself. A schema-guided walker then builds plain data from the
nodes, which lets it see what `yaml.safe_load` hides: duplicate keys, the
text of a date or a figure as written, the position of every value. Tags
that would build objects are refused, and alias expansion is bounded, so a
hostile file can neither run code nor exhaust memory.

An item that does not build is left out of the case the checks see, and
the checks skip what depends on it (see `checks.Gaps`), so one file's
structural errors, dangling references and warnings all come out together.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import operator
import os
import re
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from casekit.checks import Gaps, check_case, is_slug, slug_hint
from casekit.dates import DateError, PartialDate
from casekit.errors import CaseNotFound, InvalidCase, UsageError
from casekit.model import Case, Metric
from casekit.problems import Problem, did_you_mean, likely_meant, meant_hint, one_line, shown
from casekit.pyyaml import yaml
from casekit.registry import SECTIONS
from casekit.values import Value, ValueParseError

# A real case is tens of kilobytes. Far beyond that, parsing takes long enough
# to look like a hang, so refuse with a message instead (CASEKIT_MAX_CASE_MB).
DEFAULT_MAX_CASE_MB = 16
# Aliases are bounded by what they expand to: the text reached again through
# them, added to the file's own, may not pass the size casekit reads as one
# case (max_case_bytes). An alias never lets through what the same file
# written out would not, and never refuses what it would take.
_NODE_CHARS = 4  # the least a node takes written out, besides its text

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _NULL, _TIMESTAMP = (_TAG + t for t in ("str", "int", "float", "null", "timestamp"))
_SEQ, _MAP, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "merge"
_SAFE_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, same behaviour
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, resolving tags with less Python per node.

    PyYAML's resolver is Python code that libyaml's composer calls for every
    node, and most of it serves path resolvers, which casekit never registers
    (the walker decides what a node means from the model). A plain scalar is
    matched against the same implicit resolvers the safe loader has, by its
    first character; any other scalar is text, and a collection is a list or
    a mapping.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any, _scalar: Any = yaml.ScalarNode) -> str:
        if kind is _scalar:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    # libyaml's composer calls these two around every node, for path resolvers. C functions
    # that take the same arguments and do nothing that matters with them cost a third of a
    # Python method's call. (A C function kept on a class is not bound to the instance.)
    descend_resolver = operator.is_  # (node, index) -> ignored
    ascend_resolver = gc.isenabled  # () -> ignored


def _core_schema_resolvers() -> dict:
    """Plain scalars as YAML 1.2's core schema reads them, as editors and most tools now do:
    `No`, `on`, `y` are text, not booleans; `0777`, `1_000` and `1:20` are text, not numbers.
    Timestamps and merge keys stay as PyYAML reads them (the model decides what a date is)."""
    core = {
        "bool": (r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        "int": (r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        "float": (
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            "-+.0123456789",
        ),
        "null": (r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    }
    replaced = {_TAG + name for name in core}
    table = {
        first: [(tag, regexp) for tag, regexp in entries if tag not in replaced]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for name, (pattern, firsts) in core.items():
        regexp = re.compile(pattern)
        for first in firsts:
            table.setdefault(first, []).append((_TAG + name, regexp))
    return table


_Loader.yaml_implicit_resolvers = _core_schema_resolvers()


def plain_is_text(text: str) -> bool:
    """True when casekit reads `text`, written as a plain scalar, as text (not a number, a boolean, a null)."""
    for tag, regexp in _Loader.yaml_implicit_resolvers.get(text[:1], ()):
        if regexp.match(text):
            return tag == _STR
    return True


_INVALID = object()

# Numbers in a case (a principle's n, a moat's rank, the format version) count things.
MAX_WHOLE_NUMBER = 1_000_000
# Problems about a value, which name the key they were found under.
_VALUE_CODES = frozenset({"wrong-type", "bad-choice", "bad-date", "bad-value", "out-of-range", "empty-value"})
# How messages name an item of each type.
_NOUNS = {"FlywheelEdge": "flywheel edge", "Event": "event", "Observation": "observation", "Role": "role"}
# Lists whose items are checked one by one: a broken item is left out and the rest are kept.
_ITEM_LISTS = {Case: frozenset(SECTIONS), Metric: frozenset({"observations"})}
# Line breaks as editors count them. YAML 1.1 also breaks lines at U+0085,
# U+2028 and U+2029, and str.splitlines() at a few more; positions must
# match what the user's editor shows.
_BREAK = r"\r\n|\r|\n"
_RANGE_HINT = "write it as 2019, 2019-08, 2019-08-14, Q1 2024, late 2022, 2016/2020 …"


def load_case(path: str | os.PathLike) -> Case:
    """Load and check one case file; raise `InvalidCase` on any error."""
    case, problems = check_file(path)
    if case is None or any(p.severity == "error" for p in problems):
        raise InvalidCase(str(path), problems)
    return case


def check_file(path: str | os.PathLike) -> tuple[Case | None, list[Problem]]:
    """Load a case file and run every check; the case is None when it has errors."""
    display = str(path)
    data = read_bytes(path)
    return check_bytes(data, display, stem=Path(path).stem)


def max_case_bytes(env: typing.Mapping[str, str] | None = None) -> int:
    """The largest case file casekit reads: CASEKIT_MAX_CASE_MB megabytes, 16 unless set."""
    env = os.environ if env is None else env
    raw = env.get("CASEKIT_MAX_CASE_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_CASE_MB * 2**20
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 2**40:  # also refuses nan and inf
        raise UsageError(
            f"CASEKIT_MAX_CASE_MB is {raw!r}, not a size in megabytes",
            hint="set it to a number such as 16, or unset it",
        )
    return max(1, int(megabytes * 2**20))


def read_bytes(path: str | os.PathLike, *, regular_only: bool = False) -> bytes:
    """The file's bytes, or `CaseNotFound` with a message naming it.

    At most the size limit plus one byte is ever read, whatever the file is
    (a regular file, a device such as /dev/zero, a pipe). With `regular_only`
    (a file found by listing a directory, not named by the user), anything but
    a regular file is refused without waiting on it: a case file swapped for a
    FIFO mid-run must not hang a library command.
    """
    import stat

    limit = max_case_bytes()
    # Opened without waiting: opening a FIFO would block until a writer came.
    fd = _open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise CaseNotFound(f"{path}: is a directory, not a case file")
        regular = stat.S_ISREG(st.st_mode)
        if not regular and regular_only:
            raise CaseNotFound(f"{path}: not a regular file (a FIFO, socket or device); casekit reads case files")
        if not regular:
            os.set_blocking(fd, True)
        if stat.S_ISFIFO(st.st_mode):  # named on purpose: wait for its writer, as `cat` would
            import select

            select.select([fd], [], [])
        if regular and st.st_size > limit:
            raise too_large(str(path), limit, st.st_size)
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as stream:
            return _read_at_most(stream, limit, str(path), st.st_size if regular else 0)
    except IsADirectoryError:
        raise CaseNotFound(f"{path}: is a directory, not a case file") from None
    except PermissionError:
        raise CaseNotFound(f"{path}: permission denied") from None
    except OSError as exc:
        raise CaseNotFound(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _open(path: str | os.PathLike, flags: int) -> int:
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        raise CaseNotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CaseNotFound(f"{path}: is a directory, not a case file") from None
    except PermissionError:
        raise CaseNotFound(f"{path}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise CaseNotFound(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None


def read_stream(stream: BinaryIO, display: str = "<stdin>") -> bytes:
    """All of a binary stream (standard input), refused past the size limit."""
    try:
        return _read_at_most(stream, max_case_bytes(), display)
    except OSError as exc:
        raise CaseNotFound(f"{display}: cannot read ({exc.strerror or exc})") from None


def check_stream(stream: BinaryIO, display: str = "<stdin>") -> tuple[Case | None, list[Problem]]:
    """Parse and check the case a binary stream (standard input) holds; one that cannot be read
    whole is one `unreadable` problem."""
    try:
        data = read_stream(stream, display)
    except CaseNotFound as exc:
        return None, [unreadable_problem(display, exc)]
    return check_bytes(data, display)


def unreadable_problem(path: str, exc: CaseNotFound) -> Problem:
    """A file or stream that could not be read, as the one problem reported for it."""
    return Problem(path, None, None, "error", "unreadable", exc.message.removeprefix(f"{path}: "), exc.hint)


def _read_at_most(stream: BinaryIO, limit: int, display: str, size_hint: int = 0) -> bytes:
    # Chunked, so a huge limit never becomes one huge allocation; a regular
    # file is read whole in the first chunk and confirmed at its end by the second.
    chunks: list[bytes] = []
    total = 0
    chunk = max(size_hint + 1, 1 << 16)
    while True:
        data = stream.read(min(chunk, limit + 1 - total))
        if not data:
            return b"".join(chunks)
        chunks.append(data)
        total += len(data)
        if total > limit:
            raise too_large(display, limit)
        chunk = 1 << 20


def too_large(display: str, limit: int, size: int | None = None) -> CaseNotFound:
    """The error for a case larger than `limit` bytes (`size`, when known before reading)."""
    what = f"{_size(size)} is larger than" if size is not None else "it goes on past"
    return CaseNotFound(
        f"{display}: {what} the {_size(limit)} casekit reads as one case",
        hint="split it into several cases, or raise CASEKIT_MAX_CASE_MB",
    )


def _size(n: int) -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{round(n / scale, 1):g} {unit}"
    return f"{n} bytes"


def case_from_bytes(data: bytes, label: str, stem: str | None = None, validate: str | None = None) -> Case:
    """A case from bytes (a file at a revision, a temporary file from git); `InvalidCase` if it is not
    one, its hint `validate` (the command that shows every problem) or `casekit validate LABEL`."""
    case, problems = check_bytes(data, label, stem=stem)
    if case is None:
        raise InvalidCase(label, problems, validate=validate)
    return case


def check_bytes(data: bytes, path: str = "<case>", *, stem: str | None = None) -> tuple[Case | None, list[Problem]]:
    """Parse and check the bytes of one case file."""
    # Loading makes thousands of nodes, dicts and lists, none of them garbage
    # until it ends; the cyclic collector would walk them (and the rest of the
    # heap) again and again meanwhile, a fifth of the time of a load. Cycles
    # made on the way (an alias inside its own anchor) are collected after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        case, problems = _check_bytes(data, path, stem)
    finally:
        if collecting:
            gc.enable()
    if case is None and not _CASE_KEY.search(data):
        return None, _not_a_case(path, problems)
    return case, problems


# A case says `casekit: 1` (as YAML, or as JSON); a file that does not is not echoed back.
_CASE_KEY = re.compile(rb"""["']?\bcasekit["']?[ \t]*:""")


# Problems whose messages quote nothing of the file: kept, without their source lines.
_CONTENT_FREE = frozenset({"encoding", "empty", "not-a-mapping", "yaml-syntax"})


def _not_a_case(path: str, problems: list[Problem]) -> list[Problem]:
    """What is reported of a file with no `casekit:` key that does not load.

    Neither its lines nor its keys are quoted: such a file may be anything a link
    or a wrong path leads to (`/proc/self/environ`, a password file), and what a
    check prints may end up in a public CI log."""
    kept = [
        Problem(p.path, p.line, p.column, p.severity, p.code, p.message, p.hint)
        for p in problems
        if p.code in _CONTENT_FREE
    ]
    return kept or [
        Problem(
            path,
            1,
            1,
            "error",
            "not-a-case",
            "not a case file: it has no top-level `casekit:` key",
            "a case file starts with `casekit: 1`; `casekit new` writes one",
        )
    ]


def _check_bytes(data: bytes, path: str, stem: str | None) -> tuple[Case | None, list[Problem]]:
    text, problem = _decode(data, path)
    if problem:
        return None, [problem]
    source = _Source(text)
    root, problem = _compose(source, path)
    if problem:
        return None, [problem]
    walker = _Walker(path, source)
    if root is None:
        walker.problems.append(Problem(path, 1, 1, "error", "empty", "the file is empty; a case is a mapping of keys"))
        return None, walker.problems
    if not isinstance(root, yaml.MappingNode):
        walker.error(root, "not-a-mapping", f"a case is a mapping of keys, not {_kind(root)}")
        return None, walker.problems
    try:
        plain = walker.build(root, Case)
    except _TooManyAliases as exc:
        walker.alias_bomb(exc)
        return None, sorted(walker.problems, key=_position)
    version = plain.get("casekit")
    if version is not None and version != 1:
        walker.error(
            _locate(root, ("casekit",)),
            "format-version",
            f"unsupported format version {version}; this casekit reads version 1",
        )
    gaps = walker.gaps(plain)
    case = _make(Case, _with_placeholders(plain))
    problems = walker.problems + check_case(
        case,
        lambda where, at_key=False: walker.position(_locate(root, where, at_key)),
        path=path,
        stem=stem,
        gaps=gaps,
    )
    problems = sorted(dict.fromkeys(problems), key=_position)  # each problem once, in file order
    if any(p.severity == "error" for p in problems):
        return None, problems
    return case, problems


def _with_placeholders(plain: dict) -> dict:
    """The top level with a stand-in for every required key that did not build (the checks skip those)."""
    out = dict(plain)
    for name, field in _fields(Case).items():
        if name not in out and field.required:
            out[name] = _PLACEHOLDERS.get(name, [])
    return out


_PLACEHOLDERS: dict[str, Any] = {
    "casekit": 1,
    "id": "",
    "company": "",
    "title": "",
    "as_of": PartialDate("", date.min, date.min, "day"),
}


def _position(p: Problem) -> tuple[int, int]:
    return (p.line or 0, p.column or 0)


class _Source:
    """A case file's text, with lines and columns counted as editors count them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The lines, split at \\n, \\r\\n and \\r only."""
        if self._lines is None:
            lines = re.split(_BREAK, self.text)
            if lines and lines[-1] == "":
                lines.pop()
            self._lines = lines
        return self._lines

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of the character at `index`."""
        import bisect

        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(_BREAK, self.text)]
        line = bisect.bisect_right(self._starts, index) - 1
        return line + 1, index - self._starts[line] + 1

    def line(self, number: int | None) -> str | None:
        """The text of line `number`, or None past the end."""
        if number is None or not 1 <= number <= len(self.lines):
            return None
        return self.lines[number - 1]

    @property
    def last_line(self) -> int:
        """The number of the file's last line (1 for an empty file)."""
        return max(1, len(self.lines))


def _decode(data: bytes, path: str) -> tuple[str, Problem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        # Everything before the bad byte is valid UTF-8: count lines and columns in its characters.
        before = _Source(data[: exc.start].decode("utf-8"))
        line, column = before.position(len(before.text))
        head = before.text[len(before.text) - column + 1 :]
        rest = re.split(rb"\r|\n", data[exc.start :], maxsplit=1)[0]
        source_line = head + rest.decode("utf-8", errors="replace")
        hint = None
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = "the file is UTF-16; save it as UTF-8"
        return "", Problem(
            path,
            line,
            column,
            "error",
            "encoding",
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            hint,
            source_line,
        )


def _compose(source: _Source, path: str) -> tuple[Any, Problem | None]:
    loader = _Loader(source.text)
    try:
        return loader.get_single_node(), None
    except yaml.MarkedYAMLError as exc:
        return None, _syntax_problem(exc, source, path)
    except yaml.reader.ReaderError as exc:
        line, column = source.position(exc.position)
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return None, Problem(
            path,
            line,
            column,
            "error",
            "bad-character",
            f"character U+{character:04X} is not allowed in YAML ({exc.reason})",
            hint="remove it, or write it as an escape inside double quotes",
            source_line=source.line(line),
        )
    except yaml.YAMLError as exc:
        return None, Problem(path, None, None, "error", "yaml-syntax", one_line(f"YAML syntax: {exc}"))
    except RecursionError:
        return None, Problem(path, None, None, "error", "too-deep", "the document is nested too deeply")
    finally:
        loader.dispose()


# What was left open when the file ran out, by the parser's context.
_UNCLOSED = {
    "while scanning a quoted scalar": "the quote here is never closed",
    "while parsing a flow sequence": "the `[` here is never closed",
    "while parsing a flow mapping": "the `{` here is never closed",
}


def _syntax_problem(exc: yaml.MarkedYAMLError, source: _Source, path: str) -> Problem:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark, context_mark = exc.problem_mark or exc.context_mark, exc.context_mark
    line, column = source.position(mark.index) if mark else (None, None)
    context_line = source.position(context_mark.index)[0] if context_mark is not None else None
    ran_out = line is not None and (mark.index >= len(source.text) or line > source.last_line)
    if ran_out and context_mark is not None:
        # Noticed at the end of the file; what is wrong is where the quote,
        # bracket or key it was reading started.
        line, column = source.position(context_mark.index)
        if context in _UNCLOSED:
            message = f"{_UNCLOSED[context]}; it runs to the end of the file (line {source.last_line})"
        else:
            message = f"{problem} ({context})"
    elif context.startswith("found duplicate anchor"):
        message = f"duplicate anchor (first on line {context_line})"
    elif context and problem:
        message = f"{problem} ({context}"
        if context_line is not None and context_line != line:
            message += f" that starts on line {context_line}"
        message += ")"
    else:
        message = problem or context or "invalid YAML"
    if "single document" in message or "expected <document start>" in message:
        message = "several documents in one file; a case file holds one"
    if ran_out and context_mark is None:
        line, column = source.last_line, 1
    return Problem(
        path,
        line,
        column,
        "error",
        "yaml-syntax",
        one_line(f"YAML syntax: {message}"),
        hint=_syntax_hint(message, source, line, column, context_line),
        source_line=source.line(line),
    )


def _syntax_hint(
    message: str, source: _Source, line: int | None, column: int | None, context_line: int | None = None
) -> str | None:
    text = source.line(line) or ""
    near = text[max(0, (column or 1) - 2) : (column or 1)]
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    if "tab character" in message or "\t" in indent or "\t" in near:
        return "YAML indents with spaces, not tabs"
    for number in dict.fromkeys((line, context_line)):
        if any(ch in (source.line(number) or "") for ch in "\x85\u2028\u2029"):
            where = "this line" if number == line else f"line {number}"
            return (
                f"{where} holds a line separator (U+2028, U+2029 or U+0085), which YAML reads "
                "as a line break though editors do not; remove it"
            )
    if "mapping values are not allowed" in message:
        value = text.partition(": ")[2]
        if ": " in value or value.rstrip().endswith(":"):
            return "a value containing ': ' needs quotes"
        above = next(
            (s for s in reversed(source.lines[: (line or 1) - 1]) if s.strip() and not s.lstrip().startswith("#")), None
        )
        if above is not None and len(text) - len(text.lstrip()) > len(above) - len(above.lstrip()):
            return "this line is indented more than the one above, so YAML reads it as part of that value"
    return None


def _kind(node: Any) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(_TAG)
    return {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "null": "nothing (null)",
        "timestamp": "a date",
    }.get(tag, shown(node.value))


def _node_id(node: Any) -> str | None:
    """The text of an item's `id`, read straight from its node (for an item that did not build)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == "id":
                if isinstance(value_node, yaml.ScalarNode) and value_node.tag == _STR:
                    return value_node.value
                return None
    return None


class _TooManyAliases(Exception):
    """Raised where alias expansion passes a bound; the frames it unwinds through add their
    steps (keys and indexes) to `path`, the way from the root to `node`, innermost first."""

    def __init__(self, node: Any, message: str, hint: str | None = None) -> None:
        self.node = node
        self.message = message
        self.hint = hint
        self.path: list[str | int] = []


def _alias_index(text: str, path: tuple) -> int | None:
    """Where in `text` the alias lies through which the walker reached the node at `path`.

    Composed nodes keep no trace of the aliases that led to them (an alias is its
    anchor's node), so the events are read again, only when expansion went too
    far: the alias is the first one met on the way down `path`.
    """
    loader = _Loader(text)
    stack: list[list] = []  # per open collection: [its path, is a mapping, next index or key, expecting a key]
    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return None
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            if not stack:
                where: tuple = ()
            else:
                frame = stack[-1]
                if not frame[1]:
                    where = frame[0] + (frame[2],)
                    frame[2] += 1
                elif frame[3]:  # a key: no step of a path (`_KEY` matches none)
                    frame[2] = event.value if isinstance(event, yaml.ScalarEvent) else _KEY
                    frame[3] = False
                    where = frame[0] + (_KEY,)
                else:
                    where = frame[0] + (frame[2],)
                    frame[3] = True
            if isinstance(event, yaml.AliasEvent) and where == path[: len(where)]:
                return event.start_mark.index
            if isinstance(event, yaml.CollectionStartEvent):
                stack.append([where, isinstance(event, yaml.MappingStartEvent), 0, True])
    except yaml.YAMLError:  # the text composed once, so this is not expected
        return None
    finally:
        loader.dispose()


_KEY = object()


class _Items:
    """What became of one list of items: the file index of each built item, and the broken ones' ids."""

    __slots__ = ("broken", "built", "positions")

    def __init__(self, built: list, positions: list[int], broken: dict[int, str | None]) -> None:
        self.built = built
        self.positions = positions
        self.broken = broken


class _Walker:
    """Builds plain data from nodes against the model's types, noting every problem."""

    def __init__(self, path: str, source: _Source) -> None:
        self.path = path
        self.source = source
        self.problems: list[Problem] = []
        self._reported: set[tuple] = set()
        self._seen: set[int] = set()
        self._aliased_chars = 0  # characters of text reached again through aliases
        self._alias_budget: int | None = None  # how many more the size limit allows, once an alias is met
        self._key: str | None = None  # the key whose value is being built, to name it in messages
        self._items: dict[int, _Items] = {}  # id(built list) -> what became of its items
        self._broken_keys: set[str] = set()  # top-level keys missing, duplicated or not built

    # -- reporting ---------------------------------------------------------
    def position(self, node: Any) -> tuple[int | None, int | None, str | None]:
        if node is None:
            return None, None, None
        line, column = self.source.position(node.start_mark.index)
        return line, column, self.source.line(line)

    def error(self, node: Any, code: str, message: str, hint: str | None = None) -> None:
        if self._key and code in _VALUE_CODES:
            message = f"{shown(self._key)}: {message}"
        line, column, text = self.position(node)
        message, hint = one_line(message), hint and one_line(hint)
        # A node reached through several aliases is reported once.
        if (line, column, code, message) in self._reported:
            return
        self._reported.add((line, column, code, message))
        self.problems.append(Problem(self.path, line, column, "error", code, message, hint, text))

    def gaps(self, plain: dict) -> Gaps:
        """What the top level and its lists lost to problems, in the file's own indexes."""
        positions: dict[tuple, list[int]] = {}
        broken: dict[str, dict[int, str | None]] = {}
        for name in SECTIONS:
            items = self._items.get(id(plain.get(name)))
            if items is not None:
                positions[(name,)] = items.positions
                broken[name] = items.broken
        metrics = self._items.get(id(plain.get("metrics")))
        if metrics is not None:
            for index, metric in zip(metrics.positions, metrics.built):
                observations = self._items.get(id(metric.observations))
                if observations is not None:
                    positions[("metrics", index, "observations")] = observations.positions
        return Gaps(frozenset(self._broken_keys), positions, broken)

    # -- building ----------------------------------------------------------
    def build(self, node: Any, tp: Any, items: bool = False) -> Any:
        seen = self._seen
        before = len(seen)
        seen.add(id(node))
        if len(seen) == before:  # built already: reached again through an alias
            self._revisit(node)
        if node.tag not in _SAFE_TAGS:
            self._unsafe_tag(node)
            return _INVALID
        kind, arg = _SHAPES.get(id(tp)) or _shape(tp)
        if kind is _OPTIONAL:
            if node.tag == _NULL:
                return None
            tp = arg
            kind, arg = _SHAPES.get(id(tp)) or _shape(tp)
        if kind is _LIST:
            return self._list(node, arg, items)
        if node.tag == _NULL and isinstance(node, yaml.ScalarNode):
            self.error(node, "empty-value", f"the value is empty; expected {_expected(tp)}")
            return _INVALID
        if kind is _CHOICE:
            return self._choice(node, arg)
        return kind(self, node)

    def _revisit(self, node: Any) -> None:
        """Count what a node reached again through an alias would take written out; raise when
        the case, expanded, passes the size casekit reads as one case."""
        if self._alias_budget is None:  # set at the first alias: most cases have none
            self._alias_budget = max_case_bytes() - len(self.source.text)
        # Written out, a node takes its text and at least a few characters more (`- x` and a
        # line break): a "billion laughs" of empty lists is bounded as one of long texts is.
        self._aliased_chars += _NODE_CHARS + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
        if self._aliased_chars > self._alias_budget:
            raise _TooManyAliases(
                node,
                f"aliases expand the case past {_size(max_case_bytes())} of text, "
                'more than casekit reads as one case (a "billion laughs" file?)',
                hint="an alias repeats all its anchor holds; write the text out once, or raise CASEKIT_MAX_CASE_MB",
            )

    def alias_bomb(self, exc: _TooManyAliases) -> None:
        """Report expansion that went too far at the alias in the file that led there."""
        index = _alias_index(self.source.text, tuple(reversed(exc.path)))
        if index is None:  # not found (not expected): at what the alias reached
            self.error(exc.node, "alias-bomb", exc.message, exc.hint)
            return
        line, column = self.source.position(index)
        self.problems.append(
            Problem(self.path, line, column, "error", "alias-bomb", exc.message, exc.hint, self.source.line(line))
        )

    def _unsafe_tag(self, node: Any) -> None:
        tag = node.tag.replace(_TAG, "!!", 1) if node.tag.startswith(_TAG) else node.tag
        self.error(
            node,
            "unsafe-tag",
            f"tag {shown(tag)} is not allowed in a case file",
            hint="casekit reads plain YAML only; remove the tag",
        )

    def _struct(self, node: Any, tp: type[msgspec.Struct]) -> Any:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "wrong-type", f"expected a mapping of keys, got {_kind(node)}")
            return _INVALID
        top = tp is Case  # the top level always builds; what it lacks is noted, not fatal
        item_lists = _ITEM_LISTS.get(tp, frozenset())
        fields = _fields(tp)
        out: dict[str, Any] = {}
        key_nodes: dict[str, Any] = {}
        unknown: list[Any] = []
        ok = True
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                self.error(
                    key_node,
                    "bad-key",
                    "keys must be plain words",
                    hint="merge keys (<<) and complex keys are not supported" if key_node.tag == _MERGE else None,
                )
                ok = False
                continue
            key = key_node.value
            if key_node.tag not in _SAFE_TAGS:
                self._unsafe_tag(key_node)
                ok = False
                if top:
                    self._broken_keys.add(key)
                key_nodes.setdefault(key, key_node)  # refused, not missing
                continue
            if key in key_nodes:
                first = self.position(key_nodes[key])[0]
                self.error(
                    key_node,
                    "duplicate-key",
                    f"duplicate key {shown(key)} (first on line {first}); YAML would keep only the last",
                    hint="merge the two or rename one",
                )
                ok = False
                if top:
                    self._broken_keys.add(key)
                continue
            key_nodes[key] = key_node
            field = fields.get(key)
            if field is None:
                unknown.append(key_node)  # reported once every key is known, with what is missing
                ok = False
                continue
            outer, self._key = self._key, key
            try:
                value = self.build(value_node, field.type, key in item_lists)
            except _TooManyAliases as exc:
                exc.path.append(key)
                raise
            self._key = outer
            if value is _INVALID:
                ok = False
                if top:
                    self._broken_keys.add(key)
            else:
                out[key] = value
        missing = [name for name in _required(tp) if name not in key_nodes]
        # A misspelt key is one problem, not two: `tradoff` is reported with its hint,
        # `tradeoff` is not also reported missing.
        meant_missing = self._unknown_keys(unknown, fields, missing) if unknown else set()
        for name in missing:
            if top:
                self._broken_keys.add(name)
            ok = False
            if name not in meant_missing:
                ident = out.get("id")
                what = f" in {_NOUNS.get(tp.__name__, tp.__name__.lower())}" if tp is not Case else ""
                self.error(
                    node,
                    "missing-key",
                    f"missing required key `{name}`{what}" + (f" {shown(ident)}" if ident and what else ""),
                )
        # Ids and tags that are not slugs are errors, but the item still builds:
        # references to it and its other checks stay meaningful.
        if isinstance(out.get("id"), str) and not is_slug(out["id"]):
            self.error(
                _locate(node, ("id",)), "bad-id", f"id {shown(out['id'])} is not a slug", hint=slug_hint(out["id"])
            )
            if top:  # the case's own id: compared with the file name, so left out
                self._broken_keys.add("id")
                del out["id"]
        for k, tag in enumerate(out.get("tags", ())):
            if not is_slug(tag):
                self.error(
                    _locate(node, ("tags", k)), "bad-tag", f"tag {shown(tag)} is not a slug", hint=slug_hint(tag)
                )
        for k, category in enumerate(out.get("categories", ()) if top else ()):
            if not is_slug(category):
                where = _locate(node, ("categories", k))
                self.error(where, "bad-category", f"category {shown(category)} is not a slug", hint=slug_hint(category))
        if top:
            return out
        return _make(tp, out) if ok else _INVALID

    def _unknown_keys(self, key_nodes: list[Any], fields: dict[str, Any], missing: list[str]) -> set[str]:
        """Report each unknown key with the keys it most likely meant; return the missing ones meant.

        A key that is missing is what an unknown key most likely meant (a key that
        is there already would be a duplicate), so when the likely keys include
        missing ones the hint names only those.
        """
        meant_missing: set[str] = set()
        for key_node in key_nodes:
            meant = likely_meant(key_node.value, fields)
            lacking = [name for name in meant if name in missing]
            meant_missing.update(lacking)
            self.error(
                key_node,
                "unknown-key",
                f"unknown key {shown(key_node.value)}",
                hint=meant_hint(lacking or meant) or "allowed: " + ", ".join(fields),
            )
        return meant_missing

    def _list(self, node: Any, item_type: Any, items: bool = False) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            if node.tag == _NULL:
                return []
            self.error(
                node,
                "wrong-type",
                f"expected a list, got {_kind(node)}",
                hint="write `[a, b]` or one `- item` per line",
            )
            return _INVALID
        out: list = []
        positions: list[int] = []
        broken: dict[int, str | None] = {}
        for index, child in enumerate(node.value):
            try:
                value = self.build(child, item_type)
            except _TooManyAliases as exc:
                exc.path.append(index)
                raise
            if value is _INVALID:
                broken[index] = _node_id(child)
            else:
                out.append(value)
                positions.append(index)
        if items:  # keep what built; the checks learn what did not
            self._items[id(out)] = _Items(out, positions, broken)
            return out
        return _INVALID if broken else out

    def _scalar(self, node: Any, expected: str) -> bool:
        if isinstance(node, yaml.ScalarNode):
            return True
        self.error(node, "wrong-type", f"expected {expected}, got {_kind(node)}")
        return False

    def _text(self, node: Any) -> Any:
        if not self._scalar(node, "text"):
            return _INVALID
        if node.tag in (_STR, _TIMESTAMP):
            return node.value
        self.error(node, "wrong-type", f"expected text, got {_kind(node)}", hint=f'put it in quotes: "{node.value}"')
        return _INVALID

    def _int(self, node: Any) -> Any:
        if not self._scalar(node, "a whole number"):
            return _INVALID
        text = node.value
        if node.tag == _STR and not node.style and len(text) <= 20:  # a plain word: name it (`1:30`, `one`)
            self.error(
                node,
                "wrong-type",
                f"expected a whole number, got {shown(text)}",
                hint="write it in decimal digits, as in 3",
            )
            return _INVALID
        if node.tag not in (_INT, _FLOAT):
            self.error(node, "wrong-type", f"expected a whole number, got {_kind(node)}")
            return _INVALID
        # Decimal digits only: YAML 1.1 would read 010 as 8, 0x1F as 31 and 1:30 as 90.
        if node.tag != _INT or not re.fullmatch(r"[-+]?[0-9]+", text):
            self.error(
                node,
                "wrong-type",
                f"expected a whole number, got {shown(text)}",
                hint="write it in decimal digits, as in 3",
            )
            return _INVALID
        digits = text.lstrip("+-").lstrip("0")
        too_long = len(digits) > len(str(MAX_WHOLE_NUMBER))  # before int(), which refuses thousands of digits
        if text.startswith("-") or too_long or not 1 <= int(digits or "0") <= MAX_WHOLE_NUMBER:
            number = text if len(text) <= 40 else text[:39] + "…"
            self.error(node, "out-of-range", f"{number} is out of range; expected 1 to {MAX_WHOLE_NUMBER:,}")
            return _INVALID
        return int(digits)

    def _choice(self, node: Any, choices: tuple[str, ...]) -> Any:
        if not self._scalar(node, "one of " + ", ".join(choices)):
            return _INVALID
        if node.tag == _STR and node.value in choices:
            return node.value
        self.error(
            node,
            "bad-choice",
            f"{shown(node.value)} is not one of {', '.join(choices)}",
            hint=did_you_mean(str(node.value), choices),
        )
        return _INVALID

    def _date(self, node: Any) -> Any:
        if not self._scalar(node, "a date"):
            return _INVALID
        if node.tag not in (_STR, _INT, _TIMESTAMP):
            self.error(node, "bad-date", f"expected a date, got {_kind(node)}", hint=_RANGE_HINT)
            return _INVALID
        try:
            return PartialDate.parse(node.value)
        except DateError as exc:
            if node.tag == _TIMESTAMP:
                # A YAML timestamp with a time (2022-11-30T10:00:00Z, 2022-11-30
                # 10:00:00): the day as written, and the text as written.
                stamp = _timestamp(node)
                if stamp is not None:
                    return dataclasses.replace(PartialDate.parse(stamp), text=node.value.strip())
            self.error(node, "bad-date", str(exc))
            return _INVALID

    def _value(self, node: Any) -> Any:
        if not self._scalar(node, "a value"):
            return _INVALID
        tag, text = node.tag, node.value
        if tag not in (_INT, _FLOAT, _STR):
            self.error(node, "bad-value", f"expected a value such as $13.8B, 45% or 300,000+, got {_kind(node)}")
            return _INVALID
        # The text as written, never YAML's number: 3:1 is not 181, 010 not 8.
        try:
            value = Value.parse(text)
        except ValueParseError as exc:
            self.error(node, "bad-value", str(exc), hint=_number_hint(text) if not node.style else None)
            return _INVALID
        if tag != _STR and (value.qualifier != "exact" or value.currency or value.unit or value.scale):
            kind = tag.removeprefix(_TAG)
            self.error(
                node,
                "bad-value",
                f"{shown(text)} is tagged `!!{kind}` but is not a plain number",
                hint="remove the tag",
            )
            return _INVALID
        return value


def _number_hint(text: str) -> str | None:
    """What to write instead of a number form (YAML 1.1's, or a programmer's) that casekit does not read."""
    if "_" in text:
        return "write digit groups with commas (13,800,000,000) or a scale (13.8B)"
    if ":" in text:
        return "YAML 1.1 tools read 3:1 as a base-60 number; write a ratio as 3x, or quote the text"
    if re.fullmatch(r"[-+]?0[xXoObB].*", text):
        return "write the number in decimal digits"
    return None


def _timestamp(node: Any) -> Any:
    try:
        return yaml.constructor.SafeConstructor().construct_yaml_timestamp(node)
    except (ValueError, TypeError, AttributeError, OverflowError):  # an explicit !!timestamp on other text
        return None


def _expected(tp: Any) -> str:
    if typing.get_origin(tp) is typing.Literal:
        return "one of " + ", ".join(typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return "a mapping of keys"
    names = {PartialDate: "a date", Value: "a value such as $13.8B", str: "text", int: "a whole number"}
    return names.get(tp, "a value")


_OPTIONAL, _LIST, _CHOICE = "optional", "list", "choice"


# id(type) -> how to build it. By id: the model's types live as long as the model, and
# typing's own hashes (of Literal[...] and the like) are Python code run on every lookup.
_SHAPES: dict[int, tuple[Any, Any]] = {}
_SHAPED: list[Any] = []  # the types in _SHAPES, kept so that their ids stay theirs


def _shape(tp: Any) -> tuple[Any, Any]:
    """How the walker builds a model type: (`_OPTIONAL`, the type), (`_LIST`, the item type),
    (`_CHOICE`, the choices), or (the builder method, None). Worked out once per type, not per node."""
    shape = _SHAPES.get(id(tp))
    if shape is None:
        shape = _SHAPES[id(tp)] = _work_out_shape(tp)
        _SHAPED.append(tp)
    return shape


def _work_out_shape(tp: Any) -> tuple[Any, Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return _OPTIONAL, next(a for a in typing.get_args(tp) if a is not type(None))
    if origin is list:
        return _LIST, typing.get_args(tp)[0]
    if origin is typing.Literal:
        return _CHOICE, typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return functools.partial(_Walker._struct, tp=tp), None
    builders = {PartialDate: _Walker._date, Value: _Walker._value, str: _Walker._text, int: _Walker._int}
    if tp in builders:
        return builders[tp], None
    raise TypeError(f"no builder for {tp!r}")  # a model type this walker does not know


class _Field:
    """What the walker needs of a model field: its type, whether a case must write it, and
    its name in the model (`from_` for the `from` a case writes). A plain class: making a
    NamedTuple class costs ten times as much, in every run that loads a case."""

    __slots__ = ("name", "required", "type")

    def __init__(self, type: Any, required: bool, name: str) -> None:
        self.type = type
        self.required = required
        self.name = name


@functools.cache
def _fields(tp: type[msgspec.Struct]) -> dict[str, _Field]:
    """The fields of a model type by the names a case writes them with.

    Read from what the struct type holds, not `msgspec.structs.fields`, which evaluates every
    annotation again (through typing's machinery, a few milliseconds for the whole model):
    the model's annotations are types already (casekit.model evaluates them as it is imported).
    """
    annotations: dict[str, Any] = {}
    for klass in reversed(tp.__mro__):
        annotations.update(vars(klass).get("__annotations__", {}))
    names = tp.__struct_fields__
    defaults = (msgspec.NODEFAULT,) * (len(names) - len(tp.__struct_defaults__)) + tp.__struct_defaults__
    return {
        written: _Field(annotations[name], default is msgspec.NODEFAULT, name)
        for name, written, default in zip(names, tp.__struct_encode_fields__, defaults)
    }


def _make(tp: type[msgspec.Struct], built: dict[str, Any]) -> Any:
    """The struct of type `tp` with the fields the walker built (by the names a case writes).

    Made directly, not by `msgspec.convert`: the walker has checked every value against the
    model already, and convert would first work out how to check them all again (a few
    milliseconds for the whole model, in every run that parses a case).
    """
    if tp.__struct_fields__ == tp.__struct_encode_fields__:
        return tp(**built)
    fields = _fields(tp)
    return tp(**{fields[written].name: value for written, value in built.items()})


@functools.cache
def _required(tp: type[msgspec.Struct]) -> tuple[str, ...]:
    """The names of the fields a case must write for `tp`, in the model's order."""
    return tuple(name for name, field in _fields(tp).items() if field.required)


def _locate(root: Any, where: tuple, at_key: bool = False) -> Any:
    """The node at a path of keys and indexes (the key's node with `at_key`)."""
    node = root
    for step in where:
        if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
            if not 0 <= step < len(node.value):
                return node
            node = node.value[step]
        elif isinstance(node, yaml.MappingNode):
            # The first occurrence of a key: the one the walker built.
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == step:
                    node = key_node if (at_key and step == where[-1]) else value_node
                    break
            else:
                return node
        else:
            return node
    return node
