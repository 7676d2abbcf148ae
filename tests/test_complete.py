"""Shell completion, driven as a shell drives it: `_CASEKIT_COMPLETE` and the words typed so far."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
COMPLETE = FIXTURES / "complete"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


def bash(words: str, env: dict | None = None) -> list[str]:
    """What bash is offered for the last of `words` (a trailing space: a new, empty word)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {**ENV, "_CASEKIT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword), **(env or {})}
    result = CliRunner().invoke(app, [], prog_name="casekit", env=env)
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout.split()


CLI_ARGS = ["--cases-dir", COMPLETE]  # before every run's arguments (tests/conftest.py: run)


LIB = f"casekit --cases-dir {COMPLETE}"
BUNDLED_ERAS = ["av_wave", "defense_wave", "ecommerce_wave", "genai_wave", "founder_led", "interim_ceo"]


@pytest.fixture(autouse=True)
def _empty_working_directory(tmp_path, monkeypatch):
    """No files around to complete but those a test names."""
    monkeypatch.chdir(tmp_path)


def test_timeline_tags_are_the_events_tags_and_each_is_accepted(run):
    offered = bash(f"{LIB} timeline -c alpha --tag ")
    assert offered == ["robotics", "platform"]  # not `margins`, which only a principle carries
    for tag in offered:
        assert run("timeline", "-c", "alpha", "--tag", tag).exit_code == 0
    assert run("timeline", "-c", "alpha", "--tag", "margins").exit_code == 2


def test_principle_tags_complete_for_principles():
    assert bash(f"{LIB} principles -c alpha --tag ") == ["margins", "market"]
    assert bash(f"{LIB} principles -c alpha -t ma") == ["margins", "market"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (f"{LIB} timeline --all --era ", ["founding", "scaling", "pivot"]),  # --all: the user's cases alone
        (f"{LIB} timeline -c scale_ai --era ", BUNDLED_ERAS),  # the example, named by its id
        (f"{LIB} timeline -c alpha -c beta --era ", ["founding", "scaling", "pivot"]),
        (f"{LIB} timeline -c beta --era ", ["pivot"]),
        (f"{LIB} timeline -c beta -c beta --era ", ["pivot"]),
        (f"casekit timeline --cases-dir {COMPLETE} -c beta --era ", ["pivot"]),  # a global option after the command
        (f"{LIB} timeline -c alpha -c beta --tag d", ["data-labeling"]),
        (f"{LIB} timeline -c alpha -c beta --category ", ["funding", "product", "market"]),
        (f"{LIB} timeline -c alpha -c beta --source ", ["memo", "press"]),
        (f"{LIB} timeline -c alpha --as-of 2019 --era ", ["founding"]),  # the case as known then
        (f"{LIB} timeline -c alpha --as-of 2019 --tag ", ["robotics"]),
    ],
)
def test_timeline_completes_from_the_cases_the_command_reads(words, expected):
    assert bash(words) == expected


def test_case_ids_leave_the_bundled_example_out_once_the_user_has_cases(tmp_path):
    assert bash(f"{LIB} timeline -c ") == ["alpha", "beta"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert bash(f"casekit --cases-dir {empty} timeline -c ") == ["scale_ai"]
    assert bash(f"casekit --cases-dir {empty} timeline --all --era ") == BUNDLED_ERAS


def test_every_era_offered_over_the_library_is_accepted(run):
    for era in bash(f"{LIB} timeline --all --era "):
        assert run("timeline", "--all", "--era", era).exit_code == 0, era


def test_the_default_case_is_completed_when_none_is_named():
    assert bash(f"{LIB} timeline --era ", env={"CASEKIT_CASE": "beta"}) == ["pivot"]


def test_diff_operands_complete_ids_as_of_and_files():
    assert bash(f"{LIB} diff al") == ["alpha", "alpha@"]
    assert bash(f"{LIB} diff alpha b") == ["beta", "beta@"]
    assert bash(f"{LIB} diff {COMPLETE}/b") == [f"{COMPLETE}/beta.yaml"]


def test_validate_completes_ids_and_paths():
    assert bash(f"{LIB} validate al") == ["alpha"]
    assert bash(f"{LIB} validate {FIXTURES}/comp") == [f"{FIXTURES}/compare/", f"{FIXTURES}/complete/"]
    # A lone directory comes with its case files, so the shell completes to it without a space.
    assert bash(f"{LIB} validate {FIXTURES}/comple") == [
        f"{COMPLETE}/",
        f"{COMPLETE}/alpha.yaml",
        f"{COMPLETE}/beta.yaml",
    ]


def test_a_relative_path_completes_as_typed(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    assert bash(f"{LIB} validate complete/a") == ["complete/alpha.yaml"]


def test_other_names_complete_from_the_case_named():
    assert bash(f"{LIB} principle -c alpha ") == ["1", "2", "focus", "price_high"]  # by number
    assert bash(f"{LIB} metric -c beta ") == ["customers"]
    assert bash(f"{LIB} compare alpha beta --metric ") == ["revenue", "customers"]
    assert bash(f"{LIB} compare alpha beta -f json -m ") == ["revenue", "customers"]
    assert bash(f"{LIB} compare beta {COMPLETE}/alpha.yaml --metric r") == ["revenue"]


@pytest.mark.parametrize(
    "words",
    [
        f"{LIB} timeline -c nosuch --era ",
        f"{LIB} timeline --as-of notadate --era ",
        "casekit --cases-dir /nonexistent/dir timeline -c alpha --tag ",
        f"{LIB} validate /nonexistent/dir/",
    ],
)
def test_trouble_offers_nothing_quietly(words):
    assert bash(words) == []


def test_the_installed_command_completes_for_bash_and_zsh():
    env = {
        **os.environ,
        **ENV,
        "_CASEKIT_COMPLETE": "complete_bash",
        "COMP_WORDS": f"{LIB} timeline --all --era ",
        "COMP_CWORD": "6",
    }
    done = subprocess.run([sys.executable, "-m", "casekit"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.split() == ["founding", "scaling", "pivot"]
    env = {
        **os.environ,
        **ENV,
        "_CASEKIT_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": f"{LIB} timeline -c beta --era ",
    }
    done = subprocess.run([sys.executable, "-m", "casekit"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "pivot" in done.stdout and "founding" not in done.stdout


def test_set_completes_refs_then_the_keys_of_the_item_named():
    assert bash(f"{LIB} set -c beta ") == ["press", "pivot", "pivot_news", "customers", *SET_CASE_KEYS]
    assert bash(f"{LIB} set -c beta ti") == ["title="]
    assert bash(f"{LIB} set -c beta customers n") == ["name=", "note="]
    assert bash(f"{LIB} set -c beta pivot_news date=2020 c") == ["category=", "confidence="]
    assert bash(f"{LIB} rm -c beta pi") == ["pivot", "pivot_news"]


SET_CASE_KEYS = ["company=", "title=", "as_of=", "summary=", "tags=", "categories="]
