"""new: the skeleton case validates and is never written over; the JSON Schema editors use."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml

from casekit.errors import UsageError
from casekit.library import bundled_dir
from casekit.loader import check_file, load_case
from casekit.schema import case_schema
from casekit.skeleton import skeleton

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2024, 5, 17)


# --- the skeleton ----------------------------------------------------------------------


def test_skeleton_validates_without_errors_or_warnings(tmp_path):
    path = tmp_path / "acme_two.yaml"
    path.write_text(skeleton("acme_two", "Acme Two", TODAY))
    case, problems = check_file(path)
    assert problems == []
    assert case is not None
    assert (case.id, case.company, case.as_of.text) == ("acme_two", "Acme Two", "2024-05")
    assert [s.id for s in case.sources] == ["source1"]


def test_skeleton_quotes_any_company_name(tmp_path):
    name = 'Zoë & "Co": #1 [robots] — 株式会社'
    path = tmp_path / "zoe.yaml"
    path.write_text(skeleton("zoe", name, TODAY))
    assert load_case(path).company == name


def test_skeleton_comments_document_the_format():
    text = skeleton("acme_two", "Acme Two", TODAY)
    for key in ("timeline:", "#    tradeoff:", "#    severity:", "# flywheel:", "yaml-language-server"):
        assert key in text


@pytest.mark.parametrize("bad", ["Acme", "acme two", "-acme", "", "acme/x"])
def test_skeleton_refuses_an_id_that_is_not_a_slug(bad):
    with pytest.raises(UsageError):
        skeleton(bad, "Acme", TODAY)


def test_skeleton_refuses_control_characters_in_the_company():
    with pytest.raises(UsageError):
        skeleton("acme", "Acme\x1b[31m", TODAY)


# --- the command -----------------------------------------------------------------------


def test_new_writes_the_file_and_names_it_on_stderr(run, tmp_path):
    result = run("new", "acme_two", "--company", "Acme Two", "--dir", str(tmp_path), "--today", "2024-05-17")
    assert result.exit_code == 0, result.output
    path = tmp_path / "acme_two.yaml"
    assert result.stdout == ""
    written, advice, then = result.stderr.strip().splitlines()
    assert written == str(path)
    assert advice.startswith(f"{tmp_path} is not in the library; add it with --cases-dir {tmp_path}")
    assert then.startswith("next: casekit add sources -c acme_two (then casekit rm source1 -c acme_two)")
    assert run("validate", str(path)).exit_code == 0


def test_new_takes_the_title_summary_and_as_of(run, tmp_path):
    result = run(
        "new", "Acme Two", "--title", "Acme bets on robots", "--summary", 'A "small" maker\nof arms.',
        "--as-of", "2024-Q2", "--dir", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    case = load_case(tmp_path / "acme_two.yaml")
    assert (case.title, case.summary, case.as_of.text) == ("Acme bets on robots", 'A "small" maker of arms.', "2024-Q2")
    assert run("fmt", "--check", str(tmp_path / "acme_two.yaml")).exit_code == 0
    bad = run("new", "beta", "--company", "Beta", "--as-of", "2024-13", "--dir", str(tmp_path))
    assert bad.exit_code == 2 and "--as-of" in bad.stderr
    assert not (tmp_path / "beta.yaml").exists()


def test_new_writes_to_cases_by_default(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("new", "beta", "--company", "Beta").exit_code == 0
    assert (tmp_path / "cases" / "beta.yaml").is_file()


def test_new_never_overwrites_without_force(run, tmp_path):
    path = tmp_path / "acme_two.yaml"
    path.write_text("my notes\n")
    result = run("new", "acme_two", "--company", "Acme Two", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert path.read_text() == "my notes\n"
    result = run("new", "acme_two", "--company", "Acme Two", "--dir", str(tmp_path), "--force")
    assert result.exit_code == 0
    assert 'company: "Acme Two"' in path.read_text()


def test_new_refuses_a_bad_id(run, tmp_path):
    result = run("new", "Acme Two", "--company", "Acme", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert "not a valid case id" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- the JSON Schema -------------------------------------------------------------------


def _json_ready(data):
    """YAML data as a JSON editor sees it: dates as text."""
    if isinstance(data, (datetime.date, datetime.datetime)):
        return data.isoformat()
    if isinstance(data, dict):
        return {k: _json_ready(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_ready(v) for v in data]
    return data


def schema_errors(data) -> list[str]:
    import jsonschema

    schema = case_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(_json_ready(data))]


def valid_case_files() -> list[Path]:
    files = [bundled_dir() / "scale_ai.yaml"] + sorted(FIXTURES.rglob("*.y*ml"))
    out = []
    for path in files:
        try:
            case, problems = check_file(path)
        except Exception:
            continue
        if case is not None and not any(p.severity == "error" for p in problems):
            out.append(path)
    return out


def test_there_are_valid_fixtures_to_check():
    names = {p.name for p in valid_case_files()}
    assert {"scale_ai.yaml", "acme.yaml", "alpha.yaml", "beta.yaml"} <= names


@pytest.mark.parametrize("path", valid_case_files(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_schema_accepts_every_valid_case(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert schema_errors(data) == []


def test_schema_accepts_the_skeleton():
    assert schema_errors(yaml.safe_load(skeleton("acme_two", "Acme Two", TODAY))) == []


def test_schema_rejects_an_unknown_key():
    data = yaml.safe_load((FIXTURES / "library" / "acme.yaml").read_text())
    data["principles"][0]["tradoff"] = data["principles"][0].pop("tradeoff")
    errors = schema_errors(data)
    assert errors and any("tradoff" in e for e in errors)
    data = yaml.safe_load((FIXTURES / "library" / "acme.yaml").read_text())
    data["colour"] = "blue"
    assert any("colour" in e for e in schema_errors(data))


def test_schema_rejects_a_wrong_type_and_a_bad_choice():
    data = yaml.safe_load((FIXTURES / "library" / "acme.yaml").read_text())
    data["risks"][0]["severity"] = "huge"
    data["principles"][0]["n"] = "one"
    errors = schema_errors(data)
    assert len(errors) == 2


@pytest.mark.parametrize(
    ("change", "word"),
    [
        (lambda d: d["timeline"][0].update(id="Seed Round"), "does not match"),
        (lambda d: d.update(tags=["Big Tag"]), "does not match"),
        (lambda d: d.update(sources=[]), "should be non-empty"),
        (lambda d: d.update(casekit=2), "1 was expected"),
        (lambda d: d["principles"][0].update(n=0), "less than the minimum"),
    ],
)
def test_schema_says_what_validate_says_of_ids_tags_sources_version_and_numbers(change, word):
    data = yaml.safe_load((FIXTURES / "library" / "acme.yaml").read_text())
    change(data)
    errors = schema_errors(data)
    assert len(errors) == 1 and word in errors[0]


def test_schema_command_prints_it(run):
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$defs"]["PartialDate"]["anyOf"]


def test_schema_describes_the_date_forms_and_flags_a_date_without_a_year():
    date_schema = case_schema()["$defs"]["PartialDate"]
    assert "EDTF" in date_schema["description"] and "[2016..2019]" in date_schema["description"]
    data = yaml.safe_load((FIXTURES / "library" / "acme.yaml").read_text())
    for good in ("2001-21", "[2016..2019]", "between 2016 and 2019", "19XX", "by late 2022", 2016):
        data["timeline"][0]["date"] = good
        assert schema_errors(data) == [], good
    for bad in ("yesterday", 0, 12000):
        data["timeline"][0]["date"] = bad
        assert schema_errors(data), bad


@pytest.mark.parametrize("summary", ["a: b # c", "- starts like a list", '"q" & *star {x}', "word " * 40, "%TAG ! x"])
def test_the_summary_is_a_folded_block_that_reads_back_as_written(tmp_path, summary):
    text = skeleton("acme", "Acme", TODAY, summary=summary)
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    assert load_case(path).summary == " ".join(summary.split())
    block = text[text.index("summary: >-\n") :].split("\ntags:")[0]
    assert all(len(line) <= 100 for line in block.splitlines())
