"""PyYAML as casekit imports it: the same library, its reader's pattern compiled the cheap way."""

from __future__ import annotations

import re
import subprocess
import sys

from casekit.pyyaml import NON_PRINTABLE, NON_PRINTABLE_LISTED

# Every code point, surrogates included (a str holds them one by one).
EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def test_the_listed_pattern_finds_exactly_the_characters_pyyaml_refuses():
    original = re.compile(NON_PRINTABLE)
    listed = re.compile(NON_PRINTABLE_LISTED)
    refused = original.findall(EVERY_CHARACTER)
    assert listed.findall(EVERY_CHARACTER) == refused
    assert "\x00" in refused and "\ud800" in refused and "\uffff" in refused
    assert not {"\t", "\n", "\r", " ", "\x85", "\xa0", "\ufffd", "\U0010ffff"} & set(refused)


def test_pyyaml_is_given_the_listed_pattern_and_its_reader_refuses_the_same_characters():
    # In a fresh process, so that PyYAML is imported by casekit.
    code = (
        "from casekit.pyyaml import yaml, NON_PRINTABLE_LISTED\n"
        "print(yaml.reader.Reader.NON_PRINTABLE.pattern == NON_PRINTABLE_LISTED)\n"
        "try:\n"
        "    yaml.load('a: \\x07', Loader=yaml.SafeLoader)\n"
        "except yaml.reader.ReaderError as exc:\n"
        "    print(exc.character == 7)\n"
        "print(yaml.load('a: b\\ufffd', Loader=yaml.SafeLoader) == {'a': 'b\\ufffd'})\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True"]


def test_yaml_already_imported_is_left_as_it_is():
    code = "import yaml\nfrom casekit.pyyaml import NON_PRINTABLE\nprint(yaml.reader.Reader.NON_PRINTABLE.pattern == NON_PRINTABLE)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True"]
