"""`casekit diff`: output formats, exit statuses, operands and the git external-diff driver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.cli.diff import git_external_args

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
BASE = "base.yaml"  # operands are named as a user types them, from the fixtures' directory
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}
HEX_A = "a" * 40
HEX_B = "b" * 40


CLI_ARGS = ["diff"]  # before every run's arguments (tests/conftest.py: run)


def fx(name: str) -> str:
    return f"{name}.yaml"


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch):
    # Relative operands keep the header the same wherever the checkout lives.
    monkeypatch.chdir(FIXTURES)


def lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.splitlines()]


# --- exit status ---------------------------------------------------------------------------


def test_same_cases_exit_0_and_print_nothing_to_stdout(run):
    result = run(BASE, fx("spelled_differently"))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no differences" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="closes standard input the POSIX shell's way")
def test_a_closed_standard_input_matters_only_to_an_operand_that_reads_it():
    base = str(Path(BASE).resolve())

    def closed_stdin(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["sh", "-c", '"$0" -m casekit "$@" <&-', sys.executable, *args], capture_output=True, text=True, check=False
        )

    same = closed_stdin("diff", base, base)
    assert same.returncode == 0 and "no differences" in same.stderr
    for args in (["diff", "-", base], ["validate", "-"]):
        dash = closed_stdin(*args)
        assert dash.returncode == 2 and "-: no standard input" in dash.stderr and "Traceback" not in dash.stderr


def test_different_cases_exit_1(run):
    assert run(BASE, fx("added")).exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([BASE, "missing.yaml"], "missing.yaml: no such file"),
        ([BASE, "nope"], "no case `nope`"),
        ([BASE, "base@2019"], "no case `base`"),
        ([BASE, "scale_ai@2019-13"], "month 13"),
        ([BASE, BASE, BASE], "got 3 arguments"),
        ([BASE, BASE, "--section", "timelin"], "did you mean `timeline`"),
        (["--", "--output=written:y", BASE], "a revision never starts with `-`"),
    ],
)
def test_trouble_exits_2_with_a_message(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("written:y").exists()


def test_an_invalid_case_exits_2_naming_its_first_problem(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(BASE).read_text().replace("    severity: medium", "    severity: medium\n    severty: x"))
    result = run(BASE, str(bad))
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr and "unknown key `severty`" in result.stderr


# --- human output --------------------------------------------------------------------------


def test_human_output_summary_then_changes(run):
    result = run(BASE, fx("metric_delta"))
    assert lines(result.stdout) == [
        f"{BASE} → {fx('metric_delta')}",
        "metrics: ~1",
        "~ changed",
        "",
        "metrics",
        "  ~  revenue   Revenue",
        "       − 2019  $10M",
        "       ~ 2021  $50M → $75M  +$25M (+50%)",
        "       + 2024  $150M  since 2023: ≈+$30M (≈+25%)",
    ]


def test_prose_shows_a_word_diff_marked_without_colour(run):
    out = run(BASE, fx("changed")).stdout
    assert "       title             AcmeOS launched → AcmeOS 1.0 launched" in lines(out)
    words = " ".join(out.split())  # the detail wraps beside the field's name
    assert "detail … its own, sold per robot per [-month-]{+year+} to existing {+and new+} customers." in words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("added", "  +  series-c    2024-02  Series C at a $1B valuation"),
        ("removed", "  −  seed        2016-03  Seed round"),
        ("renamed", "  ⇄  series-b → series-b-round  ~2022  Series B led by Example Ventures  (similarity 100%)"),
        ("refined", "       date             2018 → 2018-11  refined"),
        ("escalated", "       severity       medium → high  escalated"),
    ],
)
def test_each_kind_reads_as_expected(run, name, expected):
    assert expected in lines(run(BASE, fx(name)).stdout)


def test_an_added_or_removed_item_shows_what_it_holds_beneath_it(run):
    assert lines(run(BASE, fx("added")).stdout)[4:] == [
        "timeline",
        "  +  series-c    2024-02  Series C at a $1B valuation",
        "       category           funding",
        "       era                platform",
        "       sources            press",
    ]
    assert lines(run(BASE, fx("metric_added")).stdout)[4:] == [
        "metrics",
        "  +  robots          Robots in the field",
        "       unit          count",
        "       description   Robots customers run, leased or sold.",
        "       observations  2021  1,200",
        "                     2023  4K+",
        "       sources       report",
    ]
    assert "       observations  2021  1,200" in lines(run(fx("metric_added"), BASE).stdout)


def test_an_added_item_s_prose_wraps_at_a_narrow_terminal(run):
    out = lines(run(BASE, fx("metric_added"), env={"COLUMNS": "40"}).stdout)
    at = out.index("       description   Robots customers")
    assert out[at + 1 : at + 3] == ["                     run, leased or", "                     sold."]


def test_stat_leaves_out_what_items_hold(run):
    assert lines(run(BASE, fx("metric_added"), "--stat").stdout) == [
        f"{BASE} → {fx('metric_added')}",
        "metrics: +1",
        "+ added",
    ]


def test_markdown_shows_what_an_added_item_holds(run):
    out = run(BASE, fx("metric_added"), "-f", "md").stdout
    assert (
        "- **added** `robots`: Robots in the field\n"
        "  - unit: count\n"
        "  - description: Robots customers run, leased or sold.\n"
        "  - observations:\n"
        "    - 2021 1,200\n"
        "    - 2023 4K+\n"
        "  - sources: report\n"
    ) in out


def test_a_role_added_shows_only_that_role(run):
    out = lines(run(BASE, fx("role_added")).stdout)
    assert out[4:] == ["people", "  ~  jane-roe  Jane Roe", "       roles   + Chair (2024-05/..)"]
    md = run(BASE, fx("role_added"), "-f", "md").stdout
    assert "  - roles: added Chair (2024-05/..)" in md


def test_an_era_given_an_end_is_changed_and_one_said_more_precisely_refined(run):
    assert lines(run(BASE, fx("era_ended")).stdout)[1] == "eras: ~1"
    assert "       period             2020/.. → 2020/2024" in lines(run(BASE, fx("era_ended")).stdout)
    assert lines(run(BASE, fx("era_refined")).stdout)[1] == "eras: ⊂1"


def test_an_observation_redated_and_revised_is_one_observation(run):
    out = lines(run(BASE, fx("observation_redated")).stdout)
    assert out[4:] == [
        "metrics",
        "  ~  revenue           Revenue",
        "       ⊂ 2021-H2 date  2021 → 2021-H2  refined",
        "       ~ 2021-H2       $50M → $60M  +$10M (+20%)",
    ]


def test_summary_line_per_section_with_glyphs_and_their_legend(run):
    result = run(fx("added"), fx("escalated"), "--stat")
    assert lines(result.stdout)[1:] == ["timeline: −1", "risks:    ~1", "− removed   ~ changed"]


def test_stat_prints_only_the_summary(run):
    result = run(BASE, fx("escalated"), "--stat")
    assert result.exit_code == 1
    assert lines(result.stdout) == [f"{BASE} → {fx('escalated')}", "risks: ~1", "~ changed"]


def test_stat_in_machine_formats_carries_the_summary_alone(run):
    result = run(BASE, fx("escalated"), "--stat", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "a": BASE,
        "b": fx("escalated"),
        "summary": {"risks": {"added": 0, "removed": 0, "changed": 1, "refined": 0, "renamed": 0, "moved": 0}},
    }
    assert "changes" not in run(BASE, fx("escalated"), "--stat", "-f", "yaml").stdout
    assert lines(run(BASE, fx("escalated"), "--stat", "-f", "csv").stdout) == [
        "section,added,removed,changed,refined,renamed,moved",
        "risks,0,0,1,0,0,0",
    ]
    md = run(BASE, fx("escalated"), "--stat", "-f", "md").stdout
    assert "| risks |  |  | 1 |  |  |  |" in md and "####" not in md and "commoditisation" not in md


def test_section_limits_the_diff_and_the_exit_status(run):
    assert run(BASE, fx("escalated"), "--section", "timeline").exit_code == 0
    result = run(BASE, fx("escalated"), "-s", "risks", "-s", "timeline")
    assert result.exit_code == 1 and "commoditisation" in result.stdout


def test_order_reports_moves(run):
    assert run(BASE, fx("moved")).exit_code == 0
    result = run(BASE, fx("moved"), "--order")
    assert result.exit_code == 1
    assert "  ↕  founded  2015  Acme founded  (position 1 → 5)" in lines(result.stdout)


def test_case_text_is_never_markup_or_terminal_control(run, tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text(
        Path(fx("added")).read_text().replace("Series C at a $1B valuation", '"[bold red]Series C[/] \\e[31mred"')
    )
    out = run(BASE, str(evil)).stdout
    assert "[bold red]Series C[/] ␛[31mred" in out
    assert "\x1b" not in out


# --- machine output ------------------------------------------------------------------------


def test_json_has_the_spec_shape(run):
    result = run(BASE, fx("escalated"), "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["a"] == BASE and data["b"] == fx("escalated")
    assert data["changes"] == [
        {
            "section": "risks",
            "id": "commoditisation",
            "kind": "changed",
            "field": "severity",
            "old": "medium",
            "new": "high",
            "detail": "escalated",
            "label": "Robots become commodities",
        }
    ]
    assert data["summary"] == {
        "risks": {"added": 0, "removed": 0, "changed": 1, "refined": 0, "renamed": 0, "moved": 0}
    }


@pytest.mark.parametrize("name", [p.stem for p in sorted(FIXTURES.glob("*.yaml"))])
def test_every_change_record_has_the_spec_keys(run, name):
    for a, b in ((BASE, fx(name)), (fx(name), BASE), ("/dev/null", fx(name))):
        data = json.loads(run(a, b, "-f", "json", "--order").stdout)
        for change in data["changes"]:
            assert list(change)[:6] == ["section", "id", "kind", "field", "old", "new"]
            assert set(change) <= {
                "section",
                "id",
                "kind",
                "field",
                "old",
                "new",
                "new_id",
                "at",
                "entry",
                "detail",
                "label",
                "growth",
            }
            assert change["kind"] in {"added", "removed", "changed", "renamed", "moved", "refined"}
        for counts in data["summary"].values():
            assert list(counts) == ["added", "removed", "changed", "refined", "renamed", "moved"]


def test_json_of_same_cases_is_empty_with_exit_0(run):
    result = run(BASE, fx("spelled_differently"), "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"a": BASE, "b": fx("spelled_differently"), "changes": [], "summary": {}}


def test_markdown_for_a_pull_request(run):
    result = run(BASE, fx("changed"), "-f", "md")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith("### casekit diff `")
    assert "| timeline |  |  | 1 |  |  |  |" in out
    assert "#### timeline" in out
    assert "- **changed** `os-launch`: AcmeOS 1.0 launched" in out
    assert "  - detail: … its own, sold per robot per ~~month~~ **year** to existing **and new** customers." in out


def test_markdown_escapes_case_text(run):
    result = run(BASE, fx("added"), "-f", "md")
    assert "Series C at a \\$1B valuation" in result.stdout


def test_csv_has_one_row_per_change(run):
    result = run(BASE, fx("metric_delta"), "-f", "csv")
    rows = result.stdout.splitlines()
    assert rows[0].startswith("section,id,kind,field,old,new")
    assert len(rows) == 4
    same = run(BASE, fx("spelled_differently"), "-f", "csv")
    assert same.exit_code == 0 and same.stdout.splitlines() == [rows[0]]  # no changes: the header alone


@pytest.mark.parametrize("name", ["metric_added", "role_added", "observation_redated", "renamed"])
def test_csv_holds_what_json_holds_one_row_per_change(run, name):
    import csv
    import io

    changes = json.loads(run(BASE, fx(name), "-f", "json").stdout)["changes"]
    rows = list(csv.DictReader(io.StringIO(run(BASE, fx(name), "-f", "csv").stdout)))
    assert len(rows) == len(changes)
    for row, change in zip(rows, changes):
        for key, value in change.items():
            if key == "growth":
                assert float(row["growth.pct"]) == value["pct"]
            elif isinstance(value, list) and all(isinstance(x, str) for x in value):
                assert row[key] == "; ".join(value)  # SPEC §7: lists joined by `; `
            elif isinstance(value, (dict, list)):
                assert json.loads(row[key]) == value  # an item kept whole in its cell
            else:
                assert row[key] == ("" if value is None else str(value))


# --- operands ------------------------------------------------------------------------------


def test_case_at_date_against_the_case(run, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(BASE, cases / "acme.yaml")
    result = run("acme@2019", "acme", "-f", "json", "--cases-dir", str(cases))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["a"] == "acme@2019" and data["b"] == "acme"
    assert data["summary"]["timeline"]["added"] == 2
    assert {c["kind"] for c in data["changes"]} <= {"added", "changed"}


def test_dash_reads_one_side_from_standard_input():
    result = CliRunner().invoke(
        app, ["diff", BASE, "-", "-f", "json"], env=ENV, input=Path(fx("escalated")).read_bytes()
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["a"], data["b"]) == (BASE, "-")
    assert data["summary"] == {
        "risks": {"added": 0, "removed": 0, "changed": 1, "refined": 0, "renamed": 0, "moved": 0}
    }
    dated = CliRunner().invoke(
        app, ["diff", "-f", "json", "--", "-@2019", BASE], env=ENV, input=Path(BASE).read_bytes()
    )
    assert dated.exit_code == 1 and json.loads(dated.stdout)["a"] == "-@2019"


def test_standard_input_holds_one_case_and_a_bad_one_is_placed_there():
    both = CliRunner().invoke(app, ["diff", "-", "-"], env=ENV, input=Path(BASE).read_bytes())
    assert both.exit_code == 2 and "at most one of A and B can be -" in both.stderr
    bad = CliRunner().invoke(app, ["diff", BASE, "-"], env=ENV, input=b"id: [acme\n")
    assert bad.exit_code == 2 and bad.stderr.startswith("casekit: error: <stdin>:1:5: YAML syntax")
    assert "casekit validate -" in bad.stderr and "Traceback" not in bad.stderr


def test_bundled_case_as_of_a_date_shows_only_what_came_later(run):
    result = run("scale_ai@2024-12", "scale_ai", "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"]["timeline"]["added"] > 0
    assert not any(counts["removed"] for counts in data["summary"].values())
    assert [c for c in data["changes"] if c["section"] == "case"][0]["field"] == "as_of"


def test_bundled_case_as_of_a_date_adds_what_only_later_sources_tell(run):
    data = json.loads(run("scale_ai@2024-12", "scale_ai", "-f", "json").stdout)
    added = {(c["section"], c["id"]) for c in data["changes"] if c["kind"] == "added" and c["field"] is None}
    # Known only from the two 2025 documents: no longer kept in the 2024-12 view without their sources.
    assert {
        ("lessons", "step_function_change"),
        ("lessons", "hard_work"),
        ("lessons", "zoom_out"),
        ("lessons", "have_principles"),
        ("risks", "leadership_transition"),
        ("drivers", "meta_capital"),
        ("metrics", "meta_stake"),
    } <= added
    assert data["summary"]["lessons"] == {**data["summary"]["lessons"], "added": 4, "changed": 0}
    undated = {"metrics", "principles", "risks", "moats", "flywheel", "competitors", "drivers", "lessons"}
    for change in data["changes"]:
        if change["section"] in undated and change["field"] == "sources":
            assert change["old"], change  # an undated item kept cites a source out by then


def test_dev_null_is_no_case(run):
    result = run("/dev/null", BASE, "--stat")
    assert result.exit_code == 1
    assert "timeline:   +5" in result.stdout


# --- git -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["p.yaml", "/tmp/a", HEX_A, "100644", "p.yaml", HEX_B, "100644"], ("p.yaml", "p.yaml")),
        (["p.yaml", "/dev/null", ".", ".", "p.yaml", HEX_B, "100644"], ("p.yaml", "p.yaml")),
        (
            ["old.yaml", "/tmp/a", HEX_A, "100644", "/tmp/b", HEX_B, "100755", "new.yaml", "similarity index 90%\n"],
            ("old.yaml", "new.yaml"),
        ),
    ],
)
def test_git_external_args_are_recognised_by_count_and_shape(args, expected):
    parsed = git_external_args(args)
    assert parsed is not None and (parsed.path, parsed.new_path) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["a.yaml", "b.yaml"],
        ["a", "b", "c", "d", "e", "f", "g"],  # seven operands that are not git's
        ["p.yaml", "/tmp/a", HEX_A, "100644", "/tmp/b", HEX_B],
    ],
)
def test_other_arguments_are_not_git_s(args):
    assert git_external_args(args) is None


def test_driver_with_seven_arguments_diffs_old_file_against_new_file_and_exits_0(run):
    result = run("cases/acme.yaml", BASE, HEX_A, "100644", fx("metric_delta"), HEX_B, "100644")
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0] == "diff --casekit a/cases/acme.yaml b/cases/acme.yaml"
    assert "       ~ 2021  $50M → $75M  +$25M (+50%)" in out


def test_driver_new_and_deleted_files(run):
    added = run("cases/acme.yaml", "/dev/null", ".", ".", BASE, HEX_B, "100644")
    assert added.exit_code == 0
    assert lines(added.stdout)[:3] == [
        "diff --casekit a/cases/acme.yaml b/cases/acme.yaml",
        "new file",
        "case:       +1",
    ]
    deleted = run("cases/acme.yaml", BASE, HEX_A, "100644", "/dev/null", ".", ".")
    assert deleted.exit_code == 0
    assert "deleted file" in deleted.stdout and "timeline:   −5" in deleted.stdout


def test_driver_rename_with_nine_arguments(run):
    result = run(
        "old.yaml",
        BASE,
        HEX_A,
        "100644",
        fx("escalated"),
        HEX_B,
        "100644",
        "new.yaml",
        "similarity index 95%\nrename from old.yaml\nrename to new.yaml\nindex 9405325..0fdf397 100644\n",
    )
    assert result.exit_code == 0
    # git's own description of the rename heads the diff, as in `git diff -M`.
    assert lines(result.stdout)[:5] == [
        "diff --casekit a/old.yaml b/new.yaml",
        "similarity index 95%",
        "rename from old.yaml",
        "rename to new.yaml",
        "index 9405325..0fdf397 100644",
    ]
    assert "escalated" in result.stdout


def test_driver_copy_says_copy(run):
    result = run(
        "old.yaml",
        BASE,
        HEX_A,
        "100644",
        fx("escalated"),
        HEX_B,
        "100644",
        "copy.yaml",
        "similarity index 90%\ncopy from old.yaml\ncopy to copy.yaml\n",
    )
    assert lines(result.stdout)[:4] == [
        "diff --casekit a/old.yaml b/copy.yaml",
        "similarity index 90%",
        "copy from old.yaml",
        "copy to copy.yaml",
    ]
    assert "rename" not in result.stdout


def test_driver_rename_without_git_s_description_says_rename(run):
    result = run("old.yaml", BASE, HEX_A, "100644", fx("escalated"), HEX_B, "100644", "new.yaml", "")
    assert lines(result.stdout)[:3] == [
        "diff --casekit a/old.yaml b/new.yaml",
        "rename from old.yaml",
        "rename to new.yaml",
    ]


def test_driver_same_meaning_says_so(run):
    result = run("acme.yaml", BASE, HEX_A, "100644", fx("spelled_differently"), HEX_B, "100644")
    assert result.exit_code == 0
    assert "no semantic changes" in result.stdout


def test_driver_falls_back_to_a_text_diff_for_an_invalid_version(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(Path(BASE).read_text().replace("title: Seed round", "title: [Seed round"))
    result = run("acme.yaml", BASE, HEX_A, "100644", str(broken), HEX_B, "100644")
    assert result.exit_code == 0
    assert "showing a text diff" in result.stdout
    assert "-  - {id: seed, date: 2016-03, title: Seed round," in result.stdout
    assert "+  - {id: seed, date: 2016-03, title: [Seed round," in result.stdout


def test_driver_text_diff_is_not_wrapped_at_the_terminal_s_width(run, tmp_path):
    long_line = "# " + "x" * 150
    broken = tmp_path / "broken.yaml"
    broken.write_text(long_line + "\n" + Path(BASE).read_text() + "  - : [broken\n")
    result = run("acme.yaml", BASE, HEX_A, "100644", str(broken), HEX_B, "100644")
    assert "+" + long_line in lines(result.stdout)
    body = lines(result.stdout)[lines(result.stdout).index("+++ b/acme.yaml") + 1 :]
    assert body and all(line[:1] in "@ +-" for line in body)  # each line keeps its prefix


def test_driver_notice_names_the_repository_path_and_how_to_validate_that_version(run, tmp_path, monkeypatch):
    broken = Path(BASE).read_text() + "  - : [broken\n"
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "acme.yaml").write_text(broken)
    blob = tmp_path / "blob"  # git's temporary copy of an older version
    blob.write_text(broken)
    base = str(FIXTURES / BASE)
    monkeypatch.chdir(tmp_path)  # git runs the driver at the top of the work tree
    working = run("cases/acme.yaml", base, HEX_A, "100644", "cases/acme.yaml", HEX_B, "100644")
    assert "casekit: cases/acme.yaml:62:5: YAML syntax" in working.stdout
    assert "(casekit validate cases/acme.yaml)" in working.stdout
    older = run("cases/acme.yaml", str(blob), HEX_A, "100644", base, HEX_B, "100644")
    assert "casekit: cases/acme.yaml:62:5: YAML syntax" in older.stdout
    assert f"(git show {HEX_A[:12]} | casekit validate -)" in older.stdout
    for result in (working, older):
        notice = lines(result.stdout)[1]
        assert notice.startswith("casekit: ") and "a/cases" not in notice and "b/cases" not in notice


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """`casekit ARGS | head` where head has already gone: stdout is a pipe nobody reads."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "casekit", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **ENV},
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("fmt", ["table", "json", "md"])
def test_driver_exits_0_when_the_reader_has_gone(fmt):
    # `git log -p --ext-diff | head`: git reports "external diff died" for any other status.
    done = run_into_closed_pipe(
        "diff", "cases/acme.yaml", BASE, HEX_A, "100644", fx("metric_delta"), HEX_B, "100644", "-f", fmt
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_a_closed_pipe_ends_a_diff_quietly():
    done = run_into_closed_pipe("diff", BASE, fx("metric_delta"))
    assert done.returncode == 0
    assert done.stderr == ""


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    (repo / "cases").mkdir(parents=True)

    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    (repo / ".gitattributes").write_text("*.yaml diff=casekit\n")
    shutil.copy(BASE, repo / "cases" / "acme.yaml")
    git("add", ".")
    git("commit", "-qm", "one")
    shutil.copy(fx("metric_delta"), repo / "cases" / "acme.yaml")
    git("commit", "-qam", "two")
    return repo


@needs_git
def test_rev_path_operands_in_a_git_repository(run, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = run("HEAD~1:cases/acme.yaml", "HEAD:cases/acme.yaml", "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["a"] == "HEAD~1:cases/acme.yaml"
    assert [(c["kind"], c["at"]) for c in data["changes"]] == [
        ("removed", "2019"),
        ("changed", "2021"),
        ("added", "2024"),
    ]
    bad = run("nosuchrev:cases/acme.yaml", "HEAD:cases/acme.yaml")
    assert bad.exit_code == 2 and "nosuchrev" in bad.stderr


@needs_git
def test_rev_path_at_a_date_is_the_file_at_that_revision_as_known_then(run, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = run("HEAD:cases/acme.yaml@2019", "HEAD:cases/acme.yaml", "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["a"] == "HEAD:cases/acme.yaml@2019"
    assert data["summary"]["timeline"]["added"] == 2 and not data["summary"]["timeline"]["removed"]
    # Not a date: the whole of it is the revision's path, as git would read it.
    bad = run("HEAD:cases/acme.yaml@2019-13", "HEAD:cases/acme.yaml")
    assert bad.exit_code == 2 and "cases/acme.yaml@2019-13" in bad.stderr


@needs_git
def test_git_uses_casekit_as_its_diff_driver(repo):
    # git itself runs `casekit diff` with its seven arguments, as `git config diff.casekit.command` would.
    command = f"{sys.executable} -m casekit diff"
    env = {**os.environ, **ENV, "GIT_PAGER": "cat", "PAGER": "cat"}
    done = subprocess.run(
        ["git", "-c", f"diff.casekit.command={command}", "log", "-p", "--ext-diff", "-1", "--format=%s"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out = [line.rstrip() for line in done.stdout.splitlines()]
    assert "diff --casekit a/cases/acme.yaml b/cases/acme.yaml" in out
    assert "       ~ 2021  $50M → $75M  +$25M (+50%)" in out
    plain = subprocess.run(
        ["git", "-c", f"diff.casekit.command={command}", "diff", "HEAD~1", "HEAD"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "+$25M (+50%)" in plain.stdout


@needs_git
def test_git_rename_is_described_by_git_s_own_lines(repo):
    command = f"{sys.executable} -m casekit diff"
    env = {**os.environ, **ENV, "GIT_PAGER": "cat", "PAGER": "cat"}
    subprocess.run(["git", "mv", "cases/acme.yaml", "cases/acme_v2.yaml"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "three"], cwd=repo, check=True
    )
    done = subprocess.run(
        ["git", "-c", f"diff.casekit.command={command}", "log", "-p", "--ext-diff", "-M", "-1", "--format="],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out = [line.rstrip() for line in done.stdout.splitlines()]
    assert out[:4] == [
        "diff --casekit a/cases/acme.yaml b/cases/acme_v2.yaml",
        "similarity index 100%",
        "rename from cases/acme.yaml",
        "rename to cases/acme_v2.yaml",
    ]
    assert "no semantic changes" in done.stdout
