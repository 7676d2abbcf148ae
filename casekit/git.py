"""Running git: the one module that starts it.

Revisions and paths a user typed reach git on standard input (`cat-file
--batch-check`) or after `--end-of-options`, never where git would read
them as options. Blob contents come from `cat-file`, whose answers carry
each object's size, so a file larger than casekit reads as one case is
refused before a byte of it is read.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from casekit.errors import CasekitError, CaseNotFound

# A revision and a path, as git names a file in a commit: `HEAD~1:cases/acme.yaml`.
REV_HINT = (
    "REV:PATH is git's notation: a revision (HEAD~1, a tag, a commit) and a path from the "
    "repository's top (or ./path from here); :PATH is the staged version"
)
# The empty tree and a missing blob, as git writes them in raw diffs.
NULL_OID = "0" * 40


class GitError(CasekitError):
    """git is missing, failed, or the path is not in a repository."""


class ObjectInfo:
    """What `git cat-file --batch-check` says of an object: its id, type and size in bytes."""

    __slots__ = ("oid", "size", "type")

    def __init__(self, oid: str, type: str, size: int) -> None:
        self.oid, self.type, self.size = oid, type, size

    def __repr__(self) -> str:
        return f"ObjectInfo({self.oid!r}, {self.type!r}, {self.size})"


def run(
    args: Sequence[str], *, cwd: str | os.PathLike | None = None, input: bytes | None = None, what: str = "git"
) -> subprocess.CompletedProcess:
    """`git ARGS` with its output captured as bytes; `GitError` when git cannot be run at all
    (`what` names the thing that needed it)."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            check=False,
            **({} if input is not None else {"stdin": subprocess.DEVNULL}),
        )
    except FileNotFoundError:
        raise GitError(f"{what}: needs git, which is not installed") from None
    except OSError as exc:
        raise GitError(f"{what}: cannot run git ({exc.strerror or exc})") from None


def complaint(done: subprocess.CompletedProcess) -> tuple[str, str | None]:
    """git's first line of complaint (without `fatal: `) and its hints joined, from a failed run."""
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    reason = said[0].removeprefix("fatal: ").removeprefix("error: ") if said else f"git exited with {done.returncode}"
    hints = " ".join(line.removeprefix("hint: ") for line in said[1:] if line.startswith("hint: "))
    return reason, hints or None


def object_info(specs: Sequence[str], *, cwd: str | os.PathLike | None = None, what: str = "git") -> list:
    """For each object name in `specs` (`REV:PATH`, `:PATH`, an id), its `ObjectInfo`, or None
    when it names nothing. The names go to git on standard input, so none is read as an option."""
    if not specs:
        return []
    if any("\n" in spec for spec in specs):
        raise CaseNotFound(f"{what}: a revision or path with a line break in it names no file", hint=REV_HINT)
    query = "".join(spec + "\n" for spec in specs).encode("utf-8", "surrogateescape")
    done = run(["cat-file", "--batch-check"], cwd=cwd, input=query, what=what)
    if done.returncode != 0:
        reason, hint = complaint(done)
        raise GitError(f"{what}: {reason}", hint=hint)
    out: list[ObjectInfo | None] = []
    for line in done.stdout.decode("utf-8", "surrogateescape").splitlines():
        parts = line.rsplit(" ", 2)
        if len(parts) == 3 and parts[2].isdigit() and parts[1] in ("blob", "tree", "commit", "tag"):
            out.append(ObjectInfo(parts[0], parts[1], int(parts[2])))
        else:  # "NAME missing", "NAME ambiguous"
            out.append(None)
    if len(out) != len(specs):
        raise GitError(f"{what}: git answered {len(out)} lines for {len(specs)} names")
    return out


def show_failure(spec: str, *, cwd: str | os.PathLike | None = None) -> tuple[str, str | None]:
    """Why SPEC names no object, in git's own words: `path 'x' does not exist in 'HEAD'`.

    `git cat-file -e` says it without ever printing an object. `--end-of-options`
    (git 2.24 and later) keeps SPEC from being read as an option; an older
    git takes it for a revision, so then SPEC is passed plain (callers never
    pass one that starts with `-`)."""
    done = run(["cat-file", "-e", "--end-of-options", spec], cwd=cwd, what=spec)
    if done.returncode != 0 and b"end-of-options" in done.stderr:
        done = run(["cat-file", "-e", spec], cwd=cwd, what=spec)
    if done.returncode == 0:
        return "names no file", None
    return complaint(done)


def read_blob(oid: str, *, cwd: str | os.PathLike | None = None, what: str = "git") -> bytes:
    """The bytes of the blob `oid` (a full object id: never an option)."""
    done = run(["cat-file", "blob", oid], cwd=cwd, what=what)
    if done.returncode != 0:
        reason, hint = complaint(done)
        raise GitError(f"{what}: {reason}", hint=hint)
    return done.stdout


def read_blobs(oids: Iterable[str], *, cwd: str | os.PathLike | None = None, what: str = "git") -> dict[str, bytes]:
    """The bytes of many blobs at once, by id, through one `git cat-file --batch`."""
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    done = run(["cat-file", "--batch"], cwd=cwd, input="".join(o + "\n" for o in wanted).encode(), what=what)
    if done.returncode != 0:
        reason, hint = complaint(done)
        raise GitError(f"{what}: {reason}", hint=hint)
    data = done.stdout
    out: dict[str, bytes] = {}
    at = 0
    for oid in wanted:
        end = data.index(b"\n", at)
        head = data[at:end].split()
        at = end + 1
        if len(head) != 3:  # "OID missing"
            continue
        size = int(head[2])
        out[oid] = data[at : at + size]
        at += size + 1
    return out


def top_level(directory: str | os.PathLike) -> Path | None:
    """The top of the work tree `directory` lies in, or None outside any repository."""
    done = run(["rev-parse", "--show-toplevel"], cwd=directory, what=os.fspath(directory))
    if done.returncode != 0:
        return None
    return Path(os.fsdecode(done.stdout.rstrip(b"\n")))


def in_repository(path: Path, what: str) -> tuple[Path, str]:
    """The repository's top and `path` relative to it, as git names it (`cases/acme.yaml`);
    `GitError` when `path` lies in no repository."""
    absolute = Path(os.path.abspath(path))
    directory = absolute.parent
    top = top_level(directory) if directory.is_dir() else None
    if top is None:
        raise GitError(
            f"{what}: not in a git repository",
            hint="the history of a case is its file's history in git; run this inside the repository that holds it",
        )
    try:
        relative = Path(os.path.realpath(directory)).relative_to(os.path.realpath(top)) / absolute.name
    except ValueError:
        raise GitError(f"{what}: outside the repository at {top}") from None
    return top, relative.as_posix()


def is_tracked(top: Path, relative: str) -> bool:
    """True when git knows the file at `relative` (from the top of the work tree `top`)."""
    done = run(["ls-files", "--error-unmatch", "--", relative], cwd=top, what=relative)
    return done.returncode == 0
