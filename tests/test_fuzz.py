"""Fuzzing: generated case files, valid and broken, through the loader and every read-only command.

Each example is a case document built from small strategies for each
section, often mutated (wrong types, missing keys, broken dates and values,
deep nesting, duplicated lines, raw control bytes, Rich markup and terminal
escapes in text), written to a file. Then:

- loading it returns problems, never raises;
- every read-only command (walked from the app's registered commands) exits
  0, 1 or 2, says why on stderr when it fails, never shows a traceback or an
  "internal error";
- the file is left byte for byte and mtime as it was;
- human (table) output carries no ESC, no other C0 or C1 control character
  and no bidi override: case text is data, never terminal control.

A bounded run by default; maintainers run longer with
`CASEKIT_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.library import CaseRef, Library
from casekit.model import CATEGORIES, LIKELIHOODS, SEVERITIES

_LONG = int(os.environ.get("CASEKIT_FUZZ_EXAMPLES", "0") or 0)
COMMAND_EXAMPLES = _LONG or 40
LOAD_EXAMPLES = _LONG * 4 or 80
FUZZ = settings(
    max_examples=COMMAND_EXAMPLES,
    deadline=None,
    derandomize=not _LONG,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Commands that write files (and so are not "read-only"); `export` writes only with -o, never given here.
WRITERS = {"new", "add", "edit", "rename", "rm", "fmt", "import"}  # commands that write case files
# ESC and every other C0 control but newline, DEL, C1 controls, and bidi overrides/isolates.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# --- text, dates, values ----------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "[bold]loud[/bold]",
        "[/]",
        "[red]",
        "[link=https://example.com]x[/link]",
        "\\[escaped]",
        "\x1b[31mred\x1b[0m",
        "\x1b]0;pwned\x07",
        "\x1b[2J\x1b[H",
        "\x9b31m",
        "bell\x07",
        "nul\x00byte",
        "\u202eevil\u202c",
        "\u2066isolate\u2069",
        "tab\there",
        "cr\rhere",
        "zero\u200bwidth",
        "🚀 rocket",
        "مرحبا",
        "e\u0301",
        "line\nbreak",
        "  padded  ",
        "{braces} %s %d",
        "\x7fdel",
    ]
)
TEXT = st.one_of(
    st.text(max_size=24),
    st.sampled_from(["x" * 300, "漢字かな" * 40, "word " * 120, "https://example.com/" + "a/" * 80]),
    NASTY,
    st.tuples(st.text(max_size=8), NASTY, st.text(max_size=8)).map("".join),
)
SLUG = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
DATE = st.one_of(
    st.sampled_from(
        [
            "2016",
            "2019-08",
            "Aug 2019",
            "August 2019",
            "2022-11-30",
            "Nov 30, 2022",
            "2024-Q1",
            "Q1 2024",
            "2024-H2",
            "early 2022",
            "mid 2022",
            "late 2022",
            "spring 2024",
            "2010s",
            "~2015",
            "c. 2015",
            "2015?",
            "2016/2020",
            "2016–2020",
            "2019/..",
            "2019–present",
            "../2024-12",
            "by late 2024",
        ]
    ),
    st.integers(1900, 2030),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
)
# Figures near the float maximum and minimum: growth between them overflows.
EXTREME = ["1.7e308", "-1.7e308", "1e308", "-1e308", "1e-308", "5e-324", 1.7e308, "1e300–1.7e308"]
UNITS = {
    "USD": st.sampled_from(["$13.8B", "~$1.4B", "<$4B", "$15M", 13800000000, "13.8B", "$1.2K", 2.5, *EXTREME]),
    "percent": st.sampled_from(["45%", "~12%", "<5%", "10%–20%", "1e308%", "-1.7e308%"]),
    "count": st.sampled_from(["300,000+", ">=300000", 5000, "~1.2M", "12", *EXTREME]),
    "ratio": st.sampled_from(["~10x", "3x", "1.5x", "1.7e308x"]),
}
BAD_DATES = st.sampled_from(
    [
        "2019-13",
        "Q5 2020",
        "yesterday",
        "2019-02-30",
        "",
        "../..",
        "0000",
        "99999",
        "2020/2019",
        "~",
        "early",
        "[bold]2019[/]",
        "\x1b[31m2019",
    ]
)
BAD_VALUES = st.sampled_from(
    ["$$", "12XB", "nan", "~", "$", "1e999", "--5", "45%%", "[red]$1B", "€€3", float("inf"), True, "\x1b]0;x\x07"]
)


def _some(ids: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(ids), max_size=3, unique=True) if ids else st.just([])


def _common(sources: list[str]) -> dict[str, Any]:
    return {
        "sources": _some(sources),
        "note": st.none() | TEXT,
        "confidence": st.none() | st.sampled_from(["official", "reported", "estimated", "disputed"]),
    }


def _item(draw, ident: str, sources: list[str], **fields) -> dict:
    common = {k: draw(v) for k, v in _common(sources).items()}
    item = {"id": ident, **{k: draw(v) for k, v in fields.items()}, **common}
    return {k: v for k, v in item.items() if v is not None and v != []}


def _ids(draw, prefix: str, low: int, high: int) -> list[str]:
    tails = draw(st.lists(SLUG, min_size=low, max_size=high, unique=True))
    return [f"{prefix}{t}" for t in tails]


@st.composite
def valid_documents(draw) -> dict:
    """A case document meant to be valid, every section built from its own small strategy."""
    source_ids = _ids(draw, "s", 1, 3)
    person_ids = _ids(draw, "p", 0, 2)
    era_ids = _ids(draw, "era", 0, 2)
    event_ids = _ids(draw, "e", 0, 5)
    principle_ids = _ids(draw, "pr", 0, 3)
    risk_ids = _ids(draw, "r", 0, 3)
    doc: dict[str, Any] = {
        "casekit": 1,
        "id": draw(SLUG),
        "company": draw(TEXT),
        "title": draw(TEXT),
        "as_of": draw(DATE),
    }
    if draw(st.booleans()):
        doc["summary"] = draw(TEXT)
    if draw(st.booleans()):
        doc["tags"] = draw(st.lists(SLUG, max_size=3))
    kinds = st.sampled_from(["article", "blog", "memo", "filing", "interview", "dataset", "book", "other"])
    doc["sources"] = [
        _item(draw, i, [], title=TEXT, kind=kinds, date=st.none() | DATE, author=st.none() | TEXT, url=st.none() | TEXT)
        for i in source_ids
    ]
    doc["people"] = [
        _item(
            draw,
            i,
            source_ids,
            name=TEXT,
            roles=st.lists(st.fixed_dictionaries({"title": TEXT, "period": DATE}), max_size=2),
        )
        for i in person_ids
    ]
    doc["eras"] = [_item(draw, i, source_ids, title=TEXT, period=DATE, summary=st.none() | TEXT) for i in era_ids]
    doc["timeline"] = [
        _item(
            draw,
            i,
            source_ids,
            date=DATE,
            title=TEXT,
            detail=st.none() | TEXT,
            category=st.none() | st.sampled_from(CATEGORIES),
            era=st.none() | (st.sampled_from(era_ids) if era_ids else st.none()),
            tags=st.lists(SLUG, max_size=2),
            people=_some(person_ids),
        )
        for i in event_ids
    ]
    metrics = []
    for i in _ids(draw, "m", 0, 3):
        unit = draw(st.sampled_from(sorted(UNITS)))
        observations = draw(st.lists(st.fixed_dictionaries({"date": DATE, "value": UNITS[unit]}), max_size=4))
        metrics.append(
            _item(
                draw,
                i,
                source_ids,
                name=TEXT,
                unit=st.just(unit),
                description=st.none() | TEXT,
                observations=st.just(observations),
            )
        )
    doc["metrics"] = metrics
    doc["principles"] = [
        _item(
            draw,
            i,
            source_ids,
            n=st.just(n),
            title=TEXT,
            summary=TEXT,
            benefit=TEXT,
            tradeoff=TEXT,
            tactic=st.none() | TEXT,
            evidence=_some(event_ids),
            risks=_some(risk_ids),
            tags=st.lists(SLUG, max_size=2),
        )
        for n, i in enumerate(principle_ids, 1)
    ]
    doc["risks"] = [
        _item(
            draw,
            i,
            source_ids,
            title=TEXT,
            severity=st.sampled_from(SEVERITIES),
            likelihood=st.none() | st.sampled_from(LIKELIHOODS),
            horizon=st.none() | TEXT,
            description=st.none() | TEXT,
            mitigations=st.lists(TEXT, max_size=2),
            principles=_some(principle_ids),
        )
        for i in risk_ids
    ]
    optional = {
        "quotes": lambda i: _item(
            draw,
            i,
            source_ids,
            text=TEXT,
            speaker=st.sampled_from(person_ids) if person_ids else TEXT,
            date=st.none() | DATE,
            context=st.none() | TEXT,
        ),
        "moats": lambda i: _item(
            draw,
            i,
            source_ids,
            rank=st.integers(1, 5),
            title=TEXT,
            time_to_replicate=st.none() | TEXT,
            cost=st.none() | TEXT,
        ),
        "flywheel": lambda i: _item(draw, i, source_ids, **{"from": SLUG, "to": SLUG}, description=st.none() | TEXT),
        "segments": lambda i: _item(
            draw,
            i,
            source_ids,
            name=TEXT,
            period=st.none() | DATE,
            revenue=st.none() | UNITS["USD"],
            share=st.none() | UNITS["percent"],
            growth=st.none() | UNITS["percent"],
            description=st.none() | TEXT,
        ),
        "competitors": lambda i: _item(
            draw,
            i,
            source_ids,
            name=TEXT,
            segment=st.none() | TEXT,
            position=st.none() | TEXT,
            scale=st.none() | UNITS["USD"],
        ),
        "drivers": lambda i: _item(draw, i, source_ids, title=TEXT, description=st.none() | TEXT),
        "lessons": lambda i: _item(draw, i, source_ids, title=TEXT, summary=st.none() | TEXT),
    }
    for name, build in optional.items():
        if draw(st.booleans()):
            doc[name] = [build(i) for i in _ids(draw, name[0], 0, 3)]
    return doc


# --- mutations ----------------------------------------------------------------------------------


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, here + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, here + (i,))
    return out


def _nested(depth: int, leaf: Any = "deep") -> Any:
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"k": leaf}
    return leaf


WRONG = st.one_of(
    st.sampled_from(
        [
            42,
            -1,
            3.5,
            True,
            None,
            "",
            [],
            {},
            [1, [2]],
            {"a": {"b": 1}},
            10**30,
            "[bold]x[/]",
            "\x1b[31mred",
            dt.date(2020, 2, 29),
            _nested(60),
            _nested(400),
        ]
    ),
    BAD_DATES,
    BAD_VALUES,
    TEXT,
)


DATE_KEYS = {"date", "period", "as_of"}
VALUE_KEYS = {"value", "revenue", "share", "growth", "margin", "scale"}


@st.composite
def mutated(draw, doc: dict) -> dict:
    """`doc` with a few random edits that break its types, keys, dates, values or ids."""
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        op = draw(
            st.sampled_from(
                ["replace", "delete", "unknown-key", "duplicate", "listify", "bad-date", "bad-value", "same-id"]
            )
        )
        if op in ("bad-date", "bad-value", "same-id"):
            keys = {"bad-date": DATE_KEYS, "bad-value": VALUE_KEYS, "same-id": {"id"}}[op]
            targets = [p for p in paths if p[-1] in keys and len(p) > 1]
            if targets:
                path = draw(st.sampled_from(targets))
                parent = doc
                for step in path[:-1]:
                    parent = parent[step]
                if op == "same-id":  # the id of the first item of the same list: a duplicate id
                    items = doc
                    for step in path[:-2]:
                        items = items[step]
                    parent["id"] = items[0].get("id") if isinstance(items, list) and isinstance(items[0], dict) else "x"
                else:
                    parent[path[-1]] = draw(BAD_DATES if op == "bad-date" else BAD_VALUES)
            continue
        if op == "replace":
            parent[last] = draw(WRONG)
        elif op == "delete":
            del parent[last]
        elif op == "unknown-key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["tradoff", "evidance", "x", "Title", "[bold]k[/]"]))] = draw(WRONG)
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(last, parent[last])
        elif op == "listify":
            parent[last] = [parent[last]]
    return doc


def dump(doc: dict) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=60).encode("utf-8")


@st.composite
def damaged_text(draw, data: bytes) -> bytes:
    """The YAML text itself broken: cut short, raw control bytes, tags, aliases, lines doubled, bad UTF-8."""
    op = draw(
        st.sampled_from(
            [
                "truncate",
                "control",
                "tag",
                "alias-bomb",
                "double-line",
                "tab",
                "bad-utf8",
                "bom",
                "garbage",
                "second-document",
                "deep-flow",
            ]
        )
    )
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    if op == "control":
        return data[:at] + draw(st.sampled_from([b"\x1b", b"\x00", b"\x07", b"\x1b[31m", b"\x9b", b"\r"])) + data[at:]
    if op == "tag":
        return data + b"extra: !!python/object/apply:os.system ['echo hi']\n"
    if op == "alias-bomb":
        bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
            b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((ord("a") + i + 1,) * 2 + (ord("a") + i,) * 9)
            for i in range(8)
        )
        return data + bomb
    if op == "double-line":
        lines = data.splitlines(keepends=True)
        if lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
        return b"".join(lines)
    if op == "tab":
        return data[:at] + b"\t" + data[at:]
    if op == "bad-utf8":
        return data[:at] + b"\xff\xfe" + data[at:]
    if op == "bom":
        return b"\xef\xbb\xbf" + data
    if op == "garbage":
        return draw(st.binary(max_size=200))
    if op == "second-document":
        return data + b"---\nid: again\n"
    return data + b"deep: " + b"[" * 3000 + b"]" * 3000 + b"\n"


@st.composite
def case_files(draw) -> bytes:
    """The bytes of a case file: valid, mutated as data, or damaged as text."""
    doc = draw(valid_documents())
    kind = draw(st.sampled_from(["valid", "valid", "mutated", "mutated", "damaged"]))
    if kind == "valid":
        return dump(doc)
    if kind == "mutated":
        return dump(draw(mutated(doc)))
    return draw(damaged_text(dump(doc)))


# --- the commands -------------------------------------------------------------------------------


def _metric_id(data: bytes) -> str:
    match = re.search(rb"^- id: (m\S*)", data, re.MULTILINE) or re.search(rb"\bid: (m[a-z0-9_-]*)", data)
    return match.group(1).decode() if match else "revenue"


COMMAND = typer.main.get_command(app)


# Options every example applies wherever a command takes them: an output format, an as-of date
# (good or bad), a --grep text, a terminal width.
OPTIONS = st.fixed_dictionaries(
    {
        "format": st.sampled_from([None, None, None, "json", "csv", "md", "yaml"]),
        "as_of": st.none() | DATE.map(str) | BAD_DATES,
        "grep": st.none() | TEXT.filter(lambda t: "\x00" not in t),  # argv cannot hold a NUL
        "columns": st.sampled_from(["30", "80", "200"]),
    }
)
NO_OPTIONS = {"format": None, "as_of": None, "grep": None, "columns": "80"}


def _with_options(command, args: list[str], options: dict) -> list[str]:
    out = list(args)
    for param in command.params:
        opts = getattr(param, "opts", [])
        choices = getattr(param.type, "choices", ())
        if "--format" in opts and options["format"] in choices:
            out += ["--format", options["format"]]
        elif "--as-of" in opts and options["as_of"] is not None:
            out += ["--as-of", options["as_of"]]
        elif "--grep" in opts and options["grep"] is not None:
            out += ["--grep", options["grep"]]
    return out


def invocations(path: str, data: bytes, options: dict = NO_OPTIONS) -> list[list[str]]:
    """One argument list per read-only command of the app, and one more per --view choice and --tree."""
    group = COMMAND
    arguments = {
        "ref": ["1"],
        "metric_id": [_metric_id(data)],
        "operands": [path, path],
        "query": ["the"],
        "cases": [path, path],
        "paths": [path],
    }
    out = []
    for name, command in group.commands.items():
        if name in WRITERS:
            continue
        args = [name]
        opts = {opt for p in command.params for opt in getattr(p, "opts", [])}
        for param in command.params:
            if param.param_type_name == "argument" and (param.required or param.name == "paths"):
                args += arguments.get(param.name, ["x"])
        if "--case" in opts:
            args += ["-c", path]
        args = _with_options(command, args, options)
        out.append(args)
        for param in command.params:
            if "--view" in getattr(param, "opts", []):
                out += [args + ["--view", choice] for choice in param.type.choices if choice != "table"]
        if "--tree" in opts:
            out.append(args + ["--tree"])
    return out


def check_commands(data: bytes, options: dict = NO_OPTIONS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "lib"
        directory.mkdir()
        path = directory / "fuzzed.yaml"
        path.write_bytes(data)
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        env = {
            "NO_COLOR": "1",
            "COLUMNS": options["columns"],
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "CASEKIT_CASE": "",
            "CASEKIT_PATH": "",
            "CASEKIT_DEBUG": "",
            "CASEKIT_PAGER": "",
            "PAGER": "cat",
        }
        [loaded] = Library(cases_dirs=[directory], env=env).check_all([CaseRef("fuzzed", path)])
        assert (loaded.case is None) == (loaded.error is not None)
        runner = CliRunner()
        for args in invocations(str(path), data, options):
            argv = ["--cases-dir", str(directory), *args]
            # Typer rebuilds the click command on every invoke (~30 ms); build it once.
            with mock.patch("typer.testing._get_command", lambda _: COMMAND):
                result = runner.invoke(app, argv, env=env)
            shown = f"casekit {' '.join(argv)}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                raise AssertionError(f"{shown}\nraised {result.exception!r}") from result.exception
            assert result.exit_code in (0, 1, 2), shown
            assert "Traceback" not in result.stdout + result.stderr, shown
            assert "internal error" not in result.stderr, shown
            if result.exit_code == 2:
                assert result.stderr.strip(), shown
            human = result.stderr + (result.stdout if "--format" not in argv else "")
            bad = CONTROL.search(human)
            assert bad is None, f"control character {bad.group()!r} reached the terminal\n{shown}"
            if result.exit_code == 0 and "json" in argv and result.stdout.strip():
                json.loads(result.stdout)
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before, "a read-only command changed the file"


# --- the properties -----------------------------------------------------------------------------


@settings(FUZZ, max_examples=LOAD_EXAMPLES)
@given(data=case_files())
def test_loading_any_file_returns_problems_never_raises(data):
    from casekit.loader import check_bytes

    case, problems = check_bytes(data, "fuzzed.yaml", stem="fuzzed")
    assert (case is None) == any(p.severity == "error" for p in problems)
    for p in problems:
        assert p.path == "fuzzed.yaml" and p.severity in ("error", "warning") and p.message


@settings(FUZZ, max_examples=LOAD_EXAMPLES)
@given(doc=valid_documents())
def test_generated_valid_documents_load(doc):
    from casekit.loader import check_bytes

    case, problems = check_bytes(dump(doc), "fuzzed.yaml", stem=doc["id"])
    errors = [p for p in problems if p.severity == "error"]
    assert case is not None and not errors, [(p.code, p.message) for p in errors]


@FUZZ
@given(data=case_files(), options=OPTIONS)
def test_read_only_commands_on_any_file_fail_cleanly_and_change_nothing(data, options):
    check_commands(data, options)


@pytest.mark.parametrize(
    "text",
    [
        "[bold]loud[/bold] [/]",
        "\x1b[31mred\x1b[0m",
        "\x1b]0;pwned\x07",
        "\u202eevil",
        "nul\x00 bell\x07 del\x7f",
    ],
)
def test_markup_and_escapes_in_every_field_stay_data(text):
    # The deterministic core of the fuzzing: nasty text in every text field of a full case.
    acme = yaml.safe_load((Path(__file__).parent / "fixtures" / "library" / "acme.yaml").read_text())

    def poison(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, key) for v in node]
        if isinstance(node, str) and key in (
            "title",
            "name",
            "summary",
            "detail",
            "benefit",
            "tradeoff",
            "text",
            "company",
            "note",
            "description",
            "tactic",
            "context",
            "author",
        ):
            return f"{node} {text}"
        return node

    check_commands(dump(poison(acme)))


# --- what the second round of attacks found ---------------------------------------------------------


@settings(FUZZ, max_examples=LOAD_EXAMPLES)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from("abcdefg"), st.sampled_from("abcdefg")).filter(lambda p: p[0] != p[1]),
        max_size=25,
    )
)
def test_a_flywheel_edge_is_open_exactly_when_no_path_leads_back(pairs):
    """Judged against the definition: the edge a → b lies on a loop when b reaches a."""
    from casekit.model import FlywheelEdge
    from casekit.sections import flywheel_loops

    edges = [FlywheelEdge(id=f"f{k}", from_=a, to=b) for k, (a, b) in enumerate(pairs)]

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo += [b for a, b in pairs if a == node]
        return False

    wheel = flywheel_loops(edges)
    assert {e.id for e in wheel.open_edges} == {e.id for e in edges if not reaches(e.to, e.from_)}
    for loop in wheel.loops:  # every loop listed is a real cycle of distinct nodes
        assert len(set(loop)) == len(loop)
        assert all((a, loop[(i + 1) % len(loop)]) in pairs for i, a in enumerate(loop))


@settings(FUZZ, max_examples=COMMAND_EXAMPLES)
@given(
    doc=valid_documents(), name=st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b)
)
def test_a_case_under_any_file_name_is_read_and_named_escaped(doc, name):
    """Any bytes in a file name (Latin-1, newlines, escapes): read, never a crash, never a raw control."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / os.fsdecode(name + b".yaml")
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
        for args in (["validate", tmp], ["cases", "--cases-dir", tmp]):
            result = CliRunner().invoke(app, args, env={"NO_COLOR": "1", "COLUMNS": "120"})
            assert result.exit_code in (0, 1, 2), (args, result.output)
            assert "internal error" not in result.output and "Traceback" not in result.output
            shown = result.stdout.encode("utf-8", "backslashreplace").decode("utf-8")
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), (args, shown)


@settings(FUZZ, max_examples=20)
@given(figure=st.sampled_from(["1e308", "-1e308", "1.7976931348623157e308", "1e-308", "9e307"]))
def test_a_long_one_line_case_validates_with_every_problem(figure):
    events = [{"id": f"e{i}", "date": "2020", "title": figure, "category": "product", "odd": i} for i in range(300)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one-line.yaml"
        path.write_text(json.dumps({"casekit": 1, "company": "X", "timeline": events}))
        result = CliRunner().invoke(app, ["validate", str(path)], env={"NO_COLOR": "1", "COLUMNS": "80"})
        assert result.exit_code == 1 and result.stdout.count("unknown key `odd`") == 300
