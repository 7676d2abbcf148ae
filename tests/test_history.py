"""`casekit log`, one-operand `diff` and `diff --staged`, through real temporary git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from casekit.errors import CaseNotFound, UsageError
from casekit.git import GitError
from casekit.history import history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


class Repo:
    """A git repository in a temporary directory whose commits have fixed dates, one day apart."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ana Ruiz")
        self.git("config", "user.email", "ana@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, **env: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=True, env={**_git_env(), **env}
        )
        return done.stdout

    def put(self, fixture: str, path: str = "cases/acme.yaml") -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / f"{fixture}.yaml", target)

    def commit(self, subject: str, author: str = "Ana Ruiz") -> str:
        self.day += 1
        when = f"2025-01-{self.day:02d}T12:00:00+00:00"
        self.git("add", "-A")
        self.git(
            "commit",
            "-qm",
            subject,
            f"--author={author} <{author.split()[0].lower()}@example.com>",
            GIT_AUTHOR_DATE=when,
            GIT_COMMITTER_DATE=when,
        )
        return self.git("rev-parse", "HEAD").strip()


def _git_env() -> dict[str, str]:
    import os

    return {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:
    repo = Repo(tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    return repo


def subjects(found) -> list[str]:
    return [e.commit.subject for e in found.entries]


# --- casekit log ---------------------------------------------------------------------------


def test_log_lists_the_commits_that_changed_the_case_newest_first_with_what_they_changed(run, repo):
    repo.put("base")
    repo.commit("Start the Acme case")
    (repo.root / "README").write_text("not the case\n")
    repo.commit("Unrelated")
    repo.put("added")
    repo.commit("Add the Series C", author="Bo Li")
    result = run("log", "cases/acme.yaml")
    assert result.exit_code == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0].split()[1:] == ["2025-01-03", "Bo", "Li", "Add", "the", "Series", "C"]
    assert out[1].split() == ["timeline", "+1"]
    assert out[2].split()[1:6] == ["2025-01-01", "Ana", "Ruiz", "Start", "the"]
    assert "new file" in out[3] and "timeline +5" in out[3] and "case" not in out[3]
    assert "Unrelated" not in result.stdout


def test_log_follows_renames_and_says_so(run, repo):
    repo.put("base", "old/acme.yaml")
    repo.commit("one")
    repo.git("mv", "old", "cases")
    repo.commit("Move the case")
    repo.put("escalated")
    repo.commit("Escalate")
    found = history(Path("cases/acme.yaml"))
    assert subjects(found) == ["Escalate", "Move the case", "one"]
    moved = found.entries[1]
    assert (moved.commit.old_path, moved.commit.path) == ("old/acme.yaml", "cases/acme.yaml")
    assert moved.result is not None and moved.result.same
    assert "renamed from old/acme.yaml" in run("log", "cases/acme.yaml").stdout


def test_a_merge_is_compared_with_its_first_parent(repo):
    repo.put("base")
    repo.commit("one")
    repo.git("checkout", "-qb", "side")
    repo.put("escalated")
    repo.commit("Escalate on a branch")
    repo.git("checkout", "-q", "main")
    (repo.root / "notes.txt").write_text("x\n")
    repo.commit("Elsewhere")
    repo.git(
        "merge", "-q", "--no-ff", "-m", "Merge side", "side", GIT_AUTHOR_DATE="2025-02-01T00:00:00+00:00",
        GIT_COMMITTER_DATE="2025-02-01T00:00:00+00:00",
    )  # fmt: skip
    found = history(Path("cases/acme.yaml"))
    assert subjects(found) == ["Merge side", "Escalate on a branch", "one"]
    merge = found.entries[0]
    assert len(merge.commit.parents) == 2
    assert [(c.id, c.detail) for c in merge.result.changes] == [("commoditisation", "escalated")]
    # On the main line alone, the merge stands for its branch.
    assert subjects(history(Path("cases/acme.yaml"), first_parent=True)) == ["Merge side", "one"]


def test_a_commit_that_deletes_the_case_and_one_that_brings_it_back(run, repo):
    repo.put("base")
    repo.commit("one")
    (repo.root / "cases" / "acme.yaml").unlink()
    repo.commit("Drop the case")
    found = history(Path("cases/acme.yaml"))  # gone from the work tree: its history is still in git
    assert subjects(found) == ["Drop the case", "one"]
    assert found.entries[0].commit.new_oid is None
    assert found.entries[0].result.summary()["timeline"]["removed"] == 5
    result = run("log", "cases/acme.yaml", "-n", "1")
    assert result.exit_code == 0 and "deleted" in result.stdout and "timeline −5" in result.stdout


def test_item_is_followed_through_its_rename(repo):
    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    repo.commit("Escalate a risk")
    repo.put("renamed")  # series-b → series-b-round; the risk's severity back to medium
    repo.commit("Rename the Series B")
    repo.put("spelled_differently", "cases/acme.yaml")
    repo.commit("Back to the old id")  # series-b-round → series-b again
    for ref in ("series-b-round", "timeline/series-b", "Timeline/series-b-round", "series-b"):
        found = history(Path("cases/acme.yaml"), item=ref)
        assert subjects(found) == ["Back to the old id", "Rename the Series B", "one"], ref
        assert found.item == ("timeline", ["series-b", "series-b-round"])
        assert all(c.section == "timeline" for e in found.entries for c in e.result.changes)
    rename = history(Path("cases/acme.yaml"), item="series-b-round").entries[1]
    assert [(c.kind, c.id, c.new_id) for c in rename.result.changes] == [("renamed", "series-b", "series-b-round")]
    escalations = history(Path("cases/acme.yaml"), item="commoditisation")
    assert subjects(escalations) == ["Rename the Series B", "Escalate a risk", "one"]


def test_item_errors_name_the_item(run, repo):
    repo.put("base")
    repo.commit("one")
    with pytest.raises(CaseNotFound, match="no item `nothing`"):
        history(Path("cases/acme.yaml"), item="nothing")
    with pytest.raises(CaseNotFound, match="no risks item `series-b`") as raised:
        history(Path("cases/acme.yaml"), item="risks/series-b")
    assert raised.value.hint == "it is in timeline"
    with pytest.raises(UsageError, match="no section `timelin`"):
        history(Path("cases/acme.yaml"), item="timelin/series-b")
    with pytest.raises(CaseNotFound) as raised:
        history(Path("cases/acme.yaml"), item="series-bb")
    assert "series-b" in (raised.value.hint or "")
    result = run("log", "cases/acme.yaml", "--item", "nothing")
    assert result.exit_code == 2 and "--item: no item `nothing`" in result.stderr


def test_since_until_section_limit_and_reverse(run, repo):
    repo.put("base")
    repo.commit("one")  # 2025-01-01
    repo.put("escalated")
    repo.commit("two")  # 2025-01-02
    repo.put("added")
    repo.commit("three")  # 2025-01-03: a Series C, and the risk back to medium
    repo.put("metric_added")
    repo.commit("four")  # 2025-01-04
    path = Path("cases/acme.yaml")
    assert subjects(history(path, since=_day("2025-01-02"))) == ["four", "three", "two"]
    assert subjects(history(path, until=_day("2025-01-02"))) == ["two", "one"]
    assert subjects(history(path, sections=["timeline"])) == ["four", "three", "one"]
    assert subjects(history(path, limit=2)) == ["four", "three"]
    assert subjects(history(path, limit=2, reverse=True)) == ["three", "four"]
    assert subjects(history(path, reverse=True)) == ["one", "two", "three", "four"]
    only_risks = history(path, sections=["risks"]).entries
    assert {c.section for e in only_risks for c in e.result.changes} == {"risks"}
    result = run("log", "cases/acme.yaml", "--since", "2025-01-03", "--until", "Jan 2025", "-f", "json")
    assert [r["subject"] for r in json.loads(result.stdout)] == ["four", "three"]
    result = run("log", "cases/acme.yaml", "--since", "2026")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no commits changed cases/acme.yaml since 2026" in result.stderr
    assert run("log", "cases/acme.yaml", "--since", "2025-13").exit_code == 2


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_log_records_in_every_format(run, repo):
    repo.put("base")
    first = repo.commit("one")
    repo.put("escalated")
    second = repo.commit("Escalate, with a comma")
    records = json.loads(run("log", "cases/acme.yaml", "-f", "json").stdout)
    assert [list(r) for r in records] == [
        ["commit", "date", "author", "subject", "path", "summary", "changes", "problem"]
    ] * 2
    assert [r["commit"] for r in records] == [second, first]
    assert records[0]["date"] == "2025-01-02T12:00:00+00:00"
    assert records[0]["summary"] == {
        "risks": {"added": 0, "removed": 0, "changed": 1, "refined": 0, "renamed": 0, "moved": 0}
    }
    assert records[0]["changes"][0]["detail"] == "escalated"
    import yaml

    assert yaml.safe_load(run("log", "cases/acme.yaml", "-f", "yaml").stdout) == records
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run("log", "cases/acme.yaml", "-f", "csv").stdout)))
    assert [(r["subject"], r["summary"], r["changes"]) for r in rows][0] == ("Escalate, with a comma", "risks ~1", "1")
    md = run("log", "cases/acme.yaml", "-f", "md").stdout
    assert md.splitlines()[0].startswith("| commit | date | author | subject |")


def test_log_patch_shows_the_changes_as_diff_does(run, repo):
    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    repo.commit("two")
    out = run("log", "cases/acme.yaml", "-p", "-n", "1").stdout
    assert "risks" in out and "commoditisation" in out and "medium → high" in out and "escalated" in out
    assert "one" not in out


def test_an_invalid_version_is_shown_and_the_fix_compares_with_the_last_valid_one(run, repo):
    repo.put("base")
    repo.commit("one")
    (repo.root / "cases" / "acme.yaml").write_text("casekit: 1\nid: [\n")
    repo.commit("Break it")
    repo.put("escalated")
    repo.commit("Fix it")
    found = history(Path("cases/acme.yaml"))
    assert subjects(found) == ["Fix it", "Break it", "one"]
    assert found.entries[1].result is None and "cases/acme.yaml" in found.entries[1].problem
    assert [c.detail for c in found.entries[0].result.changes] == ["escalated"]
    out = run("log", "cases/acme.yaml").stdout
    assert "not a valid case: line 3: YAML syntax" in out and "valid again" in out
    # The newest alone still finds the last valid version, beyond what it lists.
    newest = history(Path("cases/acme.yaml"), limit=1).entries[0]
    assert newest.repaired and [c.detail for c in newest.result.changes] == ["escalated"]


def test_an_empty_history_and_an_untracked_file(run, repo):
    repo.put("base")
    result = run("log", "cases/acme.yaml")
    assert result.exit_code == 2
    assert "cases/acme.yaml: not tracked by git" in result.stderr
    repo.git("add", "-A")  # staged, never committed: a history with nothing in it yet
    result = run("log", "cases/acme.yaml")
    assert result.exit_code == 0 and result.stdout == "" and "no commit has cases/acme.yaml yet" in result.stderr
    assert json.loads(run("log", "cases/acme.yaml", "-f", "json").stdout) == []


def test_log_outside_a_repository_exits_2(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "base.yaml", tmp_path / "acme.yaml")
    result = run("log", "acme.yaml")
    assert result.exit_code == 2
    assert "acme.yaml: not in a git repository" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(GitError):
        history(tmp_path / "acme.yaml")


def test_log_takes_an_id_and_a_dirty_work_tree_changes_nothing(run, repo):
    repo.put("base")
    repo.commit("one")
    repo.put("added")  # not committed
    result = run("--cases-dir", "cases", "log", "acme")
    assert result.exit_code == 0
    assert [line.split()[-1] for line in result.stdout.splitlines()[:1]] == ["one"]


def test_parsed_versions_are_cached_by_blob(repo, monkeypatch, tmp_path):
    import casekit.loader

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # blobs others cached are cached already

    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    repo.commit("two")
    parsed = []
    check_bytes = casekit.loader.check_bytes

    def counting(data, display, **kwargs):
        parsed.append(display)
        return check_bytes(data, display, **kwargs)

    monkeypatch.setattr(casekit.loader, "check_bytes", counting)
    first = history(Path("cases/acme.yaml"))
    assert len(parsed) == 2  # two versions, each parsed once though both are compared twice
    again = history(Path("cases/acme.yaml"))
    assert len(parsed) == 2
    assert [e.result.record() for e in again.entries] == [e.result.record() for e in first.entries]
    history(Path("cases/acme.yaml"), use_cache=False)
    assert len(parsed) == 4


# --- one-operand diff ------------------------------------------------------------------------


def test_one_operand_diff_compares_the_working_file_with_head(run, repo):
    repo.put("base")
    repo.commit("one")
    result = run("diff", "cases/acme.yaml")
    assert result.exit_code == 0 and "no differences" in result.stderr
    repo.put("escalated")
    result = run("diff", "cases/acme.yaml", "-f", "json")
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert (record["a"], record["b"]) == ("HEAD:cases/acme.yaml", "cases/acme.yaml")
    assert [c["detail"] for c in record["changes"]] == ["escalated"]
    assert run("--cases-dir", "cases", "diff", "acme", "--stat").exit_code == 1


def test_staged_compares_the_index_with_head(run, repo):
    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    repo.git("add", "-A")
    repo.put("added")  # the working file differs again
    record = json.loads(run("diff", "--staged", "cases/acme.yaml", "-f", "json").stdout)
    assert (record["a"], record["b"]) == ("HEAD:cases/acme.yaml", ":cases/acme.yaml")
    assert [c["detail"] for c in record["changes"]] == ["escalated"]
    working = json.loads(run("diff", "cases/acme.yaml", "-f", "json").stdout)
    assert {c["id"] for c in working["changes"]} == {"series-c"}  # added.yaml's risk is back at medium
    result = run("diff", "--staged", "cases/acme.yaml", "cases/acme.yaml")
    assert result.exit_code == 2 and "--staged" in result.stderr


def test_one_operand_diff_of_a_new_file_adds_everything(run, repo):
    repo.put("base", "cases/other.yaml")
    repo.commit("other")
    repo.put("base")
    record = json.loads(run("diff", "cases/acme.yaml", "-f", "json").stdout)
    assert record["a"] == "HEAD:cases/acme.yaml"
    assert record["summary"]["timeline"]["added"] == 5


def test_one_operand_diff_takes_no_date_or_revision(run, repo):
    repo.put("base")
    repo.commit("one")
    for spec in ("cases/acme.yaml@2020", "HEAD:cases/acme.yaml", "-"):
        result = run("diff", spec)
        assert result.exit_code == 2 and "with one operand, diff compares a case file with git's HEAD" in result.stderr


def test_one_operand_diff_outside_a_repository_exits_2(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "base.yaml", tmp_path / "acme.yaml")
    result = run("diff", "acme.yaml")
    assert result.exit_code == 2 and "not in a git repository" in result.stderr


# --- colour ------------------------------------------------------------------------------


def test_color_always_never_and_auto(run, repo):
    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    for args in (["--color=always"], ["--color", "always"], ["diff", "--color=always"]):
        argv = [*args, "diff", "cases/acme.yaml"] if args[0] != "diff" else ["diff", "cases/acme.yaml", args[1]]
        assert "\x1b[" in run(*argv, env={"NO_COLOR": ""}).stdout, argv
    assert "\x1b[" in run("diff", "cases/acme.yaml", "--color=always").stdout  # above NO_COLOR, as asked
    assert "\x1b[" not in run("diff", "cases/acme.yaml", "--color=never", env={"NO_COLOR": ""}).stdout
    assert "\x1b[" not in run("diff", "cases/acme.yaml", "--color=auto", env={"NO_COLOR": ""}).stdout  # not a TTY
    bad = run("diff", "cases/acme.yaml", "--color=sometimes")
    assert bad.exit_code == 2 and "--color: `sometimes` is not auto, always or never" in bad.stderr


def test_under_git_s_pager_output_is_coloured_unless_git_or_no_color_say_not(run, repo):
    import casekit.render.term as term

    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    pager = {"GIT_PAGER_IN_USE": "true", "NO_COLOR": ""}

    def coloured(env: dict, config: str | None = None) -> bool:
        term._git_colours = None
        if config is not None:
            repo.git("config", *config.split())
        return "\x1b[" in run("diff", "cases/acme.yaml", env=env).stdout

    assert coloured(pager)
    assert not coloured({**pager, "NO_COLOR": "1"})
    assert not coloured({"NO_COLOR": ""})  # not under git's pager, not a terminal
    assert not coloured(pager, "color.ui never")
    assert coloured(pager, "color.diff always")  # color.diff overrides color.ui
    assert not coloured(pager, "color.pager false")


# --- the git diff driver ---------------------------------------------------------------------


def git_diff_with_driver(repo: Repo, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`git diff ARGS` with casekit as the diff driver of every *.yaml file, as the README sets it up."""
    import os
    import sys

    (repo.root / ".gitattributes").write_text("*.yaml diff=casekit\n")
    command = f"{sys.executable} -m casekit diff"
    return subprocess.run(
        ["git", "-c", f"diff.casekit.command={command}", "diff", "--ext-diff", *args],
        cwd=repo.root,
        env={**_git_env(), **ENV, "PYTHONPATH": os.pathsep.join(sys.path), "GIT_PAGER": "cat", **(env or {})},
        capture_output=True,
        check=False,
    )


def test_driver_shows_yaml_that_is_no_case_as_a_plain_diff_without_complaint(repo):
    (repo.root / ".pre-commit-config.yaml").write_text("repos:\n  - repo: one\n")
    repo.commit("ci")
    (repo.root / ".pre-commit-config.yaml").write_text("repos:\n  - repo: two\n")
    (repo.root / "new.yaml").write_text("a: 1\n")
    repo.git("add", "-A")
    done = git_diff_with_driver(repo, "--cached")
    out = done.stdout.decode()
    assert done.returncode == 0 and b"died" not in done.stderr
    assert "unknown key" not in out and "casekit:" not in out
    assert "diff --git a/.pre-commit-config.yaml b/.pre-commit-config.yaml" in out
    assert "-  - repo: one\n+  - repo: two" in out
    # An added file's old side is /dev/null, as git writes it.
    added = out[out.index("diff --git a/new.yaml") :].splitlines()
    assert added[1:5] == ["new file", "--- /dev/null", "+++ b/new.yaml", "@@ -0,0 +1 @@"]


def test_driver_reads_a_flow_style_case_as_a_case(repo):
    from casekit.cli.diff import looks_like_case

    assert looks_like_case(b'# a case as JSON\n{"casekit": 1, "id": "acme"}')
    assert looks_like_case(b"id: acme\ncasekit: 1\n")
    assert not looks_like_case(b"repos:\n  - casekit: 1\n")
    assert not looks_like_case(b"name: CI\non: [push]\n")


def test_driver_always_exits_0_even_on_an_internal_error(repo, tmp_path):
    repo.put("base")
    repo.commit("one")
    repo.put("escalated")
    # A sitecustomize that breaks the semantic diff: the driver must still give git a diff.
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import casekit.changes\ndef broken(*a, **k):\n    raise RuntimeError('boom')\ncasekit.changes.diff = broken\n"
    )
    import os
    import sys

    done = git_diff_with_driver(repo, env={"PYTHONPATH": os.pathsep.join([str(hook), *sys.path])})
    out = done.stdout.decode()
    assert done.returncode == 0 and b"external diff died" not in done.stderr, done.stderr
    assert "casekit: internal error: RuntimeError: boom; showing a text diff" in out
    assert "-    severity: medium\n+    severity: high" in out


def test_driver_takes_a_path_that_is_not_utf8(repo):
    import os

    name = os.fsdecode(b"caf\xe9.yaml")
    repo.put("base", name)
    repo.commit("one")
    repo.put("escalated", name)
    done = git_diff_with_driver(repo)
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0 and b"died" not in done.stderr, done.stderr
    assert "diff --casekit a/caf\\xe9.yaml b/caf\\xe9.yaml" in out
    assert "medium → high" in out


def test_log_and_one_operand_diff_do_not_import_pandas_or_jinja2(repo):
    import os
    import sys

    repo.put("base")
    repo.commit("one")
    repo.put("metric_delta")  # a metric's figures change: still no pandas
    repo.commit("two")
    repo.put("base")
    for args in (["log", "cases/acme.yaml", "-p"], ["diff", "cases/acme.yaml"]):
        code = (
            "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', *%r]\n"
            "status = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    status = exc.code or 0\n"
            "heavy = [m for m in ('pandas', 'jinja2') if m in sys.modules]\n"
            "sys.stderr.write((' '.join(heavy) or 'LIGHT') + f' {status}')\n" % (args,)
        )
        env = {**_git_env(), **ENV, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=repo.root)
        assert done.stderr.endswith(("LIGHT 0", "LIGHT 1")), (args, done.stderr)
