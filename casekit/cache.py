"""A cache of parsed cases, so library-wide commands skip YAML (SPEC §8).

One MessagePack file per case file in `$XDG_CACHE_HOME/casekit/parsed/`
(else `~/.cache/casekit/parsed/`), named by a hash of the case file's
absolute path. An entry holds a valid case and its warnings, and the key it
is good for: the absolute path, the file's size and mtime_ns, casekit's
version, the format version and a fingerprint of the modules that parse
and check cases. Any mismatch, and any entry that does not decode, is a
miss: the file is parsed again and the entry rewritten. Nothing is
trusted blindly, and nothing is ever unpickled.

`PartialDate`, `Value` and `Problem` are frozen dataclasses, which msgspec
encodes as maps and decodes without calling their parsers; measured on the
Scale AI case, that decodes dates and values 3x faster than compact tuples
rebuilt in Python and 30x faster than storing their text and parsing it
again.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import msgspec

from casekit.model import FORMAT_VERSION, Case
from casekit.problems import Problem

# A file changed twice within one tick of its file system's clock keeps its
# mtime; with the same size, its entry would look current. So a file this
# young (coarse file systems tick once a second or two) is parsed, not cached.
RACY_NS = 2_000_000_000

_MAGIC = "casekit-parsed-case"
# The modules whose code decides what a parsed case and its warnings are.
_PARSING_MODULES = ("model.py", "loader.py", "checks.py", "dates.py", "values.py", "problems.py")


class Stamp(msgspec.Struct, frozen=True, array_like=True):
    """A case file as it was when read: absolute path, size and mtime in nanoseconds."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike) -> Stamp | None:
        """The stamp of the file at `path` now, or None when it cannot be stat'ed."""
        absolute = os.path.abspath(path)
        try:
            st = os.stat(absolute)
        except (OSError, ValueError):
            return None
        return cls(absolute, st.st_size, st.st_mtime_ns)

    @property
    def racy(self) -> bool:
        """True when the file is too young for its mtime to prove it unchanged."""
        return self.mtime_ns > time.time_ns() - RACY_NS


class _Entry(msgspec.Struct, array_like=True):
    magic: str
    code: str
    stamp: Stamp
    warnings: list[Problem]
    case: msgspec.Raw  # decoded only once the key matches


class Hit(msgspec.Struct, frozen=True):
    """What the cache holds for a file: the case and its warnings."""

    case: Case
    warnings: list[Problem]


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CACHE_HOME/casekit`, else `~/.cache/casekit`."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):  # the XDG spec says to ignore a relative path
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "casekit"


def disabled(env: Mapping[str, str] | None = None) -> bool:
    """True when CASEKIT_NO_CACHE asks for no cache."""
    env = os.environ if env is None else env
    return env.get("CASEKIT_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


_code_key: str | None = None


def code_key() -> str:
    """casekit's version, the format version and a fingerprint of the parsing modules.

    The fingerprint (their sizes and mtimes: a few stat calls) keeps a
    checkout whose version string did not change from reading entries made
    by older code.
    """
    global _code_key
    if _code_key is None:
        from casekit import __version__

        here = os.path.dirname(os.path.abspath(__file__))
        parts = [__version__, str(FORMAT_VERSION)]
        for name in _PARSING_MODULES:
            try:
                st = os.stat(os.path.join(here, name))
                parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                parts.append(f"{name}:-")
        _code_key = "/".join(parts)
    return _code_key


_encoder = msgspec.msgpack.Encoder()
_entry_decoder: msgspec.msgpack.Decoder | None = None
_case_decoder: msgspec.msgpack.Decoder | None = None


def encode(stamp: Stamp, case: Case, warnings: list[Problem]) -> bytes:
    """The bytes of a cache entry for `case`, read from the file `stamp` describes."""
    return _encoder.encode(_Entry(_MAGIC, code_key(), stamp, list(warnings), msgspec.Raw(_encoder.encode(case))))


def decode(data: bytes, stamp: Stamp, display: str | None = None) -> Hit | None:
    """The case in a cache entry when the entry is intact and made for `stamp`, else None.

    Warnings are given back with `display` as their path (the file as the
    user named it this time).
    """
    global _entry_decoder, _case_decoder
    if _entry_decoder is None or _case_decoder is None:
        _entry_decoder = msgspec.msgpack.Decoder(_Entry)
        _case_decoder = msgspec.msgpack.Decoder(Case)
    try:
        entry = _entry_decoder.decode(data)
        if entry.magic != _MAGIC or entry.code != code_key() or entry.stamp != stamp:
            return None
        case = _case_decoder.decode(entry.case)
    except Exception:  # garbage, a truncated write, an entry of another shape: a miss
        return None
    warnings = entry.warnings
    if display is not None:
        warnings = [replace(p, path=display) if p.path != display else p for p in warnings]
    return Hit(case, warnings)


class CaseCache:
    """The directory of parsed-case entries; every failure to use it is a quiet miss."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self._writable: bool | None = None

    @classmethod
    def default(cls, env: Mapping[str, str] | None = None) -> CaseCache | None:
        """The user's cache, or None when CASEKIT_NO_CACHE is set."""
        if disabled(env):
            return None
        return cls(cache_root(env) / "parsed")

    def entry_path(self, stamp: Stamp) -> Path:
        """Where the entry for the file `stamp` names lives."""
        # Two cheap checksums (hashlib's import alone costs more than a lookup). A
        # collision is harmless: the entry names its file, so the other one misses.
        raw = stamp.path.encode("utf-8", "surrogateescape")
        return self.directory / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.msgpack"

    def get(self, stamp: Stamp, display: str | None = None) -> Hit | None:
        """The cached case for the file as `stamp` describes it, or None."""
        try:
            with open(self.entry_path(stamp), "rb") as f:
                data = f.read()
        except (OSError, ValueError):
            return None
        return decode(data, stamp, display)

    def put(self, stamp: Stamp, case: Case, warnings: list[Problem]) -> None:
        """Remember a valid case (a racy or unwritable entry is skipped)."""
        if stamp.racy:
            return
        self.put_bytes(stamp, encode(stamp, case, warnings))

    def put_bytes(self, stamp: Stamp, data: bytes) -> None:
        """Write an encoded entry atomically: a temporary file, then a rename."""
        if stamp.racy or self._writable is False:
            return
        target = self.entry_path(stamp)
        tmp = target.with_name(f".{target.stem}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        try:
            if self._writable is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._writable = True
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, target)
            except BaseException:
                _unlink(tmp)
                raise
        except OSError as exc:
            # A read-only home, a cache path under a file, a full disk: no cache, no fuss.
            self._writable = False
            import logging

            logging.getLogger("casekit.cache").debug("not caching parsed cases in %s: %s", self.directory, exc)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
