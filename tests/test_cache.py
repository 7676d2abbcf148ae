"""The parsed-case cache: hits, invalidation, corruption, no cache, and loading many files at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from casekit import cache as caching
from casekit.cli.app import app
from casekit.errors import CaseNotFound, InvalidCase
from casekit.library import CaseRef, Library, Progress

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"
HOUR_NS = 3600 * 10**9


def age(path: Path, ns_ago: int = HOUR_NS) -> None:
    """Date a file in the past, as a library's files are (a file seconds old is not cached)."""
    then = time.time_ns() - ns_ago
    os.utime(path, ns=(then, then))


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An environment whose cache lives in the test's own directory."""
    cache_home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("CASEKIT_NO_CACHE", raising=False)
    return {"XDG_CACHE_HOME": str(cache_home)}


@pytest.fixture
def acme(tmp_path) -> Path:
    directory = tmp_path / "lib"
    directory.mkdir()
    path = directory / "acme.yaml"
    path.write_bytes(ACME.read_bytes())
    age(path)
    return path


def ref(path: Path) -> CaseRef:
    return CaseRef(id=path.stem, path=path)


def entry(env: dict, path: Path) -> Path:
    stamp = caching.Stamp.of(path)
    assert stamp is not None
    return caching.CaseCache(Path(env["XDG_CACHE_HOME"]) / "casekit" / "parsed").entry_path(stamp)


def no_parsing(monkeypatch) -> None:
    """Make any parse fail, so a load that succeeds must have come from the cache."""

    def refuse(*args, **kwargs):
        raise AssertionError("parsed although the cache holds this file")

    monkeypatch.setattr("casekit.loader.check_bytes", refuse)


def retitle(path: Path, title: str) -> None:
    text = path.read_text()
    path.write_text(text.replace("title: From warehouse robots to a platform", f"title: {title}", 1))


# --- hits and keys ------------------------------------------------------------------------


def test_a_loaded_case_is_cached_and_read_back_without_parsing(env, acme, monkeypatch):
    first = Library(env=env).load(ref(acme))
    assert entry(env, acme).is_file()
    no_parsing(monkeypatch)
    second = Library(env=env).load(ref(acme))
    assert second == first
    assert second.timeline[1].date.text == "2016-03"  # dates come back as written


def test_cache_lives_under_xdg_cache_home_else_home(tmp_path):
    assert caching.cache_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "casekit"
    home = Path(os.path.expanduser("~"))
    assert caching.cache_root({}) == home / ".cache" / "casekit"
    assert caching.cache_root({"XDG_CACHE_HOME": "relative/dir"}) == home / ".cache" / "casekit"


def test_entries_are_plain_msgpack_never_pickle(env, acme):
    Library(env=env).load(ref(acme))
    raw = msgspec.msgpack.decode(entry(env, acme).read_bytes())
    magic, code, stamp, warnings, case = raw
    assert magic == "casekit-parsed-case"
    assert code.startswith(f"{__import__('casekit').__version__}/{caching.FORMAT_VERSION}/")
    st = acme.stat()
    assert stamp == [os.path.abspath(acme), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
    assert warnings == []
    assert case["id"] == "acme" and case["timeline"][1]["date"]["text"] == "2016-03"


def test_a_file_seconds_old_is_parsed_but_not_cached(env, acme):
    os.utime(acme)  # now: a second write within the same clock tick could keep this mtime
    Library(env=env).load(ref(acme))
    assert not entry(env, acme).exists()


def test_warnings_are_cached_and_shown_with_the_path_as_named_this_time(env, tmp_path, monkeypatch):
    path = tmp_path / "lib" / "acme_v2.yaml"  # a stem that differs from the id: a warning
    path.parent.mkdir()
    path.write_bytes(ACME.read_bytes())
    age(path)
    [parsed] = Library(env=env).check_all([ref(path)])
    assert [p.code for p in parsed.problems] and all(p.severity == "warning" for p in parsed.problems)
    no_parsing(monkeypatch)
    monkeypatch.chdir(path.parent)
    [cached] = Library(env=env).check_all([CaseRef("acme_v2", Path("acme_v2.yaml"))])
    assert [(p.code, p.line, p.message) for p in cached.problems] == [
        (p.code, p.line, p.message) for p in parsed.problems
    ]
    assert {p.path for p in cached.problems} == {"acme_v2.yaml"}


def test_an_invalid_case_is_never_cached(env, acme):
    acme.write_text(acme.read_text().replace("severity: high", "severity: extreme"))
    age(acme)
    with pytest.raises(InvalidCase):
        Library(env=env).load(ref(acme))
    assert not entry(env, acme).exists()


# --- invalidation ------------------------------------------------------------------------------


def test_an_edit_is_seen_at_once(env, acme):
    library = Library(env=env)
    assert library.load(ref(acme)).title == "From warehouse robots to a platform"
    retitle(acme, "Robots, then software")  # a different length
    assert Library(env=env).load(ref(acme)).title == "Robots, then software"


def test_a_same_size_edit_is_seen_through_its_mtime(env, acme):
    Library(env=env).load(ref(acme))
    size = acme.stat().st_size
    retitle(acme, "From warehouse robots to a PLATFORM")
    assert acme.stat().st_size == size
    age(acme, 2 * HOUR_NS)  # older than the cached mtime, but different: still a change
    assert Library(env=env).load(ref(acme)).title == "From warehouse robots to a PLATFORM"


def test_an_entry_for_the_old_file_is_replaced_once_the_new_one_is_read(env, acme, monkeypatch):
    Library(env=env).load(ref(acme))
    retitle(acme, "Robots, then software")
    age(acme, 2 * HOUR_NS)
    Library(env=env).load(ref(acme))
    no_parsing(monkeypatch)
    assert Library(env=env).load(ref(acme)).title == "Robots, then software"


def test_a_newer_casekit_ignores_older_entries(env, acme, monkeypatch):
    Library(env=env).load(ref(acme))
    monkeypatch.setattr(caching, "_code_key", "9.9.9/1/other code")
    calls = []
    import casekit.loader

    real = casekit.loader.check_bytes
    monkeypatch.setattr("casekit.loader.check_bytes", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert Library(env=env).load(ref(acme)).id == "acme"
    assert calls == [1]


def test_the_code_key_names_the_version_and_format_and_fingerprints_the_parsing_modules():
    key = caching.code_key()
    version, fmt, *modules = key.split("/")
    assert version == __import__("casekit").__version__
    assert fmt == str(caching.FORMAT_VERSION)
    assert {m.split(":")[0] for m in modules} >= {"loader.py", "checks.py", "model.py", "dates.py", "values.py"}


# --- corruption -----------------------------------------------------------------------------------


def _forged(env, acme, mutate) -> bytes:
    raw = msgspec.msgpack.decode(entry(env, acme).read_bytes())
    return msgspec.msgpack.encode(mutate(raw))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda env, acme, good: b"\x00garbage, not msgpack at all", id="garbage"),
        pytest.param(lambda env, acme, good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda env, acme, good: b"", id="empty"),
        pytest.param(
            lambda env, acme, good: _forged(env, acme, lambda r: [r[0], "0.0.1/1/old", *r[2:]]), id="wrong-version"
        ),
        pytest.param(lambda env, acme, good: _forged(env, acme, lambda r: ["other-tool", *r[1:]]), id="foreign-magic"),
        pytest.param(
            lambda env, acme, good: _forged(env, acme, lambda r: [*r[:2], ["/elsewhere.yaml", *r[2][1:]], *r[3:]]),
            id="another-file's-key",
        ),
        pytest.param(
            lambda env, acme, good: _forged(env, acme, lambda r: [*r[:4], msgspec.msgpack.encode({"id": 1})]),
            id="not-a-case",
        ),
        pytest.param(lambda env, acme, good: msgspec.msgpack.encode({"a": [1, 2, 3]}), id="wrong-shape"),
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(env, acme, damage, monkeypatch):
    expected = Library(env=env).load(ref(acme))
    path = entry(env, acme)
    good = path.read_bytes()
    path.write_bytes(damage(env, acme, good))
    assert Library(env=env).load(ref(acme)) == expected
    assert path.read_bytes() == good  # rewritten whole
    no_parsing(monkeypatch)
    assert Library(env=env).load(ref(acme)) == expected


def test_a_planted_entry_for_the_right_key_is_what_the_cache_returns(env, acme):
    # The counterpart of the damage tests: the key, not the content, decides a hit.
    library = Library(env=env)
    case = library.load(ref(acme))
    stamp = caching.Stamp.of(acme)
    entry(env, acme).write_bytes(caching.encode(stamp, msgspec.structs.replace(case, title="Planted"), []))
    assert Library(env=env).load(ref(acme)).title == "Planted"


def test_an_unreadable_entry_is_a_miss(env, acme):
    path = entry(env, acme)
    path.mkdir(parents=True)  # a directory where the entry should be: cannot be read or replaced
    assert Library(env=env).load(ref(acme)).id == "acme"
    assert path.is_dir()


# --- no cache -------------------------------------------------------------------------------------


def test_an_unusable_cache_directory_means_no_cache_and_no_message(tmp_path, acme):
    blocker = tmp_path / "a-file"
    blocker.write_text("XDG_CACHE_HOME points under a regular file, which cannot hold a directory\n")
    env = {"XDG_CACHE_HOME": str(blocker)}
    assert Library(env=env).load(ref(acme)).id == "acme"
    result = CliRunner().invoke(
        app,
        ["--cases-dir", str(acme.parent), "timeline", "-c", "acme", "-f", "json"],
        env={**env, "NO_COLOR": "1", "COLUMNS": "100"},
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert len(json.loads(result.stdout)) == 5
    assert blocker.is_file()


def test_no_cache_option_neither_reads_nor_writes(env, acme):
    Library(env=env).load(ref(acme))
    stamp = caching.Stamp.of(acme)
    case = Library(env=env).load(ref(acme))
    entry(env, acme).write_bytes(caching.encode(stamp, msgspec.structs.replace(case, title="Planted"), []))
    runner = CliRunner()
    args = ["--cases-dir", str(acme.parent), "cases", "-f", "json"]
    cli_env = {**env, "NO_COLOR": "1", "COLUMNS": "100"}

    def title(*options: str) -> str:
        result = runner.invoke(app, [*options, *args], env=cli_env)
        assert result.exit_code == 0, result.output
        return next(r["title"] for r in json.loads(result.stdout) if r["id"] == "acme")

    assert title() == "Planted"  # the cache is used by default
    assert title("--no-cache") == "From warehouse robots to a platform"
    entry(env, acme).unlink()
    title("--no-cache")
    assert not entry(env, acme).exists()


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_casekit_no_cache_turns_it_off(env, acme, value):
    library = Library(env={**env, "CASEKIT_NO_CACHE": value})
    assert library.cache() is None
    library.load(ref(acme))
    assert not entry(env, acme).exists()


def test_casekit_no_cache_0_keeps_it_on(env, acme):
    Library(env={**env, "CASEKIT_NO_CACHE": "0"}).load(ref(acme))
    assert entry(env, acme).exists()


def test_use_cache_false_is_the_library_switch(env, acme):
    library = Library(env=env, use_cache=False)
    assert library.cache() is None
    library.load(ref(acme))
    assert not entry(env, acme).exists()


# --- many at once ------------------------------------------------------------------------------


def make_library(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = directory / f"case{i:02d}.yaml"
        text = ACME.read_text().replace("id: acme", f"id: case{i:02d}", 1)
        path.write_text(text.replace("company: Acme Robotics", f"company: Company {i}"))
        age(path)
        paths.append(path)
    return paths


class Recorder(Progress):
    def __init__(self) -> None:
        self.calls: list = []

    def start(self, files: int, size: int) -> None:
        self.calls.append(("start", files, size))

    def advance(self) -> None:
        self.calls.append("advance")

    def stop(self) -> None:
        self.calls.append("stop")


def test_load_all_parses_many_files_in_workers_in_order_and_caches_them(env, tmp_path, monkeypatch):
    paths = make_library(tmp_path / "many", 12)
    progress = Recorder()
    cases = Library(env=env).load_all([ref(p) for p in paths], progress=progress)
    assert [c.company for c in cases] == [f"Company {i}" for i in range(12)]
    assert progress.calls[0] == ("start", 12, sum(p.stat().st_size for p in paths))
    assert progress.calls[1:] == ["advance"] * 12 + ["stop"]
    assert all(entry(env, p).is_file() for p in paths)  # written by the workers
    no_parsing(monkeypatch)
    again = Recorder()
    assert Library(env=env).load_all([ref(p) for p in paths], progress=again) == cases
    assert again.calls == []  # nothing to parse, nothing to show


def test_check_all_reports_each_bad_file_in_place_among_many(env, tmp_path):
    paths = make_library(tmp_path / "many", 10)
    paths[3].write_text(paths[3].read_text().replace("severity: high", "severity: extreme"))
    age(paths[3])
    refs = [ref(p) for p in paths] + [CaseRef("gone", tmp_path / "many" / "gone.yaml")]
    loaded = Library(env=env).check_all(refs)
    assert [x.ref for x in loaded] == refs
    assert isinstance(loaded[3].error, InvalidCase) and loaded[3].case is None
    assert any(p.code == "bad-choice" and p.path == str(paths[3]) for p in loaded[3].problems)
    assert isinstance(loaded[-1].error, CaseNotFound)
    assert [p.code for p in loaded[-1].problems] == ["unreadable"]
    assert all(x.case is not None for i, x in enumerate(loaded[:-1]) if i != 3)
    with pytest.raises(InvalidCase):
        Library(env=env).load_all(refs)


def test_workers_give_the_same_cases_as_parsing_here(env, tmp_path):
    paths = make_library(tmp_path / "many", 10)
    refs = [ref(p) for p in paths]
    in_workers = Library(env=env, use_cache=False).load_all(refs)
    one_by_one = [Library(env=env, use_cache=False).load(r) for r in refs]
    assert in_workers == one_by_one


def test_timeline_all_reads_a_whole_library_from_the_cache(env, tmp_path):
    make_library(tmp_path / "many", 10)
    runner = CliRunner()
    args = ["--cases-dir", str(tmp_path / "many"), "timeline", "--all", "--category", "funding", "-f", "json"]
    cli_env = {**env, "NO_COLOR": "1", "COLUMNS": "100"}
    cold = runner.invoke(app, args, env=cli_env)
    warm = runner.invoke(app, args, env=cli_env)
    assert cold.exit_code == warm.exit_code == 0
    assert cold.stdout == warm.stdout
    records = [r for r in json.loads(warm.stdout) if r["case"].startswith("case")]
    assert len(records) == 10 * 3 and {r["id"] for r in records} == {"seed", "series-a", "series-b"}


def test_looking_up_one_cached_case_imports_nothing_heavy(env, acme):
    Library(env=env).load(ref(acme))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from casekit.library import CaseRef, Library\n"
        f"case = Library().load(CaseRef('acme', Path({str(acme)!r})))\n"
        "heavy = sorted(m for m in ('yaml', 'rich', 'pandas', 'casekit.loader', 'pickle', 'concurrent.futures', 'hashlib')"
        " if m in sys.modules)\n"
        "print(case.id, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, **env}
    )
    assert out.stdout.strip() == "acme []"


def test_loading_many_cases_freezes_them_out_of_the_gc_and_few_cases_do_not():
    import gc

    from casekit.cli.common import FREEZE_MIN, loading_many

    gc.unfreeze()
    try:
        with loading_many(3):
            assert gc.isenabled()
        assert gc.get_freeze_count() == 0
        with loading_many(FREEZE_MIN):
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
        gc.enable()


def test_without_a_process_pool_the_files_are_parsed_here(env, tmp_path, monkeypatch):
    def no_pool(*args, **kwargs):
        raise OSError("no /dev/shm here")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    paths = make_library(tmp_path / "many", 10)
    progress = Recorder()
    cases = Library(env=env).load_all([ref(p) for p in paths], progress=progress)
    assert [c.company for c in cases] == [f"Company {i}" for i in range(10)]
    assert progress.calls.count("advance") == 10
    assert all(entry(env, p).is_file() for p in paths)


# --- stamps, entries that are not files, pruning ------------------------------------------------


def test_an_edit_that_puts_size_and_mtime_back_is_seen(env, acme):
    # cp -p, rsync -a, tar x and touch -r all restore the mtime; the ctime they cannot.
    Library(env=env).load(ref(acme))
    before = acme.stat()
    retitle(acme, "From warehouse robots to a PLATFORM")
    os.utime(acme, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = acme.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert Library(env=env).load(ref(acme)).title == "From warehouse robots to a PLATFORM"


def test_a_file_replaced_by_another_is_seen(env, acme, tmp_path):
    Library(env=env).load(ref(acme))
    before = acme.stat()
    other = tmp_path / "other.yaml"
    other.write_text(
        acme.read_text().replace("From warehouse robots to a platform", "From warehouse robots to a PLATFORM")
    )
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, acme)  # as rsync and tar x do: a new inode
    assert Library(env=env).load(ref(acme)).title == "From warehouse robots to a PLATFORM"


def run_within(seconds: float, action) -> None:
    import threading

    done = threading.Event()
    outcome: list = []

    def go():
        try:
            outcome.append(action())
        except BaseException as exc:
            outcome.append(exc)
        done.set()

    threading.Thread(target=go, daemon=True).start()
    assert done.wait(seconds), "hung"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]


@pytest.mark.parametrize(
    "plant",
    [
        pytest.param(lambda path: os.mkfifo(path), id="fifo"),
        pytest.param(lambda path: os.symlink("/dev/zero", path), id="symlink-to-dev-zero"),
    ],
)
def test_an_entry_that_is_not_a_regular_file_is_a_miss_not_a_hang(env, acme, plant):
    path = entry(env, acme)
    path.parent.mkdir(parents=True)
    plant(path)
    run_within(30, lambda: Library(env=env).load(ref(acme)))
    assert path.is_file() and not path.is_symlink()  # replaced by a real entry


def set_age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then), follow_symlinks=False)


def test_entries_unused_for_a_month_are_pruned_on_a_write_at_most_once_a_day(env, acme, tmp_path, monkeypatch):
    directory = Path(env["XDG_CACHE_HOME"]) / "casekit" / "parsed"
    directory.mkdir(parents=True)
    old, recent, leftover = directory / "old.msgpack", directory / "recent.msgpack", directory / ".x.1.2.tmp"
    for path, days in ((old, 31), (recent, 29), (leftover, 2)):
        path.write_bytes(b"entry")
        set_age(path, days)
    monkeypatch.setattr(caching, "_checked_for_pruning", set())
    Library(env=env).load(ref(acme))  # a miss, so a write
    assert not old.exists() and not leftover.exists()
    assert recent.exists() and entry(env, acme).exists()
    # Within the day, another process writing does not prune again.
    set_age(recent, 40)
    monkeypatch.setattr(caching, "_checked_for_pruning", set())
    other = acme.with_name("other.yaml")
    other.write_text(acme.read_text())
    age(other)
    Library(env=env).load(ref(other))
    assert recent.exists()


def test_reading_never_prunes_and_a_hit_marks_its_entry_used(env, acme, monkeypatch):
    Library(env=env).load(ref(acme))
    path = entry(env, acme)
    stale = path.with_name("stale.msgpack")
    stale.write_bytes(b"entry")
    for p in (path, stale, path.with_name(".pruned")):
        set_age(p, 45)
    monkeypatch.setattr(caching, "_checked_for_pruning", set())
    no_parsing(monkeypatch)
    Library(env=env).load(ref(acme))  # a hit
    assert stale.exists()
    assert time.time() - path.stat().st_mtime < 3600  # used now, so kept by the next prune
    assert caching.CaseCache(path.parent).prune() == 1 and not stale.exists() and path.exists()
