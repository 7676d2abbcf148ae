"""The library index (SQLite FTS5): kept in step with the files, rebuilt when it cannot be trusted,
shared by processes, and never needed: a search without it finds the same."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.index import FILE_NAME, open_index
from casekit.library import Library
from casekit.search import search

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "search"
ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"


@pytest.fixture
def library(tmp_path) -> Path:
    directory = tmp_path / "lib"
    directory.mkdir()
    for source in (*FIXTURES.glob("*.yaml"), ACME):
        shutil.copy(source, directory / source.name)
    return directory


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {"NO_COLOR": "1", "COLUMNS": "200", "XDG_CACHE_HOME": str(tmp_path / "cache"), "CASEKIT_CASE": ""}


def hits(library: Path, env: dict[str, str], query: str) -> list[tuple[str, str, str, float]]:
    result = CliRunner().invoke(app, ["--cases-dir", str(library), "search", query, "-f", "json"], env=env)
    assert result.exit_code in (0, 1), result.stderr
    return [(h["case"], h["section"], h["id"], h["score"]) for h in json.loads(result.stdout)]


def in_memory(library: Path, query: str) -> list[tuple[str, str, str, float]]:
    """What a search over the cases themselves finds, every case indexed afresh in memory."""
    lib = Library([library], env={"CASEKIT_NO_CACHE": "1"})
    cases = lib.load_all(lib.refs())
    return [(h.case, h.section, h.id, round(h.score, 4)) for h in search(cases, query, limit=20)]


def index_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_CACHE_HOME"]) / "casekit" / FILE_NAME


def indexed_paths(env: dict[str, str]) -> set[str]:
    with sqlite3.connect(index_file(env)) as conn:
        return {Path(os.fsdecode(p)).name for (p,) in conn.execute("SELECT path FROM files")}


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))  # old enough to be trusted


def test_the_index_is_made_once_and_finds_what_a_search_in_memory_finds(library, env):
    for query in ("croissant", "data", '"cafe opens"', "launch prices risk"):
        assert hits(library, env, query) == in_memory(library, query)
    assert indexed_paths(env) == {"alpha.yaml", "beta.yaml", "acme.yaml"}  # the bundled case is not the user's


def test_an_edit_is_seen_at_once(library, env):
    assert hits(library, env, "croissant")
    alpha = library / "alpha.yaml"
    _edit(alpha, "Croissant", "Baguette")
    _edit(alpha, "croissant", "baguette")
    assert hits(library, env, "croissant") == in_memory(library, "croissant")
    assert "croissant" not in json.dumps(hits(library, env, "baguette")).lower()
    assert hits(library, env, "baguette") == in_memory(library, "baguette")


def test_an_edit_that_keeps_size_and_mtime_is_seen(library, env):
    alpha = library / "alpha.yaml"
    before = hits(library, env, "croissant")
    st = alpha.stat()
    alpha.write_text(alpha.read_text().replace("Croissant", "Brioches!"))  # as long as before
    os.utime(alpha, ns=(st.st_atime_ns, st.st_mtime_ns))  # `touch -r`: the ctime still moves
    assert hits(library, env, "brioches") == in_memory(library, "brioches") != []
    assert hits(library, env, "croissant") != before


def test_a_renamed_file_is_found_under_its_new_name_and_the_old_one_forgotten(library, env):
    hits(library, env, "croissant")
    (library / "alpha.yaml").rename(library / "renamed.yaml")
    assert hits(library, env, "croissant") == in_memory(library, "croissant")
    assert indexed_paths(env) == {"renamed.yaml", "beta.yaml", "acme.yaml"}


def test_a_deleted_file_is_no_longer_found(library, env):
    assert any(h[0] == "alpha" for h in hits(library, env, "croissant"))
    (library / "alpha.yaml").unlink()
    assert all(h[0] != "alpha" for h in hits(library, env, "croissant"))
    assert "alpha.yaml" not in indexed_paths(env)


def test_a_file_that_breaks_is_skipped_and_named(library, env):
    hits(library, env, "croissant")
    (library / "alpha.yaml").write_text("casekit: 1\nid: [\n")
    result = CliRunner().invoke(app, ["--cases-dir", str(library), "search", "croissant"], env=env)
    assert "skipping" in result.stderr and "alpha.yaml" in result.stderr
    assert "alpha" not in result.stdout


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a database at all" * 100),
        lambda path: path.write_bytes(path.read_bytes()[:4096] + b"\0" * 8192 + path.read_bytes()[12288:]),
        lambda path: path.write_bytes(b""),
    ],
)
def test_a_corrupt_index_is_made_again(library, env, damage):
    expected = hits(library, env, "croissant")
    damage(index_file(env))
    assert hits(library, env, "croissant") == expected
    assert indexed_paths(env) == {"alpha.yaml", "beta.yaml", "acme.yaml"}  # the bundled case is not the user's


def timeline_all(library: Path, env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, ["--cases-dir", str(library), "timeline", "--all", "-f", "json"], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "damage",
    [
        "DROP TABLE events",  # the version row says this casekit made it; a table is gone
        "UPDATE events SET record = x'c1'",  # rows that no longer decode as they were written
    ],
)
def test_an_index_found_damaged_while_it_is_read_is_made_again(library, env, damage):
    expected = timeline_all(library, env)
    with sqlite3.connect(index_file(env)) as conn:
        conn.execute(damage)
    inode = index_file(env).stat().st_ino
    assert timeline_all(library, env) == expected
    assert timeline_all(library, env) == expected  # and it stays made
    assert index_file(env).stat().st_ino == inode  # in place: another process may have it open


def test_a_fault_of_casekits_own_while_the_index_is_read_does_not_delete_it(library, env):
    from casekit.index import with_index

    hits(library, env, "croissant")
    inode = index_file(env).stat().st_ino
    calls = []

    def work(index):
        calls.append(index.path)
        index.conn.execute("INSERT INTO meta VALUES ('version', 'twice')")  # an IntegrityError

    with pytest.raises(sqlite3.IntegrityError):
        with_index(Library([library], env=env), work)
    assert len(calls) == 1
    assert index_file(env).stat().st_ino == inode


def test_a_search_as_the_user_types_takes_the_first_words_of_a_long_query(library):
    from casekit.search import MAX_UNITS, search

    cases = Library([library], env={"CASEKIT_NO_CACHE": "1"}).load_all(Library([library]).refs())
    long = "croissant " + " ".join(f"w{n}x" for n in range(1_100))
    assert [h.id for h in search(cases, long)] == [h.id for h in search(cases, "croissant")]
    beyond = " ".join(f"w{n}x" for n in range(MAX_UNITS)) + " croissant"
    assert search(cases, beyond) == []  # the word past the first MAX_UNITS is not searched


def test_a_query_of_too_many_words_is_refused_at_once(library, env):
    words = " ".join(f"w{n}x" for n in range(5_000))
    result = CliRunner().invoke(app, ["--cases-dir", str(library), "search", words], env=env)
    assert result.exit_code == 2
    assert "the query has 5000 words and phrases; search takes at most 100" in result.stderr


def test_a_limit_past_what_sqlite_counts_is_no_limit(library, env):
    result = CliRunner().invoke(
        app, ["--cases-dir", str(library), "search", "croissant", "-f", "json", "--limit", str(1 << 70)], env=env
    )
    assert result.exit_code == 0, result.output
    assert [(h["case"], h["id"]) for h in json.loads(result.stdout)] == [
        (case, item) for case, _, item, _ in hits(library, env, "croissant")
    ]


@pytest.mark.skipif(sys.platform != "linux", reason="process groups and /proc")
def test_ctrl_c_while_workers_parse_ends_at_once_with_130(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    try:
        from library import generate
    finally:
        sys.path.pop(0)
    cases = tmp_path / "many"
    generate(cases, 800, 100)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "casekit", "--cases-dir", str(cases), "search", "data", "-f", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not children.read_text().split():
        time.sleep(0.05)
    time.sleep(1.5)  # the workers are busy sending results back
    assert proc.poll() is None, "the library was parsed before the interrupt"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: every process of the group
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("casekit did not end after Ctrl-C") from None
    assert proc.returncode == 130
    assert b"Traceback" not in err
    left = b""
    for _ in range(100):  # the workers were told to end; none may go on parsing
        left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True).stdout
        if not left:
            break
        time.sleep(0.05)
    assert left == b""


def test_one_progress_counts_every_file_once_across_the_batches_they_are_parsed_in(library, env, monkeypatch):
    import casekit.index
    from casekit.library import Progress

    monkeypatch.setattr(casekit.index, "PARSE_BATCH", 2)
    calls: list = []

    class Recorder(Progress):
        def start(self, files: int, size: int) -> None:
            calls.append(("start", files))

        def advance(self) -> None:
            calls.append("advance")

        def stop(self) -> None:
            calls.append("stop")

    lib = Library([library], env=env)
    refs = lib.refs()
    index = open_index(lib)
    try:
        current, broken = index.sync(refs, Recorder())
    finally:
        index.close()
    assert len(current) == len(refs) == 3 and not broken
    assert calls == [("start", 3), "advance", "advance", "advance", "stop"]


def test_an_index_of_another_version_is_emptied(library, env):
    expected = hits(library, env, "croissant")
    with sqlite3.connect(index_file(env)) as conn:
        conn.execute("UPDATE meta SET value = 'schema 0' WHERE key = 'version'")
        conn.execute("UPDATE files SET case_id = 'forged'")
    assert hits(library, env, "croissant") == expected


def test_a_stamp_that_disagrees_makes_the_file_indexed_again(library, env):
    expected = hits(library, env, "croissant")
    with sqlite3.connect(index_file(env)) as conn:
        conn.execute("DELETE FROM docs")  # the documents gone, the stamps kept
        conn.execute("UPDATE files SET size = size + 1")
    assert hits(library, env, "croissant") == expected


def test_an_unusable_cache_directory_searches_without_an_index(library, env, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {**env, "XDG_CACHE_HOME": str(blocker / "cache")}  # no directory can be made under a file
    assert hits(library, env, "croissant") == in_memory(library, "croissant") != []
    assert blocker.read_text() == ""


def test_a_read_only_index_searches_from_memory(library, env):
    expected = hits(library, env, "croissant")
    _edit(library / "alpha.yaml", "Croissant", "Baguette")
    index = open_index(Library([library], env=env))
    index.conn.execute("PRAGMA query_only = 1")  # as a database on a read-only disk
    current, broken = index.sync(Library([library], env=env).refs())
    assert index.path is None and len(current) == 3 and broken == []  # indexed in memory instead
    index.close()
    assert hits(library, env, "croissant") != expected


_WORKER = """
import sys
import time
from casekit.index import open_index
from casekit.library import Library
from casekit.search import parse_query
library = Library([sys.argv[1]])
for _ in range(3):
    index = open_index(library)
    current, _ = index.sync(library.refs())
    ranked = index.rank(parse_query("croissant"), {fid: str(fid) for fid in current.values()})
    assert index.path is not None and len(current) == 3 and ranked, (index.path, current, ranked)
    index.close()
print("ok")
"""


def test_processes_updating_the_index_at_once(library, env):
    for k in range(12):  # more files for the writers to race over
        (library / f"copy{k}.yaml").write_text((FIXTURES / "alpha.yaml").read_text().replace("id: alpha", f"id: c{k}"))
    for path in library.iterdir():  # files old enough to be trusted: each is indexed once, not on every sync
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))
    _WORKER_ENV = {**os.environ, **env, "PYTHONPATH": str(Path(__file__).parent.parent)}
    code = _WORKER.replace("len(current) == 3", "len(current) == 15")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(library)],
            env=_WORKER_ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and out.strip() == "ok", err
    with sqlite3.connect(index_file(env)) as conn:
        files = conn.execute("SELECT count(*), count(DISTINCT path) FROM files").fetchone()
        docs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        expected = conn.execute("SELECT sum(docs) FROM files").fetchone()[0]
    assert files == (15, 15) and docs == expected  # each file once, no document twice or lost
    assert hits(library, env, "croissant") == in_memory(library, "croissant")


def test_a_search_over_some_of_the_files_indexed_ranks_over_those_alone(library, env):
    from casekit.index import search_library
    from casekit.search import parse_query

    query = "croissant price data"
    assert hits(library, env, query)  # every file indexed
    lib = Library([library], env=env)
    refs = [ref for ref in lib.refs() if not ref.bundled]
    for some in ([refs[0]], refs[1:], refs[::-1]):
        found, broken, searched = search_library(lib, some, parse_query(query), limit=50)
        expected = search(lib.load_all(some), query, limit=50)
        assert (broken, searched) == ([], len(some))
        assert [(h.case, h.id, h.score) for h in found] == [(h.case, h.id, h.score) for h in expected]


SEARCH_HITS = Path(__file__).parent / "fixtures" / "index" / "search_hits.json"


def test_search_results_and_their_order_are_as_recorded(library, env):
    """Every hit, its score, snippet and place, as the search fixtures gave them before the index
    changed shape; once with the index built from nothing, once from the index as it stands."""
    from casekit.index import search_library
    from casekit.search import parse_query

    expected = json.loads(SEARCH_HITS.read_text(encoding="utf-8"))
    lib = Library([library], env=env)
    refs = [ref for ref in lib.refs() if not ref.bundled]
    for _ in range(2):
        for query, records in expected.items():
            found, broken, _ = search_library(lib, refs, parse_query(query), limit=50)
            assert [hit.record() for hit in found] == records, query
            assert broken == []


# --- listings over the library read from the index ------------------------------------------

_LISTED = [
    path
    for kind in ("timeline", "query", "search", "sections")
    for path in sorted((Path(__file__).parent / "fixtures" / kind).glob("*.yaml"))
]

LISTINGS = [
    ["timeline", "--all"],
    ["timeline", "--all", "--long"],
    *(["timeline", "--all", "-f", fmt] for fmt in ("json", "yaml", "csv", "md")),
    ["timeline", "--all", "--category", "funding", "-f", "json"],
    ["timeline", "--all", "--category", "FUNDING", "--category", "product"],
    ["timeline", "--all", "--tag", "round", "--tag", "growth", "-f", "csv"],
    ["timeline", "--all", "--source", "press", "-f", "yaml"],
    ["timeline", "--all", "--era", "Hardware years", "--era", "pivot", "-f", "json"],
    ["timeline", "--all", "--grep", "série", "-f", "json"],
    ["timeline", "--all", "--grep", "launch", "--category", "product", "-r", "-n", "5"],
    ["timeline", "--all", "--since", "2016", "--until", "2019-06", "-f", "md"],
    ["timeline", "--all", "--since", "2018", "--strict", "-f", "json"],
    ["timeline", "--all", "--category", "no-such-category"],
    ["timeline", "--all", "--since", "2020", "--until", "2019"],
    ["timeline", "--all", "--grep", "nothing matches this"],
    ["timeline", "--all", "--category", "product", "-f", "json"],  # open ends, placed by the day
    ["timeline", "--all", "--category", "product", "-r", "-n", "7", "-f", "yaml"],
    ["timeline", "--all", "--category", "funding", "--category", "FUNDING", "-f", "csv"],
    ["timeline", "--all", "--category", "Product", "--category", "funding", "-f", "md"],
    ["timeline", "--all", "--category", "no-such-category", "-f", "json"],
    ["timeline", "--all", "--category", "", "-f", "json"],
    ["cases"],
    ["cases", "-f", "json"],
    ["cases", "--grep", "acme", "-f", "csv"],
    ["cases", "-n", "3", "-f", "md"],
]


@pytest.fixture
def listed(tmp_path) -> Path:
    """Cases of every shape the fixtures hold and two files that do not load."""
    directory = tmp_path / "listed"
    directory.mkdir()
    for source in (*_LISTED, ACME):
        shutil.copy(source, directory / source.name)
    for name in ("dangling-reference.yaml", "tab-indent.yaml"):
        shutil.copy(Path(__file__).parent / "fixtures" / "bad" / name, directory / name)
    for path in directory.iterdir():
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))
    return directory


def _listing(directory: Path, env: dict[str, str], args: list[str]) -> tuple[int, str, str]:
    env = {**env, "COLUMNS": "120"}
    result = CliRunner().invoke(app, ["--cases-dir", str(directory), "--today", "2025-06-01", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_a_listing_read_from_the_index_is_the_listing_read_from_the_cases(listed, env, args):
    from_cases = _listing(listed, {**env, "CASEKIT_NO_CACHE": "1"}, args)
    built = _listing(listed, env, args)  # the index made from nothing
    warm = _listing(listed, env, args)  # and read as it stands
    assert built == from_cases
    assert warm == from_cases
    assert from_cases[1] or from_cases[2]  # the listing shows something, or says why not


def test_a_listing_keeps_case_order_when_a_file_earlier_in_it_is_indexed_again(listed, env):
    args = ["timeline", "--all", "-f", "json"]
    assert _listing(listed, env, args)[0] == 0  # indexed in case order
    first = sorted(listed.glob("*.yaml"))[0]
    _edit(first, "title:", "title:")  # the same text, a newer stamp: indexed again, under a later id
    os.utime(first, ns=(time.time_ns(), time.time_ns() - 20_000_000_000))
    with sqlite3.connect(index_file(env)) as conn:
        before = dict(conn.execute("SELECT path, id FROM files"))
    warm = _listing(listed, env, args)
    with sqlite3.connect(index_file(env)) as conn:
        after = dict(conn.execute("SELECT path, id FROM files"))
    assert after[os.fsencode(first)] > max(before.values())
    assert warm == _listing(listed, {**env, "CASEKIT_NO_CACHE": "1"}, args)


def test_a_place_in_date_order_sorts_as_the_date_does():
    from casekit.dates import PartialDate
    from casekit.index import place_key

    texts = ["2020", "2020-03", "2020-03-15", "2019/2021", "2020/2020-06", "../2020-03", "../2014-12", "0001-01-01"]
    texts += ["9999-12-31", "2020-03-15/2020-03-15", "../9999", "0001/9999", "~2020", "2019-12-31/2021-01-01"]
    dates = [PartialDate.parse(t) for t in texts]
    today = date(2025, 6, 1)
    dates += [PartialDate.parse(t) for t in ("2019/..", "9999-12/..", "0001/..")]
    keys = [d.sort_key(today) for d in dates]
    assert sorted(range(len(keys)), key=lambda k: keys[k]) == sorted(range(len(keys)), key=lambda k: place_key(keys[k]))
    assert len({place_key(k) for k in keys}) == len(set(keys))


def test_timeline_over_the_library_reads_the_index(listed, env):
    from casekit.indexed import library_timeline
    from casekit.query import TimelineQuery

    lib = Library([listed], env=env)
    found = library_timeline(lib, lib.refs(), TimelineQuery(categories=["funding"]), date(2025, 6, 1))
    assert found is not None and len(found) > 0
    assert {loaded.ref.id for loaded in found.broken} == {"dangling-reference", "tab-indent"}
    with sqlite3.connect(index_file(env)) as conn:
        indexed = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    cases = [loaded.case for loaded in lib.check_all(lib.refs()) if loaded.case is not None]
    assert indexed == sum(len(case.timeline) for case in cases)
    uncached = Library([listed], env={**env, "CASEKIT_NO_CACHE": "1"})
    assert library_timeline(uncached, lib.refs(), TimelineQuery(), date(2025, 6, 1)) is None  # the cases are read


def test_every_event_read_back_from_the_index_is_the_event_parsed(listed, env):
    import msgspec

    from casekit.indexed import library_timeline
    from casekit.query import TimelineQuery
    from casekit.records import EVENT_RECORD_KEYS, event_record

    lib = Library([listed], env=env)
    found = library_timeline(lib, lib.refs(), TimelineQuery(), date(2025, 6, 1))
    assert found is not None
    cases = {loaded.case.id: loaded.case for loaded in lib.check_all(lib.refs()) if loaded.case is not None}
    parsed = sorted((case_id, msgspec.msgpack.encode(e)) for case_id, case in cases.items() for e in case.timeline)
    events = found.events()
    assert len(events) == len(parsed) > 50
    assert sorted((head.id, msgspec.msgpack.encode(e)) for head, e in events) == parsed
    for _, e in events:
        assert tuple(event_record(e)) == EVENT_RECORD_KEYS


def test_a_library_hit_carries_the_ref_show_takes(library, env):
    from casekit.index import search_library
    from casekit.links import ref_of
    from casekit.search import parse_query

    lib = Library([library], env=env)
    cases = {case.id: case for case in lib.load_all(lib.refs())}
    found, _, _ = search_library(lib, lib.refs(), parse_query("croissant data risk launch opens the"), limit=200)
    assert len({hit.section for hit in found}) > 3
    for hit in found:
        case = cases[hit.case]
        if hit.section == "case":
            assert hit.ref is None
        else:
            item = next(i for i in getattr(case, hit.section) if i.id == hit.id)
            assert hit.ref == ref_of(case, hit.section, item)


_SEARCHER = """
import sys
import time
from casekit.index import search_library
from casekit.library import Library
from casekit.search import parse_query
library = Library([sys.argv[1]])
for _ in range(int(sys.argv[2])):
    hits, broken, searched = search_library(library, library.refs(), parse_query("croissant"))
    assert broken == [] and any(hit.case == "alpha" for hit in hits), [hit.case for hit in hits]
print("ok")
"""


def test_a_search_finds_a_file_another_process_indexes_again_meanwhile(library, env):
    """Two processes search while the file they search keeps changing its stamp (as a file just
    written does), so each indexes it again, under a new id, between the other's update and its
    ranking: every search still finds its hits."""
    alpha = library / "alpha.yaml"
    worker_env = {**os.environ, **env, "PYTHONPATH": str(Path(__file__).parent.parent)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _SEARCHER, str(library), "25"],
            env=worker_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    while any(worker.poll() is None for worker in workers):
        os.utime(alpha)  # a new mtime and ctime: every process finds the file changed
        time.sleep(0.005)
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and out.strip() == "ok", err


def test_completion_over_the_library_offers_from_the_index_what_the_cases_hold(listed, env):
    from casekit.cli.complete import _matching
    from casekit.indexed import library_choices
    from casekit.query import timeline_choices

    lib = Library([listed], env=env)
    found = library_choices(lib, lib.refs())
    assert found is not None
    cases = [loaded.case for loaded in lib.check_all(lib.refs()) if loaded.case is not None]
    expected = {
        **timeline_choices(cases),
        "principle_tag": [t for c in cases for p in c.principles for t in p.tags],
        "metric": [m.id for c in cases for m in c.metrics],
    }
    for key, words in expected.items():
        assert words, key
        assert _matching([v for choices in found for v in choices[key]], "") == _matching(words, ""), key
