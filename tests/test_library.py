"""Finding cases: directories in order, ids, paths and the default case (SPEC §4)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from casekit.errors import CaseNotFound, UsageError
from casekit.library import Library, bundled_dir

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"


def make_dir(root: Path, name: str, *ids: str) -> Path:
    directory = root / name
    directory.mkdir()
    for case_id in ids:
        text = ACME.read_text().replace("id: acme", f"id: {case_id}", 1)
        (directory / f"{case_id}.yaml").write_text(text)
    return directory


def test_bundled_example_is_found_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    library = Library(env={})
    assert [r.id for r in library.refs()] == ["scale_ai"]
    assert library.default().id == "scale_ai"
    assert library.default().bundled
    assert (bundled_dir() / "scale_ai.yaml").is_file()


def test_cases_dirs_come_first_and_shadow_later_ones(tmp_path):
    first = make_dir(tmp_path, "first", "acme")
    second = make_dir(tmp_path, "second", "acme", "beta")
    library = Library(cases_dirs=[first, second], env={})
    refs = {r.id: r for r in library.refs()}
    assert refs["acme"].path == first / "acme.yaml"
    assert refs["beta"].path == second / "beta.yaml"
    # The bundled example is left out of a library of the user's own, yet found by its id.
    assert "scale_ai" not in refs
    every = {r.id: r for r in library.every_ref()}
    assert every.keys() == {"acme", "beta", "scale_ai"} and every["scale_ai"].bundled
    assert library.find("scale_ai").bundled


def test_with_no_cases_of_the_users_own_the_library_is_the_bundled_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./cases
    library = Library(env={})
    assert [(r.id, r.bundled) for r in library.refs()] == [("scale_ai", True)]
    assert library.default().id == "scale_ai"
    empty = tmp_path / "empty"
    empty.mkdir()
    configured = Library(cases_dirs=[empty], env={})
    assert [r.id for r in configured.refs()] == ["scale_ai"]
    assert configured.find("scale_ai").bundled


def test_a_users_case_named_like_the_bundled_one_shadows_it(tmp_path):
    d = make_dir(tmp_path, "d", "scale_ai")
    library = Library(cases_dirs=[d], env={})
    assert [(r.id, r.bundled) for r in library.every_ref()] == [("scale_ai", False)]


def test_casekit_path_is_used_when_no_dir_is_given(tmp_path):
    a = make_dir(tmp_path, "a", "acme")
    b = make_dir(tmp_path, "b", "beta")
    library = Library(env={"CASEKIT_PATH": f"{a}:{b}"})
    assert [r.id for r in library.refs() if not r.bundled] == ["acme", "beta"]


def test_dot_cases_is_the_fallback(tmp_path, monkeypatch):
    make_dir(tmp_path, "cases", "acme")
    monkeypatch.chdir(tmp_path)
    library = Library(env={})
    assert library.default().id == "acme"


def test_default_is_casekit_case_then_the_only_case(tmp_path):
    d = make_dir(tmp_path, "d", "acme", "beta")
    assert Library(cases_dirs=[d], env={"CASEKIT_CASE": "beta"}).default().id == "beta"
    with pytest.raises(UsageError) as info:
        Library(cases_dirs=[d], env={}).default()
    assert "acme, beta" in info.value.message


def test_find_by_id_path_and_unknown_id(tmp_path):
    d = make_dir(tmp_path, "d", "acme")
    library = Library(cases_dirs=[d], env={})
    assert library.find("acme").path == d / "acme.yaml"
    assert library.find(str(ACME)).path == ACME
    with pytest.raises(CaseNotFound) as info:
        library.find("acm")
    assert info.value.hint == "did you mean `acme`?"
    with pytest.raises(CaseNotFound, match="no such file"):
        library.find("missing/nothing.yaml")


def test_a_file_id_is_its_stem_even_when_the_case_says_otherwise(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(ACME, d / "acme_v2.yaml")
    library = Library(cases_dirs=[d], env={})
    assert library.load(library.find("acme_v2")).id == "acme"


def test_files_are_parsed_in_forked_workers_only_while_no_other_thread_runs(tmp_path, monkeypatch):
    import threading

    import casekit.library as library_module
    from casekit.library import CaseRef, _workers_safe

    assert _workers_safe("linux") and _workers_safe("darwin")
    directory = make_dir(tmp_path, "many", *[f"case{i:02d}" for i in range(10)])
    refs = [CaseRef(p.stem, p) for p in sorted(directory.iterdir())]
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not _workers_safe("linux") and _workers_safe("darwin")

        def no_fork(*args, **kwargs):
            raise AssertionError("forked workers beside a running thread")

        monkeypatch.setattr(library_module, "_parse_in_pool", no_fork)
        if sys.platform == "linux":
            cases = Library(use_cache=False).load_all(refs)
            assert [c.id for c in cases] == [r.id for r in refs]
    finally:
        stop.set()
        thread.join()


def test_a_case_is_found_by_the_id_inside_its_file_when_no_file_is_named_so(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "other.yaml").write_text(ACME.read_text().replace("id: acme", "id: wrongid", 1))
    library = Library(cases_dirs=[d], env={})
    assert library.find("wrongid").path == d / "other.yaml"
    assert library.find("other").path == d / "other.yaml"  # the file's stem still works


def test_an_id_two_files_share_names_neither(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(ACME, d / "acme_v1.yaml")
    shutil.copy(ACME, d / "acme_v2.yaml")
    with pytest.raises(UsageError, match="several case files have the id `acme`") as info:
        Library(cases_dirs=[d], env={}).find("acme")
    assert "acme_v1.yaml" in info.value.hint and "acme_v2.yaml" in info.value.hint


def test_case_files_are_files_as_named_every_case_below_a_directory_and_ids(tmp_path):
    lib_dir = make_dir(tmp_path, "lib", "acme", "beta")
    nested = tmp_path / "tree" / "deep"
    nested.mkdir(parents=True)
    (nested / "one.yml").write_text("x")
    (nested / "notes.txt").write_text("x")
    library = Library(cases_dirs=[lib_dir], env={})
    found = library.case_files([str(tmp_path / "tree"), "beta", str(tmp_path / "missing.yaml")])
    assert [(r.id, r.path) for r in found] == [
        ("one", nested / "one.yml"),
        ("beta", lib_dir / "beta.yaml"),
        ("missing", tmp_path / "missing.yaml"),
    ]  # checked, then unreadable
    assert library.case_files() == library.refs()
    with pytest.raises(CaseNotFound):
        library.case_files(["nosuchid"])


def test_a_directory_with_no_case_files_is_not_found_never_an_empty_pass(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("x")
    library = Library(cases_dirs=[make_dir(tmp_path, "lib", "acme")], env={})
    for spec in (tmp_path / "notes", tmp_path / "empty"):
        spec.mkdir(exist_ok=True)
        with pytest.raises(CaseNotFound, match=r"no case files \(\*\.yaml, \*\.yml\) in this directory or below"):
            library.case_files([str(spec)])


def test_a_configured_library_without_case_files_is_not_found(tmp_path, monkeypatch):
    empty = make_dir(tmp_path, "empty")
    for library in (
        Library(cases_dirs=[empty], env={}),
        Library(env={"CASEKIT_PATH": str(empty)}),
        Library(cases_dirs=[tmp_path / "missing"], env={}),
    ):
        with pytest.raises(CaseNotFound, match=r"no case files .* in ") as info:
            library.case_files()
        assert "--cases-dir or CASEKIT_PATH" in info.value.hint
    # With nothing configured, the bundled example is the library.
    monkeypatch.chdir(tmp_path)
    assert [r.id for r in Library(env={}).case_files()] == ["scale_ai"]


def test_a_case_named_by_a_directory_is_called_a_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_dir(tmp_path, "none")
    make_dir(tmp_path, "one", "acme")
    make_dir(tmp_path, "many", *(f"c{i}" for i in range(7)))
    (tmp_path / "dir.yaml").mkdir()
    library = Library(env={})
    expected = {
        "none": None,
        "none/": None,
        "dir.yaml": None,
        "one": "it holds one case: -c one/acme.yaml",
        "many": "to read the cases in it (c0, c1, c2, c3, c4, …): --cases-dir many -c ID",
    }
    for spec, hint in expected.items():
        with pytest.raises(CaseNotFound) as info:
            library.find(spec)
        assert (info.value.message, info.value.hint) == (f"{spec}: is a directory, not a case file", hint)


def test_an_id_is_found_before_a_directory_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lib = make_dir(tmp_path, "lib", "acme")
    (tmp_path / "acme").mkdir()
    (lib / "other.yaml").write_text(ACME.read_text().replace("id: acme", "id: other_id", 1))
    (tmp_path / "other_id").mkdir()
    library = Library(cases_dirs=[lib], env={})
    assert library.find("acme").path == lib / "acme.yaml"
    assert library.find("other_id").path == lib / "other.yaml"


def test_a_case_ref_is_a_frozen_value_equal_and_hashed_by_its_fields():
    import pickle

    from casekit.library import CaseRef, Loaded

    ref = CaseRef("acme", Path("cases/acme.yaml"))
    assert ref == CaseRef(id="acme", path=Path("cases/acme.yaml"), bundled=False)
    assert ref != CaseRef("acme", Path("cases/acme.yaml"), True) and ref != ("acme", Path("cases/acme.yaml"), False)
    assert len({ref, CaseRef("acme", Path("cases/acme.yaml"))}) == 1
    assert (
        repr(ref) == "CaseRef(id='acme', path=PosixPath('cases/acme.yaml'), bundled=False, listed=False)"
        or sys.platform == "win32"
    )
    assert pickle.loads(pickle.dumps(ref)) == ref
    with pytest.raises(AttributeError):
        ref.id = "other"  # type: ignore[misc]
    loaded = Loaded(ref, None, [])
    assert loaded == Loaded(ref=ref, case=None, problems=[], error=None) and loaded.error is None
    match loaded:
        case Loaded(r, case, problems):
            assert (r, case, problems) == (ref, None, [])


def test_library_wide_commands_leave_the_bundled_example_out_once_the_user_has_cases(run, tmp_path):
    import json

    d = make_dir(tmp_path, "mine", "acme")
    base = ("--cases-dir", str(d))
    validated = run(*base, "validate")
    assert validated.exit_code == 0 and "1 file checked" in validated.stdout + validated.stderr
    searched = run(*base, "search", "data", "-f", "json")
    assert {hit["case"] for hit in json.loads(searched.stdout or "[]")} <= {"acme"}
    assert run(*base, "search", "Scale AI").exit_code == 1  # found only in the bundled case
    # Named by its id, the bundled example is there still.
    named = run(*base, "timeline", "-c", "scale_ai", "-f", "json")
    assert named.exit_code == 0 and len(json.loads(named.stdout)) > 10
    assert run(*base, "search", "Scale AI", "-c", "scale_ai").exit_code == 0


def test_a_directory_lists_its_case_files_by_name_links_to_files_included(tmp_path):
    import os

    from casekit.library import _scan

    directory = make_dir(tmp_path, "lib", "b", "a.b", "B2", "a")
    (directory / "c.yml").write_text((directory / "a.yaml").read_text())
    (directory / ".hidden.yaml").write_text("")
    (directory / "notes.txt").write_text("")
    (directory / "sub.yaml").mkdir()  # a directory named like a case
    (directory / "link.yaml").symlink_to(directory / "a.yaml")
    (directory / "dangling.yaml").symlink_to(directory / "nowhere.yaml")
    if hasattr(os, "mkfifo"):
        os.mkfifo(directory / "pipe.yaml")
    refs = _scan(directory, False)
    names = [r.path.name for r in refs]
    assert names == sorted(p.name for p in directory.iterdir() if p.name in names)  # the order of their paths
    assert names == ["B2.yaml", "a.b.yaml", "a.yaml", "b.yaml", "c.yml", "link.yaml"]
    assert [r.id for r in refs] == [Path(n).stem for n in names]
    assert all(r.path == directory / n and str(r.path) == str(directory / n) for r, n in zip(refs, names))
    assert all(r.listed and not r.bundled for r in refs)
    assert _scan(tmp_path / "missing", False) == []


@pytest.mark.parametrize("cwd", ["tmp", "/"])
def test_the_absolute_paths_the_index_keys_files_by_are_those_abspath_gives(tmp_path, monkeypatch, cwd):
    import os

    from casekit.index import absolute_paths
    from casekit.library import CaseRef

    monkeypatch.chdir(tmp_path if cwd == "tmp" else cwd)
    texts = ["a.yaml", "d/a.yaml", "/x/a.yaml", "//x/a.yaml", "///a.yaml", "d/../a.yaml", "./a.yaml", "../a.yaml"]
    texts += ["d/./a.yaml", "d//a.yaml", "d/.a.yaml", "d/.../a.yaml", "/", ".", "..", "d/", "caf\udce9.yaml"]
    refs = [CaseRef("a", path) for text in texts for path in (Path(text), text)]
    assert absolute_paths(refs) == [os.path.abspath(ref.path) for ref in refs]
