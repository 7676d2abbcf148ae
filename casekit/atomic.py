"""Writing a file so that it is either wholly the old contents or wholly the new.

    from casekit.atomic import write_text
    write_text("cases/acme.yaml", text, overwrite=True)

What a write does depends on what the name is:

- **nothing, or a regular file**: the data goes to a temporary file in the same
  directory (a short name, so a final name as long as the file system allows
  still works), is flushed to disk, gets the old file's mode (or the mode a new
  file would get), and is renamed over the name. A reader sees the old file or
  the new one, never a part; any failure leaves the old file exactly as it was
  and no temporary file behind, on an exception, Ctrl-C, SIGTERM or SIGHUP.
  An existing file is replaced only with `overwrite=True`; without it the name
  is claimed with a hard link, so a file that appears meanwhile is not lost.
- **a symbolic link**: written through, as git and Emacs do: the file the link
  points to is replaced as above (its temporary file in its own directory) and
  the link stays a link.
- **a FIFO or a character device** (`/dev/null`, a terminal): opened and written,
  never replaced, so no `overwrite` is needed: there is no file to lose.
  `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N` are written to
  the process's own descriptor, as bash and awk do, so `>> log` keeps appending.
- a directory, a socket or a block device is refused.

Failures raise `CasekitError` (`AlreadyExists` for a name that is taken) with the
path and the system's reason.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Callable
from pathlib import Path

from casekit.errors import CasekitError

__all__ = ["AlreadyExists", "write_bytes", "write_text"]

# How a signal that would end the process without unwinding it ends a write: its temporary
# file is removed first. SIGINT needs nothing: Python raises KeyboardInterrupt, which unwinds.
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_FD_NAME = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)|/dev/std(out|err)")


class AlreadyExists(CasekitError):
    """The name is taken and replacing it was not asked for."""

    def __init__(self, path: os.PathLike | str) -> None:
        super().__init__(f"{path}: already exists; not overwritten", hint="use --force to replace it")


def write_text(
    path: str | os.PathLike,
    text: str,
    *,
    overwrite: bool = False,
    at_terminal: Callable[[str], str] | None = None,
) -> Path:
    """Write `text` as UTF-8 (newlines as they are) to `path`; see the module for how.

    `at_terminal`, when the target turns out to be a terminal, turns the text
    into what a terminal should be sent (say, control characters made visible).
    Returns the path written, as given.
    """
    if at_terminal is None:
        return write_bytes(path, text.encode("utf-8"), overwrite=overwrite)
    return _write(Path(path), lambda fd: (at_terminal(text) if os.isatty(fd) else text).encode("utf-8"), overwrite)


def write_bytes(path: str | os.PathLike, data: bytes, *, overwrite: bool = False) -> Path:
    """Write `data` to `path`; see the module for how. Returns the path written, as given."""
    return _write(Path(path), lambda fd: data, overwrite)


def _write(target: Path, content: Callable[[int], bytes], overwrite: bool) -> Path:
    fd_name = _FD_NAME.fullmatch(os.path.normpath(target))
    if fd_name:
        fd = int(fd_name[1]) if fd_name[1] else {"out": 1, "err": 2}[fd_name[2]]
        _fail_as_casekit(target, lambda: _write_all(fd, content(fd)))
        return target
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _cannot(target, exc) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(target, st, content, overwrite)
        return target
    linked = os.path.islink(target)
    if (st is not None or linked) and not overwrite:  # a link to nothing takes the name all the same
        raise AlreadyExists(target)
    final = Path(os.path.realpath(target)) if linked else target
    _replace(final, content(-1), st, overwrite, shown=target)
    return target


def _write_special(target: Path, st: os.stat_result, content: Callable[[int], bytes], overwrite: bool) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise CasekitError(f"{target}: is a directory")
    if stat.S_ISBLK(st.st_mode) and not overwrite:  # a disk holds data as a file does
        raise AlreadyExists(target)
    if stat.S_ISSOCK(st.st_mode):
        raise CasekitError(f"{target}: is a socket; cannot write to it")

    def write() -> None:
        fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_all(fd, content(fd))
        finally:
            os.close(fd)

    _fail_as_casekit(target, write)


def _replace(final: Path, data: bytes, old: os.stat_result | None, overwrite: bool, *, shown: Path) -> None:
    """Write a temporary file beside `final`, then rename (or, not overwriting, hard-link) it there."""
    directory = final.parent
    if final is shown:  # not through a link: make the folders named
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _cannot(shown, exc) from None
    with _Temporary(directory, final.name) as tmp:
        _fail_as_casekit(shown, lambda: _fill(tmp.fd, data, old))
        _fail_as_casekit(shown, lambda: _put(tmp.path, final, overwrite, shown))
        _sync_directory(directory)


def _fill(fd: int, data: bytes, old: os.stat_result | None) -> None:
    _write_all(fd, data)
    if old is not None:
        os.fchmod(fd, stat.S_IMODE(old.st_mode))
        if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
            try:  # who owned it keeps it, where we may say so (root can)
                os.fchown(fd, old.st_uid, old.st_gid)
            except OSError:
                pass
    else:  # the mode a new file gets (the temporary file was made private)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
    os.fsync(fd)


def _put(tmp: Path, final: Path, overwrite: bool, shown: Path) -> None:
    # The name may have changed since it was looked at: never rename over something not a file.
    try:
        now = os.lstat(final)
    except FileNotFoundError:
        now = None
    if now is not None and not stat.S_ISREG(now.st_mode):
        raise CasekitError(f"{shown}: changed while being written (now not a regular file); not replaced")
    if overwrite:
        os.replace(tmp, final)
        return
    try:
        os.link(tmp, final)  # fails if the name appeared meanwhile: never clobber, even in a race
    except FileExistsError:
        raise AlreadyExists(shown) from None
    except OSError:  # a file system without hard links
        if os.path.lexists(final):
            raise AlreadyExists(shown) from None
        os.replace(tmp, final)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable, where the system allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fail_as_casekit(path: Path, action: Callable[[], object]) -> None:
    try:
        action()
    except OSError as exc:
        raise _cannot(path, exc) from None


def _cannot(path: Path, exc: OSError) -> CasekitError:
    return CasekitError(f"{path}: cannot write ({exc.strerror or exc})")


# --- the temporary file ----------------------------------------------------------------


def temporary_name(final: str) -> str:
    """`.NAME.RANDOM.tmp`, NAME cut so the whole is no longer than `final` (or than 32 bytes):
    a name that fits the directory's limit, whatever the limit, when `final` does."""
    suffix = f".{secrets.token_hex(3)}.tmp"
    room = max(len(os.fsencode(final)), 32) - len(suffix) - 1
    stem = final
    while len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return f".{stem}{suffix}"


class _Temporary:
    """A new private file in `directory`, removed on leaving unless renamed away, and removed by
    SIGTERM or SIGHUP too (then the signal ends the process as it would have)."""

    def __init__(self, directory: Path, final: str) -> None:
        self.directory, self.final = directory, final
        self.fd = -1
        self.path = directory

    def __enter__(self) -> _Temporary:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        for _ in range(100):
            self.path = self.directory / temporary_name(self.final)
            try:
                self.fd = os.open(self.path, flags, 0o600)
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise _cannot(self.directory / self.final, exc) from None
        else:
            raise CasekitError(f"{self.directory / self.final}: cannot write (no free temporary name)")
        _Pending.add(self.path)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            os.close(self.fd)
        finally:
            try:
                os.unlink(self.path)
            except FileNotFoundError:  # renamed into place
                pass
            except OSError:
                pass
            _Pending.discard(self.path)


class _Pending:
    """Temporary files not yet renamed into place, and the signal handlers that remove them."""

    paths: set[Path] = set()  # noqa: RUF012 - one registry for the process
    previous: dict[int, object] = {}  # noqa: RUF012
    lock = threading.Lock()

    @classmethod
    def add(cls, path: Path) -> None:
        with cls.lock:
            cls.paths.add(path)
            if len(cls.paths) == 1 and threading.current_thread() is threading.main_thread():
                for signum in _SIGNALS:
                    # A handler of the program's own, or an ignored signal, is left alone:
                    # then the write goes on, or unwinds, as the program decided.
                    if signal.getsignal(signum) is signal.SIG_DFL:
                        cls.previous[signum] = signal.signal(signum, cls.on_signal)

    @classmethod
    def discard(cls, path: Path) -> None:
        with cls.lock:
            cls.paths.discard(path)
            if not cls.paths and threading.current_thread() is threading.main_thread():
                cls.restore()

    @classmethod
    def restore(cls) -> None:
        for signum, handler in cls.previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        cls.previous.clear()

    @classmethod
    def on_signal(cls, signum: int, frame: object) -> None:
        for path in list(cls.paths):
            try:
                os.unlink(path)
            except OSError:
                pass
        cls.paths.clear()
        cls.restore()
        os.kill(os.getpid(), signum)  # now with the default action: the process ends by the signal
