"""PyYAML, imported for a fraction of what `import yaml` costs on its own.

Importing PyYAML compiles the pattern its pure-Python reader checks text
with: every character that is not printable, written as the complement of
the printable ones (`[^\\t\\n\\r -~...\\U00010000-\\U0010ffff]`). Python's
regular expression compiler walks each of the tens of thousands of
characters in those ranges, which makes that one pattern two thirds of what
the import costs. The same set written as what it holds,
a few short ranges, compiles in a tenth of the time, so it is compiled first
and left in `re`'s cache under the original pattern, where PyYAML's
`re.compile` finds it: the reader gets a pattern that matches exactly the same
characters. casekit parses with libyaml, which never uses that pattern.

Every casekit module imports PyYAML as `from casekit.pyyaml import yaml`.
When PyYAML is already imported, or `re` keeps its cache differently, this
is a plain `import yaml`.
"""

from __future__ import annotations

import re
import sys

# PyYAML's `Reader.NON_PRINTABLE`, as written in yaml/reader.py (5.1 and later).
NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
# The same characters, listed: C0 controls but tab and line breaks, DEL and the C1 controls but
# NEL, surrogates, and the two non-characters at the end of the Basic Multilingual Plane.
NON_PRINTABLE_LISTED = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"


def _seed_pattern_cache() -> None:
    if "yaml" in sys.modules:
        return
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):  # re keeps its cache some other way: compile as usual
        return
    cache.setdefault((str, NON_PRINTABLE, 0), re.compile(NON_PRINTABLE_LISTED))


_seed_pattern_cache()

import yaml  # noqa: E402

__all__ = ["yaml"]
