"""Writers for the machine formats: one per format, all fed by `casekit.records`.

None of them emits colour. Key order is the records' order. json, yaml and
csv carry the data as it is (control characters included: they are data);
md is for reading, so its text is made visible and inert.

csv and md are tables, so records are flattened: nested mappings become
`a.b` columns, lists of text are joined by `; `. A record's one list of
mappings (a metric's observations) becomes one row per element; when a
record holds several, each is kept whole as JSON in its cell. A key that is
plain in one record and a mapping in another gives its columns together,
the plain one first. Nothing is left out.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any


def write(records: Any, fmt: str, shape: dict | None = None) -> str:
    """`records` (a list of dicts, or one dict) in format `fmt`.

    `shape` (else the records' own `shape`, see `casekit.records.Records`)
    gives the columns of csv and md even when there are no records.
    """
    try:
        text = _write(records, fmt, shape)
        if fmt != "json":  # JSON is decoded from the UTF-8 msgspec wrote: it had no lone surrogate
            text.encode("utf-8")  # csv and md build text that would fail only when written
        return text
    except UnicodeEncodeError:
        # A path whose bytes are not UTF-8 reaches Python with lone surrogates, which no
        # UTF-8 text can hold: such a byte is written as Python escapes it (caf\xe9.yaml).
        return _write(_escaped(records), fmt, shape if shape is not None else getattr(records, "shape", None))


def _escaped(value: Any) -> Any:
    """`value` with every lone surrogate in its text written out as `\\xNN` (or `\\uXXXX`)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(v) for v in value]
    return value


def _write(records: Any, fmt: str, shape: dict | None) -> str:
    if fmt == "json":
        return to_json(records)
    records = _decoded(records)
    if fmt == "yaml":
        return to_yaml(records)
    if shape is None:
        shape = getattr(records, "shape", None)
    columns, rows = flatten(records if isinstance(records, list) else [records], shape)
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "md":
        return to_markdown(rows, columns)
    raise ValueError(f"unknown format {fmt!r}")


def _decoded(records: Any) -> Any:
    """`records` with records given as their JSON (`msgspec.Raw`, as the library index keeps an
    event's) made mappings, for the formats that read them."""
    import msgspec

    if not (isinstance(records, list) and records and isinstance(records[0], msgspec.Raw)):
        return records
    from casekit.records import Records

    return Records(msgspec.json.decode(b"[" + b",".join(records) + b"]"), getattr(records, "shape", None))


def to_json(records: Any) -> str:
    """The records as indented JSON, every character as itself."""
    return json_bytes(records).decode() + "\n"


def json_bytes(records: Any) -> bytes:
    """`to_json` as the UTF-8 bytes msgspec writes, without the last line end."""
    import msgspec

    # msgspec writes the same text as json.dumps(indent=2, ensure_ascii=False), ten times faster.
    return msgspec.json.format(msgspec.json.encode(records), indent=2)


# UTF-8 lead bytes of characters beyond the Basic Multilingual Plane (emoji, …).
_ASTRAL = re.compile(rb"[\xf0-\xf4]")


def to_yaml(records: Any) -> str:
    """The records as block YAML, every character as itself."""
    import msgspec

    from casekit.pyyaml import yaml

    # libyaml escapes every character beyond the BMP (`\U0001F35C`) even with allow_unicode;
    # the pure-Python dumper writes them as themselves, so it takes the (rare) text that holds one.
    if isinstance(records, list) and type(records) is not list:
        records = list(records)  # a `Records`: the safe dumper knows plain lists only
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    if _ASTRAL.search(msgspec.json.encode(records)):
        dumper = yaml.SafeDumper
    return yaml.dump(records, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


# --- flattening ----------------------------------------------------------------------


def _is_table(value: Any) -> bool:
    """A list of mappings, not all of them empty."""
    return isinstance(value, list) and any(value) and all(isinstance(x, dict) for x in value)


def _expanded_key(records: list[dict], shape: dict | None) -> str | None:
    """The key whose list of mappings becomes rows: the one such key of the records, if only one."""
    keys: dict[str, None] = {}
    for source in ([shape] if shape else []) + records:
        keys.update((k, None) for k, v in source.items() if _is_table(v))
    return next(iter(keys)) if len(keys) == 1 else None


def flatten(records: list[dict], shape: dict | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and the flat rows of `records` (see the module's docstring)."""
    expand = _expanded_key(records, shape)
    rows = []
    for record in records:
        rows += _rows(record, expand)
    template = _rows(shape, expand) if shape else []
    return _columns(template + rows, len(template)), rows


def _rows(record: dict, expand: str | None) -> list[dict[str, Any]]:
    children = record.get(expand) if expand else None
    if not _is_table(children):  # this record has no rows to give there (an empty list, a null)
        return [_flat({k: v for k, v in record.items() if k != expand or not (v == [] or v is None)})]
    base = _flat({k: v for k, v in record.items() if k != expand})
    prefix = _singular(expand) + "."  # type: ignore[arg-type]
    return [{**base, **_flat(child, prefix)} for child in children]


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _flat(record: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict) and value:
            out.update(_flat(value, name + "."))
        elif isinstance(value, dict):
            out[name] = None  # an empty mapping: a column with nothing in it
        elif isinstance(value, list):
            if any(isinstance(x, (dict, list)) for x in value):
                out[name] = json.dumps(value, ensure_ascii=False)  # kept whole: a table inside a cell
            else:
                out[name] = "; ".join("" if x is None else str(x) for x in value)
        else:
            out[name] = value
    return out


def _columns(rows: list[dict], template: int = 0) -> list[str]:
    """Every column of `rows`, in order of appearance; the first `template` rows only name columns."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    data = rows[template:]
    # A value absent in one record (`share: null`) and present in another
    # (`share.text`, `share.low`, …) is one set of columns, not two.
    nested = {c.rsplit(".", 1)[0] for c in columns if "." in c}
    nested |= {p for c in list(nested) for p in _prefixes(c)}
    kept = [c for c in columns if not (c in nested and all(row.get(c) is None for row in data))]
    # A key plain in one record and a mapping in another (a compared case's count, its date) keeps
    # its columns together, the plain one first, wherever the records name them first.
    kept_set, placed, out = set(kept), set(), []
    for column in kept:
        for name in [*_prefixes(column), column]:
            if name in kept_set and name not in placed:
                placed.add(name)
                out.append(name)
    return out


def _prefixes(column: str) -> list[str]:
    parts = column.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


# --- the tables ----------------------------------------------------------------------


def to_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    """RFC 4180 CSV with a header row (also when there are no rows); text kept as it is."""
    import csv

    buffer = io.StringIO()
    columns = _columns(rows) if columns is None else columns
    if not columns:
        return ""
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def to_markdown(rows: list[dict], columns: list[str] | None = None) -> str:
    """A GitHub-flavoured Markdown table (its header alone when there are no rows)."""
    from casekit.render.markdown import cell

    columns = _columns(rows) if columns is None else columns
    if not columns:
        return ""
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"
