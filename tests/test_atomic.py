"""atomic: whole files or nothing; never a device, FIFO or link replaced; no temporary file left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casekit.atomic import AlreadyExists, temporary_name, write_bytes, write_text
from casekit.errors import CasekitError

REPO = Path(__file__).resolve().parent.parent
LIBRARY = REPO / "tests" / "fixtures" / "library"


class Reader(threading.Thread):
    """Reads a FIFO to its end in the background (a writer's open waits for one)."""

    def __init__(self, fifo: Path) -> None:
        super().__init__(daemon=True)
        self.fifo, self.got = fifo, b""
        self.start()

    def run(self) -> None:
        self.got = self.fifo.read_bytes()

    def read(self, timeout: float = 30) -> bytes:
        self.join(timeout)
        return self.got


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_gets_the_mode_a_new_file_gets(tmp_path):
    umask = os.umask(0o027)
    try:
        path = write_text(tmp_path / "a" / "b" / "new.md", "x\n")
    finally:
        os.umask(umask)
    assert path.read_text() == "x\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(path.parent) == []


def test_an_existing_file_is_kept_unless_overwriting_and_keeps_its_mode(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    target.chmod(0o604)
    with pytest.raises(AlreadyExists, match="already exists"):
        write_text(target, "new")
    assert target.read_text() == "old"
    inode = target.stat().st_ino
    write_text(target, "new", overwrite=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert target.stat().st_ino != inode  # replaced by a rename, not rewritten in place
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "case.yaml"
    target.write_bytes(b"old contents\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(CasekitError, match=r"case\.yaml: cannot write \(No space left on device\)"):
        write_bytes(target, b"new contents\n", overwrite=True)
    assert target.read_bytes() == b"old contents\n"
    assert leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the write's handler is gone again


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(CasekitError, match="is a directory"):
        write_text(tmp_path, "x", overwrite=True)


# --- names as long as the file system allows -------------------------------------------


@pytest.mark.parametrize("length", [240, 250, 255])
def test_a_final_name_as_long_as_the_system_allows_can_be_written(tmp_path, length):
    name = "i" * (length - 5) + ".yaml"
    target = write_text(tmp_path / name, "x", overwrite=True)
    assert target.read_text() == "x"
    write_text(target, "y", overwrite=True)
    assert target.read_text() == "y"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["a", "report.html", "é" * 120, "x" * 255])
def test_a_temporary_name_is_never_longer_than_the_final_one_allows(name):
    tmp = temporary_name(name)
    assert tmp.startswith(".") and tmp.endswith(".tmp")
    assert len(os.fsencode(tmp)) <= max(len(os.fsencode(name)), 32)
    assert tmp != temporary_name(name)  # a fresh one each time


# --- what is not a regular file is opened, not replaced ---------------------------------


def test_a_fifo_is_written_into_and_stays_a_fifo_without_overwrite(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    write_text(fifo, "through the pipe\n")
    assert reader.read() == b"through the pipe\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="making a device node needs root")
def test_a_device_node_is_written_into_not_replaced_even_overwriting(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    write_text(null, "gone\n", overwrite=True)
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.stat("/dev/null").st_rdev
    assert leftovers(tmp_path) == []


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real" / "report.md"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "report.md"
    link.symlink_to(real)
    with pytest.raises(AlreadyExists):
        write_text(link, "new")
    write_text(link, "new", overwrite=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == leftovers(real.parent) == []


def test_a_link_to_nothing_takes_the_name_and_overwriting_creates_what_it_names(tmp_path):
    link = tmp_path / "out.md"
    link.symlink_to("made.md")
    with pytest.raises(AlreadyExists):
        write_text(link, "x")
    write_text(link, "x", overwrite=True)
    assert link.is_symlink()
    assert (tmp_path / "made.md").read_text() == "x"


def test_a_link_to_a_fifo_writes_into_the_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out"
    link.symlink_to(fifo)
    reader = Reader(fifo)
    write_bytes(link, b"data")
    assert reader.read() == b"data"
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)


# --- the CLI's -o ----------------------------------------------------------------------


def casekit(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CASEKIT_NO_CACHE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "casekit", "--cases-dir", str(LIBRARY), *args],
        env=env,
        capture_output="stdout" not in kwargs,
        timeout=60,
        **kwargs,
    )


def test_export_to_dev_stdout_needs_no_force_and_appends_where_stdout_appends(tmp_path):
    log = tmp_path / "log.md"
    log.write_text("before\n")
    with open(log, "ab") as out:
        done = casekit("export", "-c", "acme", "-o", "/dev/stdout", stdout=out, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("before\n# From warehouse robots to a platform\n")
    assert text.endswith("\n") and text.count("## Sources") == 1


def test_export_into_a_fifo_with_force_keeps_the_fifo(tmp_path):
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    done = casekit("export", "-c", "acme", "-f", "html", "-o", str(fifo), "--force")
    assert done.returncode == 0, done.stderr
    assert reader.read().startswith(b"<!doctype html>")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_new_with_an_id_as_long_as_a_name_can_be(tmp_path):
    case_id = "a" * 240
    done = casekit("new", case_id, "--company", "Long", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{case_id}.yaml").read_text().startswith("# ")
    assert leftovers(tmp_path) == []


# --- signals ---------------------------------------------------------------------------

# Sends the process `signum` while the temporary file is written but not yet in place; the signal's
# disposition at start is the default, or ignored as under nohup when the third argument says so.
KILL_MID_WRITE = """
import os, signal, sys
signum, real = getattr(signal, sys.argv.pop(1)), os.fsync
signal.signal(signum, signal.SIG_IGN if sys.argv.pop(1) == "ignored" else signal.SIG_DFL)
os.fsync = lambda fd: os.kill(os.getpid(), signum) or real(fd)
from casekit.cli import main
main()
"""


def export_killed_mid_write(tmp_path: Path, signame: str, disposition: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CASEKIT_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-c", KILL_MID_WRITE, signame, disposition, "--cases-dir", str(LIBRARY)]
        + ["export", "-c", "acme", "-f", "html", "-o", str(tmp_path / "page.html"), "--force"],
        env=env,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_signal_mid_export_ends_it_leaving_no_temporary_file_and_the_old_file(tmp_path, signame):
    target = tmp_path / "page.html"
    target.write_text("old page")
    done = export_killed_mid_write(tmp_path, signame, "default")
    assert done.returncode == -getattr(signal, signame), done.stderr  # ended by the signal, as before
    assert target.read_text() == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_an_ignored_hangup_lets_the_write_finish(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old page")
    done = export_killed_mid_write(tmp_path, "SIGHUP", "ignored")  # as under nohup
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("<!doctype html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
