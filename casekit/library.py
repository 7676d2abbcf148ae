"""Finding cases (SPEC §4): directories in order, ids, paths, the default case."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import msgspec

from casekit.errors import CasekitError, CaseNotFound, InvalidCase, UsageError
from casekit.model import Case

if TYPE_CHECKING:
    from datetime import date

    from casekit.cache import CaseCache, Stamp
    from casekit.problems import Problem

SUFFIXES = (".yaml", ".yml")
# Parsing more files than this at once goes to a process pool; below it,
# starting the workers costs more than it saves.
PARALLEL_MIN = 8


class CaseRef(msgspec.Struct, frozen=True):
    """A case file found in the library: its id (the file's stem) and where it is."""

    id: str
    path: Path
    bundled: bool = False
    listed: bool = False  # found by listing a directory, not named by the user: read only if a regular file


class Loaded(msgspec.Struct, frozen=True):
    """One case file after loading: the case (None when it has errors or is unreadable) and its problems."""

    ref: CaseRef
    case: Case | None
    problems: list[Problem]
    error: CasekitError | None = None  # InvalidCase or CaseNotFound, when `case` is None


class Progress:
    """What `Library.check_all` reports while it parses; the CLI shows it, the library never prints."""

    def start(self, files: int, size: int) -> None:
        """`files` files of `size` bytes in all are about to be parsed."""

    def advance(self) -> None:
        """One more file is parsed."""

    def stop(self) -> None:
        """Parsing is over (or was interrupted)."""


def bundled_dir() -> Path:
    """The examples shipped with casekit (in a source checkout: ./cases beside the package)."""
    here = Path(__file__).resolve().parent
    installed = here / "examples"
    if installed.is_dir():
        return installed
    return here.parent / "cases"


def is_case_path(spec: str) -> bool:
    """True when `spec` names a file rather than a library id."""
    return os.sep in spec or "/" in spec or spec.endswith(SUFFIXES)


class Library(msgspec.Struct, dict=True):
    """The directories casekit reads cases from, first match wins."""

    cases_dirs: Sequence[str | os.PathLike] = ()
    env: Mapping[str, str] | None = None  # None: os.environ
    use_cache: bool = True  # False (or CASEKIT_NO_CACHE=1): always parse, never write the cache

    def __post_init__(self) -> None:
        if self.env is None:
            self.env = os.environ
        self._refs: list[CaseRef] | None = None  # (not fields: made when first used)
        self._cache: CaseCache | bool | None = False  # False: not looked up yet

    @property
    def user_dirs(self) -> list[Path]:
        """The directories the user pointed at, or ./cases."""
        if self.cases_dirs:
            return [Path(d) for d in self.cases_dirs]
        env_path = self.env.get("CASEKIT_PATH", "")
        if env_path.strip():
            return [Path(d) for d in env_path.split(os.pathsep) if d]
        return [Path("cases")]

    @property
    def configured(self) -> bool:
        """True when a directory was named by option or environment."""
        return bool(self.cases_dirs) or bool(self.env.get("CASEKIT_PATH", "").strip())

    def refs(self) -> list[CaseRef]:
        """The library's cases, each id once (earlier directories shadow later): the user's own
        once there are any, else the bundled examples. What library-wide commands go over, so a
        bundled example never mixes into the user's cases; `every_ref` still finds it by id."""
        every = self.every_ref()
        mine = [r for r in every if not r.bundled]
        return mine or every

    def every_ref(self) -> list[CaseRef]:
        """Every case casekit can open by id, the bundled examples last (each id once)."""
        if self._refs is None:
            seen: dict[str, CaseRef] = {}
            for directory, bundled in [(d, False) for d in self.user_dirs] + [(bundled_dir(), True)]:
                for ref in _scan(directory, bundled):
                    seen.setdefault(ref.id, ref)
            self._refs = sorted(seen.values(), key=lambda r: (r.bundled, r.id))
        return self._refs

    def find(self, spec: str) -> CaseRef:
        """The case named by a path, or by an id: a file's stem, else the `id` inside a file."""
        path = Path(spec)
        if is_case_path(spec) or (path.suffix == "" and path.is_file()):
            if path.is_dir():
                raise _a_directory(spec)
            if not path.exists():
                raise CaseNotFound(f"{spec}: no such file")
            return CaseRef(id=path.stem, path=path)
        for ref in self.every_ref():
            if ref.id == spec:
                return ref
        # No file is named so: a case may still have that id in a file named otherwise
        # (`other.yaml` holding `id: wrongid`), as listings and search show it.
        named = [
            loaded.ref
            for loaded in self.check_all(self.every_ref())
            if loaded.case is not None and loaded.case.id == spec
        ]
        if len(named) == 1:
            return named[0]
        if named:
            raise UsageError(
                f"several case files have the id `{spec}`; name one by its file",
                hint="files: " + ", ".join(str(r.path) for r in named),
            )
        if path.is_dir():  # no case has that id, and it names a directory
            raise _a_directory(spec)
        from casekit.problems import did_you_mean

        ids = [r.id for r in self.every_ref()]
        raise CaseNotFound(
            f"no case `{spec}` in the library ({self._where()})",
            hint=did_you_mean(spec, ids) or ("cases: " + ", ".join(ids) if ids else None),
        )

    def case_files(self, specs: Sequence[str] | None = None, passed_over: list | None = None) -> list[CaseRef]:
        """The case files `specs` name, to check: a file as named (read or not), every case file
        below a directory, a case by id; with `specs` None, every case of the library.

        A directory with no case file below it, and a library whose configured
        directories hold none, are `CaseNotFound`: checking nothing is never a pass.
        What a directory holds that cannot be checked (a subdirectory that cannot be
        read, a dangling link or a loop of links, a FIFO named like a case) is added to
        `passed_over` as an "unreadable" problem, so that a check never passes over it.
        """
        if specs is None:
            refs = self.refs()
            if self.configured and all(r.bundled for r in refs):
                raise CaseNotFound(
                    f"no case files ({_PATTERNS}) in " + ", ".join(str(d) for d in self.user_dirs),
                    hint="point --cases-dir or CASEKIT_PATH at the directory that holds them",
                )
            return refs
        paths: list[Path] = []
        listed: set[Path] = set()
        for spec in specs:
            path = Path(spec)
            if path.is_dir():
                found, problems = _walk(path)
                if passed_over is not None:
                    passed_over += problems
                if not found and not problems:
                    raise CaseNotFound(
                        f"{spec}: no case files ({_PATTERNS}) in this directory or below",
                        hint="casekit reads files ending in .yaml or .yml; name any other file to check it",
                    )
                paths += found
                listed.update(found)
            elif is_case_path(spec) or path.exists():
                paths.append(path)
            else:
                paths.append(self.find(spec).path)
        return [CaseRef(p.stem, p, listed=p in listed) for p in paths]

    def missing_dirs(self) -> list[Path]:
        """Directories the user configured that do not exist (./cases may be absent)."""
        if not self.configured:
            return []
        return [d for d in self.user_dirs if not d.is_dir()]

    def default(self) -> CaseRef:
        """The case used when none is named: CASEKIT_CASE, the only one, or the bundled example."""
        named = self.env.get("CASEKIT_CASE", "").strip()
        if named:
            return self.find(named)
        refs = self.every_ref()
        mine = [r for r in refs if not r.bundled]
        if len(mine) == 1:
            return mine[0]
        if not mine:
            bundled = [r for r in refs if r.bundled]
            if bundled and not self.configured:
                return bundled[0]
            raise CaseNotFound(
                f"no cases found ({self._where()})",
                hint=("the bundled examples are there by id: " + ", ".join(r.id for r in bundled)) if bundled else None,
            )
        ids = ", ".join(r.id for r in mine)
        raise UsageError(
            f"several cases in the library; name one with -c CASE (cases: {ids})",
            hint="or set CASEKIT_CASE",
        )

    def load(self, ref: CaseRef) -> Case:
        """The parsed, checked case behind `ref` (from the cache when the file is unchanged)."""
        loaded = self.check_all([ref])[0]
        if loaded.case is None:
            assert loaded.error is not None
            raise loaded.error
        return loaded.case

    def load_all(self, refs: Sequence[CaseRef], *, progress: Progress | None = None) -> list[Case]:
        """The cases behind `refs`, in order; raises the first file's error if any file fails.

        Cached cases are read back; the rest are parsed, in a process pool
        when there are more than a few.
        """
        cases = []
        for loaded in self.check_all(refs, progress=progress):
            if loaded.case is None:
                assert loaded.error is not None
                raise loaded.error
            cases.append(loaded.case)
        return cases

    def check_all(self, refs: Sequence[CaseRef], *, progress: Progress | None = None) -> list[Loaded]:
        """Every file behind `refs` loaded and checked, in order, with its problems; a bad file never raises."""
        from casekit.cache import Stamp

        cache = self.cache()
        results: list[Loaded | None] = []
        misses: list[tuple[int, CaseRef, Stamp | None]] = []
        for i, ref in enumerate(refs):
            stamp = Stamp.of(ref.path)  # before reading: a later change makes the entry stale, not wrong
            hit = cache.get(stamp, str(ref.path)) if cache is not None and stamp is not None else None
            if hit is not None:
                results.append(Loaded(ref, hit.case, hit.warnings))
            else:
                results.append(None)
                misses.append((i, ref, stamp))
        if misses:
            parsed = _parse_all(misses, cache, progress)
            for (i, _, _), loaded in zip(misses, parsed):
                results[i] = loaded
        return results  # type: ignore[return-value]

    def check_each(
        self, refs: Sequence[CaseRef], rows: Callable[[Case], bytes], *, progress: Progress | None = None
    ) -> Iterator[tuple[int, Loaded, bytes | None]]:
        """Each file behind `refs` loaded and checked, as `check_all` does, with `rows(case)` of a
        valid case computed where it was parsed (in the worker processes when there are many):
        (its position in `refs`, what loaded, the rows or None), as each is ready, cached files first.
        A module-level `rows` is sent to the workers by name."""
        from casekit.cache import Stamp

        cache = self.cache()
        misses: list[tuple[int, CaseRef, Stamp | None]] = []
        for i, ref in enumerate(refs):
            stamp = Stamp.of(ref.path)  # before reading: a later change makes the entry stale, not wrong
            hit = cache.get(stamp, str(ref.path)) if cache is not None and stamp is not None else None
            if hit is not None:
                yield i, Loaded(ref, hit.case, hit.warnings), rows(hit.case)
            else:
                misses.append((i, ref, stamp))
        if misses:
            for (i, _, _), (loaded, extra) in zip(misses, _parse_each(misses, cache, progress, rows)):
                if extra is None and loaded.case is not None:
                    extra = rows(loaded.case)
                yield i, loaded, extra

    def resolve(self, spec: str, today: date, stdin: BinaryIO | None = None) -> tuple[str, Case]:
        """The case an operand names (as `casekit diff` takes them), and the label to show for it.

        In order: `-`, the case on `stdin`; an existing file; `CASE@DATE` when
        the left side is `-`, a known id, an existing file or `REV:PATH` (the
        case as of DATE); `REV:PATH` or `:PATH` (the file at a git revision, or
        in git's index); else an id or a path in the library. Files and ids
        load through the cache.
        """
        if not spec:
            raise UsageError("an empty operand names no case")
        if spec == STDIN:
            if stdin is None:
                raise UsageError("-: no standard input to read a case from")
            from casekit.loader import case_from_bytes, read_stream

            return spec, case_from_bytes(read_stream(stdin, STDIN_LABEL), STDIN_LABEL, validate="casekit validate -")
        path = Path(spec)
        if path.is_file():
            return spec, self._load_file(path)
        if "@" in spec:
            left, _, when = spec.rpartition("@")
            # A revision's path may hold an @ of its own: REV:PATH@DATE only when DATE is a date.
            at_revision = (
                ":" in left and not _WINDOWS_DRIVE.match(left) and revision_path(left) is not None and _is_date(when)
            )
            known = left == STDIN or at_revision or Path(left).is_file() or any(r.id == left for r in self.refs())
            if known:
                from casekit.dates import DateError, PartialDate
                from casekit.query import as_of

                try:
                    moment = PartialDate.parse(when)
                except DateError as exc:
                    raise UsageError(f"{spec}: {exc}", hint="write CASE@DATE, as in scale_ai@2024-12") from None
                _, case = self.resolve(left, today, stdin)
                return spec, as_of(case, moment, today)
            if left and ":" not in left and _is_date(when):
                self.find(left)  # raises "no case `left`" (or "no such file") with a hint
        if ":" in spec and not _WINDOWS_DRIVE.match(spec):
            return spec, load_revision(spec)
        try:
            ref = self.find(spec)
        except CaseNotFound:
            if _WINDOWS_DRIVE.match(spec):
                raise CaseNotFound(f"{spec}: no such file") from None
            raise
        return spec, self._load_file(ref.path, ref)

    def against_head(self, spec: str, *, staged: bool = False) -> tuple[tuple[str, Case | None], ...]:
        """The case file `spec` names (a path or an id) at git's HEAD and in the work tree (with
        `staged`, in the index), each with its label; None where the file is not (a new file has no
        HEAD version). `GitError` when the file is in no repository."""
        from casekit import git

        try:
            path = self.find(spec).path
        except CaseNotFound:
            if spec == STDIN or (("@" in spec or ":" in spec) and not Path(spec).exists()):
                raise UsageError(
                    f"{spec}: with one operand, diff compares a case file with git's HEAD",
                    hint="CASE@DATE, REV:PATH and - are one side of two: casekit diff A B",
                ) from None
            if not is_case_path(spec):
                raise
            path = Path(spec)  # deleted from the work tree: git may still have it
        top, relative = git.in_repository(path, spec)
        head = self._version(f"HEAD:{relative}", top)
        if staged:
            return (f"HEAD:{relative}", head), (f":{relative}", self._version(f":{relative}", top))
        if not path.exists():
            if head is None:
                raise CaseNotFound(f"{spec}: no such file, nor in HEAD")
            return (f"HEAD:{relative}", head), (spec, None)
        return (f"HEAD:{relative}", head), (spec, self._load_file(path))

    @staticmethod
    def _version(spec: str, top: Path) -> Case | None:
        """The case at a git object name (`HEAD:PATH`, `:PATH`), or None when there is no such file."""
        from casekit import git

        (info,) = git.object_info([spec], cwd=top, what=spec)
        return None if info is None else load_revision(spec, cwd=top)

    def _load_file(self, path: Path, ref: CaseRef | None = None) -> Case:
        """The case in a file, through the cache; a pipe or a device is read as it is."""
        if not path.is_file():  # `<(git show …)`: nothing to cache, and no stamp would stay true
            from casekit.loader import case_from_bytes, read_bytes

            return case_from_bytes(read_bytes(path), str(path), stem=path.stem)
        return self.load(ref or CaseRef(id=path.stem, path=path))

    def cache(self) -> CaseCache | None:
        """The parsed-case cache, or None when it is turned off."""
        if self._cache is False:
            from casekit.cache import CaseCache, disabled

            self._cache = None if not self.use_cache or disabled(self.env) else CaseCache.default(self.env)
        return self._cache  # type: ignore[return-value]

    def _where(self) -> str:
        return "looked in " + ", ".join(str(d) for d in self.user_dirs) + " and the bundled examples"


_PATTERNS = ", ".join("*" + suffix for suffix in SUFFIXES)


def _a_directory(spec: str) -> CaseNotFound:
    """A case named by a directory: say so, and how to read the cases it holds."""
    import shlex

    held = _scan(Path(spec), False)
    hint = None
    if len(held) == 1:
        hint = f"it holds one case: -c {shlex.quote(str(held[0].path))}"
    elif held:
        ids = ", ".join(r.id for r in held[:5]) + (", …" if len(held) > 5 else "")
        hint = f"to read the cases in it ({ids}): --cases-dir {shlex.quote(spec)} -c ID"
    return CaseNotFound(f"{spec}: is a directory, not a case file", hint=hint)


def _walk(top: Path) -> tuple[list[Path], list]:
    """Every case file below `top` (links to files followed, links to directories not), and a
    problem for each thing below it that cannot be checked."""
    import stat

    from casekit.problems import Problem

    problems: list[Problem] = []

    def unreadable(path: str, why: str) -> None:
        problems.append(Problem(path, None, None, "error", "unreadable", why))

    def walk_error(exc: OSError) -> None:
        unreadable(exc.filename or str(top), f"cannot read this directory ({exc.strerror or exc})")

    found: list[Path] = []
    for directory, _, files in os.walk(top, onerror=walk_error):
        for name in files:
            if not name.endswith(SUFFIXES):
                continue
            path = os.path.join(directory, name)
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                link = os.path.islink(path)
                unreadable(path, f"{_broken_link(exc) if link else 'cannot read'} ({exc.strerror or exc})")
                continue
            if stat.S_ISREG(mode):
                found.append(Path(path))
            elif not stat.S_ISDIR(mode):
                unreadable(path, "not a regular file (a FIFO, socket or device); casekit reads case files")
    problems.sort(key=lambda p: p.path)
    return sorted(found), problems


def _broken_link(exc: OSError) -> str:
    import errno

    return "a loop of links" if exc.errno == errno.ELOOP else "a link that leads nowhere"


def _scan(directory: Path, bundled: bool) -> list[CaseRef]:
    """The case files directly in `directory`, by name. Names are sorted as text (the order of their
    paths) and a file's type comes from the directory listing: a link alone costs a stat."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted((entry.name, entry) for entry in listing if entry.name.endswith(SUFFIXES))
    except OSError:
        return []
    # How `Path.iterdir` makes its children, without parsing each name again.
    child = getattr(directory, "_make_child_relpath", directory.joinpath)
    return [
        CaseRef(id=name.rpartition(".")[0], path=child(name), bundled=bundled, listed=True)
        for name, entry in entries
        if not name.startswith(".") and _is_file(entry)
    ]


def _is_file(entry: os.DirEntry) -> bool:
    """True when the entry is a regular file, or a link to one."""
    try:
        return entry.is_file()
    except OSError:
        return False


# --- parsing ------------------------------------------------------------------


def _parse_all(
    jobs: list[tuple[int, CaseRef, Stamp | None]], cache: CaseCache | None, progress: Progress | None
) -> list[Loaded]:
    """Parse the files of `jobs` (index, ref, stamp), in worker processes when there are many."""
    return [loaded for loaded, _ in _parse_each(jobs, cache, progress)]


def _parse_each(
    jobs: list[tuple[int, CaseRef, Stamp | None]],
    cache: CaseCache | None,
    progress: Progress | None,
    rows: Callable[[Case], bytes] | None = None,
) -> Iterator[tuple[Loaded, bytes | None]]:
    """Parse the files of `jobs` in order, in worker processes when there are many: each as it is
    ready, with `rows(case)` when a worker computed it (None otherwise)."""
    if progress is not None:
        progress.start(len(jobs), sum(stamp.size for _, _, stamp in jobs if stamp is not None))
    try:
        # A worker sends its results back as msgpack, which holds UTF-8 text only: a file whose
        # path is not UTF-8 (a Latin-1 `café.yaml`) is parsed here instead.
        from casekit.cache import utf8

        pooled = [k for k, (_, ref, _) in enumerate(jobs) if utf8(str(ref.path))]
        if len(pooled) > PARALLEL_MIN and (os.cpu_count() or 1) > 1 and _workers_safe():
            if len(pooled) == len(jobs):
                yield from _parse_in_pool(jobs, cache, progress, rows)
                return
            done = dict(zip(pooled, _parse_in_pool([jobs[k] for k in pooled], cache, progress, rows)))
            for k, (_, ref, stamp) in enumerate(jobs):
                yield done[k] if k in done else (_parse_here(ref, stamp, cache, progress), None)
            return
        for _, ref, stamp in jobs:
            yield _parse_here(ref, stamp, cache, progress), None
    finally:
        if progress is not None:
            progress.stop()


def _parse_here(ref: CaseRef, stamp: Stamp | None, cache: CaseCache | None, progress: Progress | None = None) -> Loaded:
    from casekit.loader import check_bytes, read_bytes

    display = str(ref.path)
    try:
        data = read_bytes(ref.path, regular_only=ref.listed)
    except CaseNotFound as exc:
        loaded = _unreadable(ref, exc)
    else:
        case, problems = check_bytes(data, display, stem=Path(ref.path).stem)
        if case is None:
            loaded = Loaded(ref, None, problems, InvalidCase(display, problems))
        else:
            if cache is not None and stamp is not None:
                cache.put(stamp, case, problems)
            loaded = Loaded(ref, case, problems)
    if progress is not None:
        progress.advance()
    return loaded


def _unreadable(ref: CaseRef, exc: CaseNotFound) -> Loaded:
    from casekit.loader import unreadable_problem

    return Loaded(ref, None, [unreadable_problem(str(ref.path), exc)], exc)


def _parse_in_pool(
    jobs: list[tuple[int, CaseRef, Stamp | None]],
    cache: CaseCache | None,
    progress: Progress | None,
    rows: Callable[[Case], bytes] | None = None,
) -> Iterator[tuple[Loaded, bytes | None]]:
    """Parse in a process pool, each file as its worker has it done, in order; workers send back
    encoded entries (and `rows(case)`), never live objects."""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    import msgspec

    workers = min(os.cpu_count() or 1, len(jobs))
    # Forking starts workers in milliseconds with casekit already imported (see _workers_safe).
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    chunksize = max(1, min(8, len(jobs) // (workers * 8)))
    directory = str(cache.directory) if cache is not None else None
    args = [
        (str(ref.path), stamp and msgspec.structs.astuple(stamp), directory, ref.listed, rows) for _, ref, stamp in jobs
    ]
    done = 0
    pool = None
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
        _POOLS.add(pool)
        for (_, ref, stamp), (kind, payload, extra) in zip(jobs, pool.map(_parse_in_worker, args, chunksize=chunksize)):
            loaded = _from_worker(ref, stamp, kind, payload, cache)
            if progress is not None:
                progress.advance()
            done += 1
            yield loaded, (extra if loaded.case is not None and kind == "case" else None)
    except (OSError, RuntimeError, ImportError, EOFError) as exc:
        # No pool to be had (no /dev/shm, a sandbox, a worker killed: BrokenProcessPool
        # is a RuntimeError): finish here, one file after another.
        import logging

        logging.getLogger("casekit.library").debug("parsing without workers: %s", exc)
    except BaseException:
        # Ctrl-C, or the files no longer wanted: the workers may be half-way through sending a
        # result nobody will read, so waiting for them could wait for ever. They are stopped.
        if pool is not None:
            _stop_workers(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            _POOLS.discard(pool)
    for _, ref, stamp in jobs[done:]:
        yield _parse_here(ref, stamp, cache, progress), None


def _workers_safe(platform: str | None = None) -> bool:
    """True when parsing may start worker processes.

    On Linux workers are forked: they start in milliseconds with casekit
    already imported. But a fork copies other threads' locks in whatever
    state they are (a program using casekit as a library may hold one in a
    logging or I/O thread), and the child can deadlock on one. The other start
    methods re-run the caller's main module in every worker, which a library
    should not impose on its callers, so with other threads running the files
    are parsed here. The CLI runs no other thread.
    """
    import sys
    import threading

    return (platform or sys.platform) != "linux" or threading.active_count() == 1


def _from_worker(ref: CaseRef, stamp: Stamp | None, kind: str, payload: bytes, cache: CaseCache | None) -> Loaded:
    import msgspec

    from casekit.problems import Problem

    display = str(ref.path)
    if kind == "case" and stamp is not None:
        from casekit.cache import decode

        hit = decode(payload, stamp, display)
        if hit is not None:
            return Loaded(ref, hit.case, hit.warnings)
    elif kind == "invalid":
        problems = msgspec.msgpack.decode(payload, type=list[Problem])
        return Loaded(ref, None, problems, InvalidCase(display, problems))
    elif kind == "unreadable":
        message, hint = msgspec.msgpack.decode(payload)
        return _unreadable(ref, CaseNotFound(message, hint=hint))
    # The file changed between the stat and the read, or no stamp: parse it here.
    return _parse_here(ref, stamp, cache)


# Parsing a file leaves no reference cycles (refcounting frees it all), so a
# worker runs without the cyclic GC, 10-15% faster, and collects now and then
# in case that ever changes; what it inherited from the parent is never scanned.
_COLLECT_EVERY = 64
_parsed_here = 0


_POOLS: set = set()  # the process pools parsing now


def stop_workers() -> None:
    """End every pool of workers still parsing (the command was interrupted): at once, unwaited."""
    for pool in list(_POOLS):
        _stop_workers(pool)


def _stop_workers(pool) -> None:
    """End a process pool at once: its workers are killed, not waited for."""
    _POOLS.discard(pool)
    _quiet_cancelled_futures()
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


_quieted = False


def _quiet_cancelled_futures() -> None:
    """A pool whose workers were killed has its own thread mark futures already cancelled as
    broken, which CPython before 3.12 prints as a traceback (`InvalidStateError`): nothing is
    lost, so nothing is said. Only that error of a pool's thread is kept quiet, and the hook is
    set once."""
    global _quieted
    threading = sys.modules.get("threading")  # loaded by the pool; no import at shutdown
    futures = sys.modules.get("concurrent.futures")
    if _quieted or threading is None or futures is None:
        return
    _quieted = True
    previous, cancelled = threading.excepthook, futures.InvalidStateError

    def quiet(args) -> None:
        if not (isinstance(args.exc_value, cancelled) and type(args.thread).__name__ == "_ExecutorManagerThread"):
            previous(args)

    threading.excepthook = quiet


def _worker_start() -> None:
    import gc
    import signal

    # Ctrl-C reaches every process of the terminal's group: the parent alone answers it, and
    # stops the workers (a worker interrupted while sending a result would leave it stuck).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()
    gc.freeze()


def _collect_now_and_then() -> None:
    global _parsed_here
    _parsed_here += 1
    if _parsed_here % _COLLECT_EVERY == 0:
        import gc

        gc.collect()


def _parse_in_worker(
    job: tuple[str, tuple | None, str | None, bool, Callable | None],
) -> tuple[str, bytes, bytes | None]:
    """In a worker process: parse one file; return ("case" | "invalid" | "unreadable", msgpack bytes,
    the rows the job asks of a valid case)."""
    import msgspec

    from casekit import cache as caching
    from casekit.loader import check_bytes, read_bytes

    path, stamp_parts, directory, listed, rows = job
    _collect_now_and_then()
    try:
        data = read_bytes(path, regular_only=listed)
    except CaseNotFound as exc:
        return "unreadable", msgspec.msgpack.encode((exc.message, exc.hint)), None
    case, problems = check_bytes(data, path, stem=Path(path).stem)
    if case is None:
        return "invalid", msgspec.msgpack.encode(problems), None
    if stamp_parts is None:
        return "unstamped", b"", None
    stamp = caching.Stamp(*stamp_parts)
    entry = caching.encode(stamp, case, problems)
    if directory is not None:
        caching.CaseCache(directory).put_bytes(stamp, entry)
    return "case", entry, rows(case) if rows is not None else None


# --- operands: path, id, CASE@DATE, REV:PATH ------------------------------------------------

STDIN = "-"
STDIN_LABEL = "<stdin>"  # where problems in the case read from standard input are placed
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
# git's names for a file in the index: `:path` (stage 0) and `:N:path` (a merge's stages 1-3).
_INDEX_SPEC = re.compile(r":(?:[0-3]:)?(?P<path>.*)", re.DOTALL)


def _is_date(text: str) -> bool:
    from casekit.dates import DateError, PartialDate

    try:
        PartialDate.parse(text)
    except DateError:
        return False
    return True


def revision_path(spec: str) -> str | None:
    """The path in a git object name for a file: `HEAD~1:cases/a.yaml`, `:cases/a.yaml`, `:2:a.yaml`;
    None when `spec` names no file (`HEAD`, `HEAD:`, `:`)."""
    if spec.startswith(":"):
        m = _INDEX_SPEC.fullmatch(spec)
        return (m.group("path") or None) if m else None
    rev, _, inner = spec.partition(":")
    return inner if rev and inner else None


def load_revision(spec: str, cwd: str | os.PathLike | None = None) -> Case:
    """The case in a file at a git revision (`REV:PATH`) or in the index (`:PATH`).

    Its size is asked of git first: a blob larger than casekit reads as one
    case is refused before it is read."""
    from pathlib import PurePosixPath

    from casekit import git
    from casekit.loader import case_from_bytes, max_case_bytes, too_large

    if spec.startswith("-"):
        # git would read it as an option (`--output=FILE` writes a file): no revision starts with `-`.
        raise UsageError(f"{spec}: a revision never starts with `-`", hint=git.REV_HINT)
    inner = revision_path(spec)
    if inner is None:
        raise UsageError(f"{spec}: write REV:PATH, as in HEAD~1:cases/acme.yaml (or :PATH for the staged file)")
    (info,) = git.object_info([spec], cwd=cwd, what=spec)
    if info is None:
        reason, hint = git.show_failure(spec, cwd=cwd)
        raise CaseNotFound(f"{spec}: {reason}", hint=hint or git.REV_HINT)
    if info.type != "blob":
        raise CaseNotFound(f"{spec}: is a {'directory' if info.type == 'tree' else info.type}, not a case file")
    import shlex

    validate = f"git show {shlex.quote(spec)} | casekit validate -"
    limit = max_case_bytes()
    if info.size > limit:
        raise too_large(spec, limit, info.size)
    data = git.read_blob(info.oid, cwd=cwd, what=spec)
    return case_from_bytes(data, spec, stem=PurePosixPath(inner).stem, validate=validate)
