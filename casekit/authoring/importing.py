"""Rows from a spreadsheet (CSV with a header) or records from JSON/YAML (as `casekit SECTION -f json`
writes them) turned into items, each checked as `casekit add` checks its arguments."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casekit.authoring.adding import build_item, new_text, split_target
from casekit.authoring.facts import fields, item_type
from casekit.authoring.fields import check_reading
from casekit.errors import UsageError

# Keys the machine formats add to a record that a case file does not hold.
DERIVED = frozenset({"start", "end", "edtf", "case", "low", "high", "qualifier", "cited_by"})


class Rows(list):
    """The rows of a CSV file: `columns` as its header names them, `lines` the line each row starts on."""

    def __init__(self, rows: list[dict[str, Any]], columns: list[str], lines: list[int]) -> None:
        super().__init__(rows)
        self.columns = columns
        self.lines = lines


def read_records(path: str, data: bytes) -> list[dict[str, Any]]:
    """The records of an import file, by its suffix: .csv (as `Rows`), .json, .yaml/.yml."""
    suffix = Path(path).suffix.lower()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if suffix == ".csv":
        import csv
        import io

        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames:
            raise UsageError(f"{path}: no header row", hint="the first row names the fields")
        rows, lines, start = [], [], reader.line_num + 1
        for row in reader:
            rows.append(dict(row))
            lines.append(start)
            start = reader.line_num + 1
        return Rows(rows, list(reader.fieldnames), lines)
    if suffix == ".json":
        try:
            records = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"{path}: not JSON ({exc})") from None
    elif suffix in (".yaml", ".yml"):
        from casekit.pyyaml import yaml

        try:
            records = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise UsageError(f"{path}: not YAML ({exc})") from None
    else:
        raise UsageError(f"{path}: cannot tell the format", hint="name a .csv, .json, .yaml or .yml file")
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UsageError(f"{path}: not a list of records")
    return records


def parse_map(pairs: Sequence[str]) -> dict[str, str]:
    """`--map column=field` options (an empty field drops the column)."""
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column:
            raise UsageError(f"--map `{pair}` is not COLUMN=FIELD")
        mapping[column] = field.strip()
    return mapping


def _arguments(record: dict[str, Any], known: dict, mapping: dict[str, str]) -> list[str]:
    args = []
    for column, value in record.items():
        name = mapping.get(column, column)
        if not name or (name in DERIVED and name not in known):
            continue
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, dict) and "text" in value:  # a value as the machine formats write it
            value = value["text"]
        field = known.get(name)
        if field is not None and field.kind in ("date", "value") and isinstance(value, str):
            check_reading(field, value)
        if field is not None and field.kind == "ids" and isinstance(value, str):
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, list) and field is not None and field.kind in ("ids", "texts"):
            args += [f"{name}={v}" for v in value]
        elif isinstance(value, (list, dict)):
            args.append(f"{name}:={json.dumps(_plain_entries(value))}")
        else:
            args.append(f"{name}={value}")
    return args


def _plain_entries(value: Any) -> Any:
    """Entries (observations, roles) from JSON records, without the derived keys."""
    if isinstance(value, list):
        return [_plain_entries(v) for v in value]
    if isinstance(value, dict):
        if set(value) >= {"text", "low", "high"}:
            return value["text"]
        return {k: _plain_entries(v) for k, v in value.items() if k not in DERIVED and v not in (None, [], "")}
    return value


def import_records(
    text: str,
    spec: str,
    records: list[dict[str, Any]],
    mapping: dict[str, str],
    path: str = "<case>",
    source: str = "<rows>",
) -> tuple[str, int]:
    """`text` with an item added for each record of `source`, and how many; a `UsageError` naming the
    column, or the row (with its line in a CSV file), at fault."""
    section, parent = split_target(spec)
    known = fields(item_type(section, entry=parent is not None))
    for column in mapping.values():
        if column and column not in known:
            raise UsageError(f"--map: `{column}` is not a field of {spec}", hint="fields: " + ", ".join(known))
    if isinstance(records, Rows):
        _check_columns(records.columns, known, mapping, spec, source)
    for n, record in enumerate(records, start=1):
        row = f"{source}:{records.lines[n - 1]}: row {n}" if isinstance(records, Rows) else f"row {n}"
        try:
            _, item = build_item(text, spec, _arguments(record, known, mapping), path=path)
        except UsageError as exc:
            raise UsageError(f"{row}: {exc.message}", hint=exc.hint) from None
        text = new_text(text, spec, parent, item, path)
    return text, len(records)


def _check_columns(columns: list[str], known: dict, mapping: dict[str, str], spec: str, source: str) -> None:
    """Every column of a CSV header names a field (or is mapped to one, or left out with --map COLUMN=)."""
    from casekit.problems import likely_meant

    for column in columns:
        name = mapping.get(column, column)
        if not name or name in known or name in DERIVED:
            continue
        meant = likely_meant(name, list(known), limit=1)
        fix = f"--map {column}={meant[0]} reads it as {meant[0]}, " if meant else ""
        raise UsageError(
            f"{source}:1: column `{column}` is not a field of {spec}",
            hint=f"{fix}--map {column}= leaves it out (fields: {', '.join(known)})",
        )
