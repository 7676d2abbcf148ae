"""A case's history in git (`casekit log`): each commit that changed its file, and what it changed.

    entries = history(Path("cases/acme.yaml"))
    entries[0].commit.subject, entries[0].result.summary()

The file is followed through renames (`git log --follow`), newest first. A
commit is compared with its first parent, a merge included, so a merge
shows what it brought in. Each version is parsed once: parsed versions are
cached by git's blob id, so an entry can never be stale, and many versions
are parsed in worker processes. `item` narrows the history to one item,
followed through its renames (the diff's own rename detection: an id that
changed while the rest stayed nearly the same).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from casekit import git
from casekit.changes import CASE_SECTION, SECTION_NAMES, DiffResult
from casekit.errors import CaseNotFound, UsageError
from casekit.model import Case

__all__ = ["Commit", "Entry", "History", "file_commits", "history", "item_lineage"]

# Fields of one commit in `git log`'s output, each ended by NUL; commits start with \x01.
_FORMAT = "%x01%H%x00%P%x00%aI%x00%an%x00%s%x00"
_PARALLEL_MIN = 8  # as the library: below this many versions, workers cost more than they save


@dataclass
class Commit:
    """One commit that changed the file: who, when, why, and which versions of the file it compared.

    `old_oid`/`new_oid` are the file's blobs in the first parent and in the
    commit (None where it did not exist); `old_path`/`path` its names there."""

    oid: str
    parents: list[str]
    date: str  # the author date, ISO 8601 with its offset
    author: str
    subject: str
    path: str
    old_path: str | None = None
    old_oid: str | None = None
    new_oid: str | None = None

    @property
    def short(self) -> str:
        """The abbreviated hash, as `git log --oneline` shows it (7 characters)."""
        return self.oid[:7]

    @property
    def day(self) -> str:
        """The author date's day, `YYYY-MM-DD`, in the author's time zone (as git's --date=short)."""
        return self.date[:10]


@dataclass
class Entry:
    """A commit and what it changed in the case; `problem` says why there is no diff (a version
    that is not a valid case), and `result` is then None."""

    commit: Commit
    result: DiffResult | None
    problem: str | None = None
    repaired: bool = False  # the parent's version was no valid case: compared with the last valid one

    def record(self) -> dict[str, Any]:
        """`log -f json`: `{commit, date, author, subject, path, summary, changes, problem}`."""
        result = self.result
        return {
            "commit": self.commit.oid,
            "date": self.commit.date,
            "author": self.commit.author,
            "subject": self.commit.subject,
            "path": self.commit.path,
            "summary": result.summary() if result is not None else {},
            "changes": [c.record() for c in result.changes] if result is not None else [],
            "problem": self.problem,
        }


@dataclass
class History:
    """The entries of a file's history (newest first unless reversed), and what was asked."""

    path: str  # the file, from the repository's top
    entries: list[Entry] = field(default_factory=list)
    item: tuple[str, list[str]] | None = None  # (section, every id the item had), with `item`
    total: int = 0  # commits that changed the file, before any filter


def history(
    path: str | os.PathLike,
    *,
    since: date | None = None,
    until: date | None = None,
    sections: Iterable[str] = (),
    item: str | None = None,
    limit: int | None = None,
    reverse: bool = False,
    first_parent: bool = False,
    env: Mapping[str, str] | None = None,
    use_cache: bool = True,
) -> History:
    """The history of the case file at `path`: every commit that changed it, newest first.

    `since`/`until` keep commits whose author date falls between them
    (inclusive); `sections` keeps the commits that changed those sections
    and only their changes; `item` (`ID` or `SECTION/ID`) those that added,
    changed, renamed or removed that item; `limit` the newest N of what is
    left; `reverse` puts the oldest first. `GitError` outside a repository
    or for a file git does not know.
    """
    display = os.fspath(path)
    top, relative = git.in_repository(Path(path), display)
    commits = file_commits(top, relative, first_parent=first_parent)
    if not commits and not git.is_tracked(top, relative):
        raise git.GitError(
            f"{display}: not tracked by git",
            hint=f"git add {relative} && git commit, and its history starts",
        )
    out = History(relative, total=len(commits))
    wanted = set(sections)
    versions = _Versions(top, env, use_cache)
    versions.made_by = {c.new_oid: c for c in reversed(commits) if c.new_oid}
    commits = [c for c in commits if _in_range(c, since, until)]
    if item is None and not wanted and limit is not None:
        commits = commits[:limit]
    versions.load(_oids(commits))
    entries = [_entry(c, versions, wanted) for c in commits]
    if item is not None:
        section, ids = item_lineage(item, entries, versions.newest(commits))
        out.item = (section, sorted(ids))
        entries = [_only_item(e, section, ids) for e in entries]
        entries = [e for e in entries if e.result is not None and not e.result.same]
    elif wanted:
        entries = [e for e in entries if e.problem is not None or (e.result is not None and not e.result.same)]
    if limit is not None:
        entries = entries[:limit]
    out.entries = entries[::-1] if reverse else entries
    return out


def _in_range(commit: Commit, since: date | None, until: date | None) -> bool:
    day = commit.day
    return (since is None or day >= since.isoformat()) and (until is None or day <= until.isoformat())


def _oids(commits: Sequence[Commit]) -> dict[str, str]:
    """Every blob `commits` compare, with the name of the file it was (for its stem)."""
    out: dict[str, str] = {}
    for c in commits:
        if c.new_oid:
            out.setdefault(c.new_oid, c.path)
        if c.old_oid:
            out.setdefault(c.old_oid, c.old_path or c.path)
    return out


def _entry(commit: Commit, versions: _Versions, sections: set[str]) -> Entry:
    """What `commit` changed: its version against its first parent's. When the parent's version is
    no valid case, the last valid one before it stands in, so a fix shows what it changed since."""
    from casekit.changes import diff

    new = versions.get(commit.new_oid)
    if isinstance(new, str):
        return Entry(commit, None, new)
    old = versions.get(commit.old_oid)
    repaired = isinstance(old, str)
    if repaired:
        old = versions.last_valid_before(commit)
    result = diff(old, new, sections=sections & set(SECTION_NAMES))
    result.a = f"{commit.short}^:{commit.old_path or commit.path}" if commit.old_oid else "/dev/null"
    result.b = f"{commit.short}:{commit.path}" if commit.new_oid else "/dev/null"
    return Entry(commit, result, repaired=repaired)


# --- the item's lineage ------------------------------------------------------------------------


def item_lineage(ref: str, entries: Sequence[Entry], newest: Case | None) -> tuple[str, set[str]]:
    """The section of the item `ref` names (`ID`, or `SECTION/ID` as `casekit show` takes it) and
    every id it had: ids joined by a rename in any entry. `UsageError` when no version has it, or
    items of several sections do."""
    text = ref.strip()
    section, sep, key = text.rpartition("/")
    if not sep:
        section, _, key = text.rpartition(":")
    if section:
        from casekit.links import section_name

        try:
            section = section_name(section) if section.casefold() != CASE_SECTION else CASE_SECTION
        except UsageError as exc:
            raise UsageError(f"--item: {exc.message}", hint=exc.hint) from None
    if not key:
        raise UsageError("--item: name an item by its id, or SECTION/ID", hint="as in --item timeline/series-a")
    found = _sections_with(key, entries, newest)
    if section:
        if section not in found:
            raise CaseNotFound(f"--item: no {section} item `{key}` in any version of the case", hint=_seen_in(found))
    elif not found:
        raise CaseNotFound(f"--item: no item `{key}` in any version of the case", hint=_ids_hint(key, newest))
    elif len(found) > 1:
        raise UsageError(
            f"--item: `{key}` names an item in {', '.join(sorted(found))}",
            hint="say which: " + ", ".join(f"--item {s}/{key}" for s in sorted(found)),
        )
    else:
        section = next(iter(found))
    # Ids joined by renames, whichever way round they are met.
    links: dict[str, set[str]] = {}
    for entry in entries:
        for c in entry.result.changes if entry.result is not None else ():
            if c.section == section and c.kind == "renamed" and c.new_id:
                links.setdefault(c.id, set()).add(c.new_id)
                links.setdefault(c.new_id, set()).add(c.id)
    ids, todo = {key}, [key]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in ids:
                ids.add(other)
                todo.append(other)
    return section, ids


def _sections_with(key: str, entries: Sequence[Entry], newest: Case | None) -> set[str]:
    """The sections in which some version had an item `key`: the newest version's items, and every
    item any entry added, removed, changed or renamed."""
    found = set()
    if newest is not None:
        for name in SECTION_NAMES[1:]:
            if any(getattr(x, "id", None) == key for x in getattr(newest, name)):
                found.add(name)
    for entry in entries:
        for c in entry.result.changes if entry.result is not None else ():
            if c.section != CASE_SECTION and key in (c.id, c.new_id):
                found.add(c.section)
    return found


def _ids_hint(key: str, newest: Case | None) -> str | None:
    """The ids of the newest version `key` most likely meant."""
    if newest is None:
        return None
    from casekit.problems import did_you_mean

    ids = [x.id for name in SECTION_NAMES[1:] for x in getattr(newest, name)]
    return did_you_mean(key, ids)


def _seen_in(sections: set[str]) -> str | None:
    return ("it is in " + ", ".join(sorted(sections))) if sections else None


def _only_item(entry: Entry, section: str, ids: set[str]) -> Entry:
    if entry.result is None:
        return entry
    result = entry.result
    kept = [c for c in result.changes if c.section == section and (c.id in ids or c.new_id in ids)]
    return Entry(entry.commit, DiffResult(kept, result.a, result.b), entry.problem, entry.repaired)


# --- git log ---------------------------------------------------------------------------------


def file_commits(top: Path, relative: str, *, first_parent: bool = False) -> list[Commit]:
    """Every commit that changed the file at `relative` (from the top of the work tree `top`),
    newest first, following renames, each with the file's blobs before and after."""
    args = ["log", "--follow", "-M", "--raw", "--no-abbrev", "-z", "--no-color", f"--format={_FORMAT}"]
    if first_parent:
        args.append("--first-parent")
    done = git.run([*args, "--diff-merges=first-parent", "--", relative], cwd=top, what=relative)
    if done.returncode != 0 and b"diff-merges" in done.stderr:  # git before 2.31: merges get no raw lines
        done = git.run([*args, "--", relative], cwd=top, what=relative)
    if done.returncode != 0:
        reason, hint = git.complaint(done)
        if "does not have any commits" in reason:
            return []
        raise git.GitError(f"{relative}: {reason}", hint=hint)
    commits = _parse_log(done.stdout)
    _fill_missing_blobs(top, relative, commits)
    return commits


def _parse_log(out: bytes) -> list[Commit]:
    commits = []
    for chunk in out.split(b"\x01")[1:]:
        fields = chunk.split(b"\x00")
        oid, parents, when, author, subject = (f.decode("utf-8", "replace") for f in fields[:5])
        commit = Commit(oid, parents.split(), when, author, subject, path="")
        raw = [f.decode("utf-8", "surrogateescape") for f in fields[5:]]
        raw = [f.lstrip("\n") for f in raw]
        _read_raw(commit, [f for f in raw if f])
        commits.append(commit)
    return commits


def _read_raw(commit: Commit, fields: list[str]) -> None:
    """Fill in the blobs and names from `--raw -z` lines: `:MODE MODE OLD NEW STATUS`, then the
    path, or the old and the new path for a rename or a copy."""
    at = 0
    while at < len(fields):
        head = fields[at].lstrip(":").split()
        if len(head) < 5:
            at += 1
            continue
        old_oid, new_oid, status = head[2], head[3], head[4]
        if status[:1] in ("R", "C"):
            old_path, path = fields[at + 1], fields[at + 2]
            at += 3
        else:
            old_path = path = fields[at + 1]
            at += 2
        commit.path = path
        commit.old_path = old_path
        commit.old_oid = None if status[:1] == "A" or set(old_oid) == {"0"} else old_oid
        commit.new_oid = None if status[:1] == "D" or set(new_oid) == {"0"} else new_oid


def _fill_missing_blobs(top: Path, relative: str, commits: list[Commit]) -> None:
    """A commit that `git log` printed without a raw line (a merge, on a git without
    --diff-merges) gets its blobs by name: the path the newer commit came from, in it and in its
    first parent."""
    path = relative
    bare = []
    for commit in commits:
        if not commit.path:
            commit.path = commit.old_path = path
            bare.append(commit)
        path = commit.old_path or commit.path
    if not bare:
        return
    specs = []
    for commit in bare:
        specs.append(f"{commit.oid}:{commit.path}")
        specs.append(f"{commit.parents[0]}:{commit.path}" if commit.parents else f"{commit.oid}:")
    infos = git.object_info(specs, cwd=top, what=relative)
    for n, commit in enumerate(bare):
        new, old = infos[2 * n], infos[2 * n + 1]
        commit.new_oid = new.oid if new is not None and new.type == "blob" else None
        commit.old_oid = old.oid if old is not None and old.type == "blob" else None


# --- versions: blobs, parsed once ----------------------------------------------------------------


class _Versions:
    """Parsed versions of the file by blob id: a `Case`, or the text of why it is none."""

    def __init__(self, top: Path, env: Mapping[str, str] | None, use_cache: bool) -> None:
        from casekit.cache import CaseCache, cache_root, disabled

        env = os.environ if env is None else env
        self.top = top
        self.cache = CaseCache(cache_root(env) / "blobs") if use_cache and not disabled(env) else None
        self.parsed: dict[str, Case | str] = {}
        self.made_by: dict[str, Commit] = {}  # a blob id → the (oldest listed) commit that wrote it

    def get(self, oid: str | None) -> Case | str | None:
        """The version `oid` names; None for no file."""
        if oid is None:
            return None
        if oid not in self.parsed:
            self.load({oid: oid})
        return self.parsed[oid]

    def last_valid_before(self, commit: Commit) -> Case | None:
        """The nearest valid version before `commit` along its first parents: back through the
        commits that wrote each invalid version (None when there is none: the file was added)."""
        oid = commit.old_oid
        seen = set()
        while oid is not None and oid not in seen:
            seen.add(oid)
            version = self.get(oid)
            if not isinstance(version, str):
                return version
            maker = self.made_by.get(oid)
            if maker is None:
                return None  # written before the history listed: nothing valid known
            oid = maker.old_oid
        return None

    def newest(self, commits: Sequence[Commit]) -> Case | None:
        """The newest valid version among `commits`."""
        for c in commits:
            version = self.get(c.new_oid)
            if isinstance(version, Case):
                return version
        return None

    def load(self, names: Mapping[str, str]) -> None:
        """Parse (or read from the cache) every blob of `names` (blob id → file name)."""
        todo = {oid: name for oid, name in names.items() if oid not in self.parsed}
        jobs = []
        for oid, name in todo.items():
            hit = self.cache.get(_stamp(oid, name)) if self.cache is not None else None
            if hit is not None:
                self.parsed[oid] = hit.case
            else:
                jobs.append((oid, name))
        if jobs:
            self._parse(jobs)

    def _parse(self, jobs: list[tuple[str, str]]) -> None:
        from casekit.loader import max_case_bytes, too_large

        limit = max_case_bytes()
        infos = git.object_info([oid for oid, _ in jobs], cwd=self.top, what="git")
        readable = []
        for (oid, name), info in zip(jobs, infos):
            if info is None:
                self.parsed[oid] = f"{oid[:7]}:{name}: git has no such object"
            elif info.size > limit:
                self.parsed[oid] = too_large(f"{oid[:7]}:{name}", limit, info.size).message
            else:
                readable.append((oid, name))
        blobs = git.read_blobs([oid for oid, _ in readable], cwd=self.top)
        work = [(oid, blobs.get(oid, b""), name) for oid, name in readable]
        for oid, kind, payload in _parse_blobs(work):
            name = dict(readable)[oid]
            if kind == "case":
                from casekit.cache import decode

                hit = decode(payload, _stamp(oid, name))
                self.parsed[oid] = hit.case if hit is not None else f"{oid[:7]}:{name}: could not be read back"
                if hit is not None and self.cache is not None:
                    self.cache.put_bytes(_stamp(oid, name), payload)
            else:
                self.parsed[oid] = payload.decode("utf-8", "replace")


def _stamp(oid: str, name: str):
    """The cache key of blob `oid` read as the file `name`: content-addressed, so never stale."""
    from casekit.cache import Stamp

    return Stamp(f"git-blob:{oid}:{Path(name).stem}", 0, 0, 0, 0)


def _parse_blobs(work: list[tuple[str, bytes, str]]) -> list[tuple[str, str, bytes]]:
    """(oid, "case" or "invalid", an encoded cache entry or the first problem) for each blob, in
    worker processes when there are many."""
    from casekit.library import _workers_safe

    if len(work) > _PARALLEL_MIN and (os.cpu_count() or 1) > 1 and _workers_safe():
        try:
            return _parse_in_pool(work)
        except (OSError, RuntimeError, ImportError, EOFError):
            pass  # no pool to be had: parse here
    return [_parse_blob(job) for job in work]


def _parse_in_pool(work: list[tuple[str, bytes, str]]) -> list[tuple[str, str, bytes]]:
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    from casekit.library import _worker_start

    workers = min(os.cpu_count() or 1, len(work))
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start) as pool:
        return list(pool.map(_parse_blob, work, chunksize=max(1, len(work) // (workers * 4))))


def _parse_blob(job: tuple[str, bytes, str]) -> tuple[str, str, bytes]:
    from casekit import cache
    from casekit.loader import check_bytes

    oid, data, name = job
    label = f"{oid[:7]}:{name}"
    case, problems = check_bytes(data, label, stem=Path(name).stem)
    if case is None:
        errors = [p for p in problems if p.severity == "error"]
        first = errors[0] if errors else None
        text = f"{first.location}: {first.message}" if first is not None else f"{label}: not a valid case"
        return oid, "invalid", text.encode()
    return oid, "case", cache.encode(_stamp(oid, name), case, problems)
