"""Finding cases (SPEC §4): directories in order, ids, paths, the default case."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from casekit.errors import CaseNotFound, UsageError
from casekit.model import Case

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case file found in the library: its id (the file's stem) and where it is."""

    id: str
    path: Path
    bundled: bool = False


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


@dataclass
class Library:
    """The directories casekit reads cases from, first match wins."""

    cases_dirs: Sequence[str | os.PathLike] = ()
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def __post_init__(self) -> None:
        self._refs: list[CaseRef] | None = None

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
        """Every case in the library, each id once (earlier directories shadow later)."""
        if self._refs is None:
            seen: dict[str, CaseRef] = {}
            for directory, bundled in [(d, False) for d in self.user_dirs] + [(bundled_dir(), True)]:
                for ref in _scan(directory, bundled):
                    seen.setdefault(ref.id, ref)
            self._refs = sorted(seen.values(), key=lambda r: (r.bundled, r.id))
        return self._refs

    def find(self, spec: str) -> CaseRef:
        """The case named by an id or a path."""
        path = Path(spec)
        if is_case_path(spec) or (path.suffix == "" and path.is_file()):
            if not path.exists():
                raise CaseNotFound(f"{spec}: no such file")
            return CaseRef(id=path.stem, path=path)
        for ref in self.refs():
            if ref.id == spec:
                return ref
        from casekit.problems import did_you_mean

        ids = [r.id for r in self.refs()]
        raise CaseNotFound(
            f"no case `{spec}` in the library ({self._where()})",
            hint=did_you_mean(spec, ids) or ("cases: " + ", ".join(ids) if ids else None),
        )

    def default(self) -> CaseRef:
        """The case used when none is named: CASEKIT_CASE, the only one, or the bundled example."""
        named = self.env.get("CASEKIT_CASE", "").strip()
        if named:
            return self.find(named)
        refs = self.refs()
        mine = [r for r in refs if not r.bundled]
        if len(mine) == 1:
            return mine[0]
        if not mine:
            bundled = [r for r in refs if r.bundled]
            if len(bundled) == 1 or (bundled and not self.configured):
                return bundled[0]
            if not bundled:
                raise CaseNotFound(f"no cases found ({self._where()})")
        ids = ", ".join(r.id for r in refs)
        raise UsageError(
            f"several cases in the library; name one with -c CASE (cases: {ids})",
            hint="or set CASEKIT_CASE",
        )

    def load(self, ref: CaseRef) -> Case:
        """The parsed, checked case behind `ref`."""
        from casekit.loader import load_case

        return load_case(ref.path)

    def _where(self) -> str:
        return "looked in " + ", ".join(str(d) for d in self.user_dirs) + " and the bundled examples"


def _scan(directory: Path, bundled: bool) -> list[CaseRef]:
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return []
    return [
        CaseRef(id=p.stem, path=p, bundled=bundled)
        for p in entries
        if p.suffix in SUFFIXES and not p.name.startswith(".") and p.is_file()
    ]
