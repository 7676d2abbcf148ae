"""Writers for the machine formats: one per format, all fed by `casekit.records`.

None of them emits colour. Key order is the records' order. json, yaml and
csv carry the data as it is (control characters included: they are data);
md is for reading, so its text is made visible and inert.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

FORMATS = ("json", "csv", "md", "yaml")


def write(records: Any, fmt: str) -> str:
    """`records` (a list of dicts, or one dict) in format `fmt`."""
    if fmt == "json":
        return to_json(records)
    if fmt == "yaml":
        return to_yaml(records)
    rows = flatten(records if isinstance(records, list) else [records])
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "md":
        return to_markdown(rows)
    raise ValueError(f"unknown format {fmt!r}")


def to_json(records: Any) -> str:
    import msgspec

    # msgspec writes the same text as json.dumps(indent=2, ensure_ascii=False), ten times faster.
    return msgspec.json.format(msgspec.json.encode(records), indent=2).decode() + "\n"


# UTF-8 lead bytes of characters beyond the Basic Multilingual Plane (emoji, …).
_ASTRAL = re.compile(rb"[\xf0-\xf4]")


def to_yaml(records: Any) -> str:
    import msgspec
    import yaml

    # libyaml escapes every character beyond the BMP (`\U0001F35C`) even with allow_unicode;
    # the pure-Python dumper writes them as themselves, so it takes the (rare) text that holds one.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    if _ASTRAL.search(msgspec.json.encode(records)):
        dumper = yaml.SafeDumper
    return yaml.dump(records, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def flatten(records: list[dict]) -> list[dict[str, Any]]:
    """Flat rows: nested mappings become `a.b` columns, lists of text are joined by `; `,
    and a list of mappings (a metric's observations) becomes one row per element."""
    rows: list[dict[str, Any]] = []
    for record in records:
        nested = [k for k, v in record.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        base = {k: v for k, v in record.items() if k not in nested}
        flat_base = _flat(base)
        if not nested:
            rows.append(flat_base)
            continue
        key = nested[0]
        for child in record[key]:
            rows.append({**flat_base, **_flat(child, prefix=_singular(key) + ".")})
    return rows


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _flat(record: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            out.update(_flat(value, name + "."))
        elif isinstance(value, list):
            out[name] = "; ".join(
                json.dumps(x, ensure_ascii=False) if isinstance(x, (dict, list)) else str(x) for x in value
            )
        else:
            out[name] = value
    return out


def _columns(rows: list[dict]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    # A value absent in one record (`share: null`) and present in another
    # (`share.text`, `share.low`, …) is one set of columns, not two.
    nested = {c.split(".", 1)[0] for c in columns if "." in c}
    return [c for c in columns if not (c in nested and all(row.get(c) is None for row in rows))]


def to_csv(rows: list[dict]) -> str:
    """RFC 4180 CSV with a header row; text kept as it is."""
    import csv

    buffer = io.StringIO()
    columns = _columns(rows)
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def to_markdown(rows: list[dict]) -> str:
    """A GitHub-flavoured Markdown table, its cells escaped so that case text renders as written."""
    from casekit.render.markdown import cell

    columns = _columns(rows)
    if not columns:
        return ""
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"
