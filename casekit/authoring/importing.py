"""Rows from a spreadsheet (CSV with a header) or records from JSON/YAML (as `casekit SECTION -f json`
writes them) turned into items, each checked as `casekit add` checks its arguments."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casekit.authoring.adding import build_item, new_text, split_target
from casekit.authoring.facts import fields, item_type
from casekit.errors import UsageError

# Keys the machine formats add to a record that a case file does not hold.
DERIVED = frozenset({"start", "end", "edtf", "case", "low", "high", "qualifier"})


def read_records(path: str, data: bytes) -> list[dict[str, Any]]:
    """The records of an import file, by its suffix: .csv, .json, .yaml/.yml."""
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
        return [dict(row) for row in reader]
    if suffix == ".json":
        try:
            records = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"{path}: not JSON ({exc})") from None
    elif suffix in (".yaml", ".yml"):
        import yaml

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


def _arguments(record: dict[str, Any], known: dict, mapping: dict[str, str], row: str) -> list[str]:
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
    text: str, spec: str, records: list[dict[str, Any]], mapping: dict[str, str], path: str = "<case>"
) -> tuple[str, int]:
    """`text` with an item added for each record, and how many; a `UsageError` naming the row at fault."""
    section, parent = split_target(spec)
    known = fields(item_type(section, entry=parent is not None))
    for column in mapping.values():
        if column and column not in known:
            raise UsageError(f"--map: `{column}` is not a field of {spec}", hint="fields: " + ", ".join(known))
    for n, record in enumerate(records, start=1):
        row = f"row {n}"
        try:
            _, item = build_item(text, spec, _arguments(record, known, mapping, row), path=path)
        except UsageError as exc:
            raise UsageError(f"{row}: {exc.message}", hint=exc.hint) from None
        text = new_text(text, spec, parent, item, path)
    return text, len(records)
