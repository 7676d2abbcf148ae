"""`casekit diff A B`: what changed between two cases, item by item; also a git external diff driver."""

import re
from typing import Annotated

import msgspec
import typer

from casekit.cli import complete
from casekit.cli.app import app, state
from casekit.cli.options import ChangeSectionsOpt, Format, FormatOpt

DEV_NULL = "/dev/null"
# git writes "." for the hash and mode of a side that does not exist. (The module's patterns are
# compiled when first used, as `--help` imports this module too.)
_HEX = r"[0-9a-f]{4,64}|\."
_MODE = r"[0-7]{6}|\."


class GitDiffArgs(msgspec.Struct, frozen=True):
    """The arguments git passes an external diff command (see git(1), GIT_EXTERNAL_DIFF)."""

    path: str
    old_file: str
    old_hex: str
    old_mode: str
    new_file: str
    new_hex: str
    new_mode: str
    new_path: str
    rename_info: str | None = None

    def rename_lines(self) -> list[str]:
        """How the file was renamed, as `git diff` says it: git's own lines (similarity index,
        rename or copy from and to), else `rename from` and `rename to`; none when it was not."""
        if self.rename_info and self.rename_info.strip():
            return [line.rstrip() for line in self.rename_info.splitlines() if line.strip()]
        if self.new_path != self.path:
            return [f"rename from {self.path}", f"rename to {self.new_path}"]
        return []


def git_external_args(operands: list[str]) -> GitDiffArgs | None:
    """git's 7 arguments (`path old-file old-hex old-mode new-file new-hex new-mode`),
    or 9 for a rename (plus `new-path` and the rename's description); else None."""
    if len(operands) not in (7, 9):
        return None
    path, old_file, old_hex, old_mode, new_file, new_hex, new_mode = operands[:7]
    if not all(re.fullmatch(_HEX, h) for h in (old_hex, new_hex)):
        return None
    if not all(re.fullmatch(_MODE, m) for m in (old_mode, new_mode)):
        return None
    new_path = operands[7] if len(operands) == 9 else path
    info = operands[8] if len(operands) == 9 else None
    return GitDiffArgs(path, old_file, old_hex, old_mode, new_file, new_hex, new_mode, new_path, info)


@app.command()
def diff(
    ctx: typer.Context,
    operands: Annotated[
        list[str],
        typer.Argument(
            metavar="[A] B",
            show_default=False,
            autocompletion=complete.diff_operands,
            help="Two cases, each a path, an id, CASE@DATE, REV:PATH, or - (standard input); "
            "or one case file, against git's HEAD.",
        ),
    ],
    staged: Annotated[
        bool, typer.Option("--staged", "--cached", help="With one case: the staged file against HEAD.")
    ] = False,
    stat: Annotated[bool, typer.Option("--stat", help="Only the counts per section, in every format.")] = False,
    section: ChangeSectionsOpt = None,
    order: Annotated[bool, typer.Option("--order", help="Report items that moved in their list.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Semantic diff of two cases: items added, removed, changed, renamed, refined.

    A and B are each a path, a case id, CASE@DATE (the case as known at
    DATE, so `casekit diff scale_ai@2024-12 scale_ai` shows what came
    later), REV:PATH (a file at a git revision: HEAD~1:cases/acme.yaml;
    :PATH is the staged file; REV:PATH@DATE as known at DATE) or - (a case
    read from standard input, for one side).

    Items match by id, so reordering is no change (--order reports it); an
    item whose id changed but whose text did not is one rename. Prose shows
    a word diff, metrics each observation by date with its change, an added
    or removed item what it holds, and a date made more precise (2019 →
    2019-08) a refinement; ending an era or moving a period's end is a
    change. Summary glyphs: + added, − removed, ~ changed, ⊂ refined,
    ⇄ renamed, ↕ moved.

    With one case (a file in a git repository, or its id), the working file
    is compared with HEAD's, as `git diff FILE` does; with --staged, the
    staged file with HEAD's.

    Exit 0 when the cases are the same, 1 when they differ, 2 on trouble.
    As a git diff driver (`*.yaml diff=casekit` in .gitattributes, and
    `git config diff.casekit.command 'casekit diff'`) it takes git's 7 or 9
    arguments, and always exits 0.
    """
    from casekit.changes import SECTION_NAMES
    from casekit.errors import ExitCode, UsageError
    from casekit.problems import check_choices

    st = state(ctx)
    sections = section or []
    check_choices("section", sections, SECTION_NAMES, "section")
    git = git_external_args(operands)
    if git is not None:
        _git_driver(st, git, sections=sections, stat=stat, order=order, fmt=fmt)
        return
    if staged and len(operands) != 1:
        raise UsageError("--staged compares one case file's staged version with HEAD's; give one case")
    if len(operands) not in (1, 2):
        raise UsageError(
            f"diff takes two cases, A and B, or one against git's HEAD; got {len(operands)} arguments",
            hint="each is a path, an id, CASE@DATE, REV:PATH or - (standard input), as in: "
            "casekit diff scale_ai@2024-12 scale_ai",
        )
    from casekit.changes import diff as diff_cases

    if len(operands) == 1:
        a, b = st.library.against_head(operands[0], staged=staged)
    else:
        a, b = _two_operands(st, operands)
    result = diff_cases(a[1], b[1], order=order, sections=sections)
    result.a, result.b = a[0], b[0]
    _emit(st, result, fmt=fmt, stat=stat)
    if not result.same:
        raise typer.Exit(int(ExitCode.NEGATIVE))


def _two_operands(st, operands: list[str]):
    """(label, case) of each of A and B; /dev/null is no case at all."""
    import sys

    from casekit.errors import UsageError
    from casekit.library import STDIN

    if sum(spec == STDIN or spec.startswith(STDIN + "@") for spec in operands) > 1:
        raise UsageError(
            "standard input holds one case: at most one of A and B can be -",
            hint="save one of them to a file: casekit diff saved.yaml -",
        )
    library = st.library
    today_date = st.today
    # /dev/null is no case at all, as git spells it: everything in the other is added (or removed).
    stdin = sys.stdin.buffer if sys.stdin is not None else None  # None when the caller closed it
    return [(spec, None) if spec == DEV_NULL else library.resolve(spec, today_date, stdin) for spec in operands]


def _markers(st) -> bool:
    # Without colour a struck-through red word and a green one look alike: mark them.
    return not (st.term.color and st.term.out.is_terminal)


def _emit(st, result, *, fmt: Format, stat: bool, title: bool = True) -> None:
    if fmt is Format.table:
        if result.same:
            if title:
                st.term.err.print("no differences", style="dim")
            return
        from casekit.render.diff import diff_view

        st.term.print(diff_view(result, stat=stat, markers=_markers(st), title=title))
        return
    from casekit.cli.common import write_text  # at a terminal, control characters shown, not obeyed

    if fmt is Format.md:
        from casekit.render.diff import diff_markdown

        write_text(st, diff_markdown(result, stat=stat))
        return
    from casekit.changes import ROW_SHAPE, SUMMARY_SHAPE
    from casekit.render.machine import write

    if fmt is Format.csv:  # a row a change (with --stat, a section); with none, still the header
        rows, shape = (result.summary_rows(), SUMMARY_SHAPE) if stat else (result.rows(), ROW_SHAPE)
        write_text(st, write(rows, "csv", shape=shape))
    else:
        write_text(st, write(result.summary_record() if stat else result.record(), fmt.value))


def _git_driver(st, git: GitDiffArgs, *, sections: list[str], stat: bool, order: bool, fmt: Format) -> None:
    """Diff old-file against new-file for git, under a header naming the path; never fail git.

    This is the driver's boundary: whatever goes wrong (a version that is no
    valid case, an unreadable file, a bug), git gets the text diff and a
    one-line reason, and the driver exits 0, so `git log -p` carries on."""
    from casekit.errors import CasekitError

    try:
        old_bytes = _git_bytes(git.old_file)
        new_bytes = _git_bytes(git.new_file)
        if not any(data is not None and looks_like_case(data) for data in (old_bytes, new_bytes)):
            # YAML that is no case (a CI file, .pre-commit-config.yaml): the plain diff, without a word.
            _text_fallback(st, git, old_bytes, new_bytes, None)
            return
        _semantic_driver(st, git, old_bytes, new_bytes, sections=sections, stat=stat, order=order, fmt=fmt)
    except BrokenPipeError:
        raise  # the reader left: the boundary makes that a quiet 0
    except Exception as exc:
        if isinstance(exc, CasekitError):
            reason = exc.message + (f" ({exc.hint})" if exc.hint else "")
        else:
            reason = f"internal error: {type(exc).__name__}: {exc}"
        try:
            _text_fallback(st, git, _bytes_or_none(git.old_file), _bytes_or_none(git.new_file), reason)
        except BrokenPipeError:
            raise
        except Exception:  # nothing more can be shown; git must still carry on
            pass


def _semantic_driver(st, git: GitDiffArgs, old_bytes, new_bytes, *, sections, stat, order, fmt: Format) -> None:
    from rich.text import Text

    a_label, b_label = f"a/{git.path}", f"b/{git.new_path}"
    old = _git_side(old_bytes, git.old_file, git.old_hex, git.path)
    new = _git_side(new_bytes, git.new_file, git.new_hex, git.new_path)
    from casekit.changes import diff as diff_cases

    result = diff_cases(old, new, order=order, sections=sections)
    result.a, result.b = a_label, b_label
    if fmt is not Format.table:
        _emit(st, result, fmt=fmt, stat=stat)
        return
    st.term.out.print(_header(git, "casekit"), soft_wrap=True)  # one line a path, however long
    if result.same:
        st.term.print(Text("no semantic changes (only formatting, comments or spelling)", style="dim"))
        return
    _emit(st, result, fmt=fmt, stat=stat, title=False)


def _header(git: GitDiffArgs, kind: str):
    from casekit.render.diff import git_header

    return git_header(
        f"a/{git.path}",
        f"b/{git.new_path}",
        added=git.old_file == DEV_NULL,
        deleted=git.new_file == DEV_NULL,
        rename_lines=git.rename_lines(),
        kind=kind,
    )


def looks_like_case(data: bytes) -> bool:
    """True when a YAML file's bytes have a top-level `casekit:` key (block or flow style): a
    file without one is some other YAML, which the driver shows as text without complaint."""
    return re.search(_CASE_KEY, data, re.MULTILINE) is not None or re.match(_FLOW_CASE_KEY, data, re.DOTALL) is not None


_CASE_KEY = rb"""^(?:casekit|"casekit"|'casekit')[ \t]*:"""  # re.MULTILINE
_FLOW_CASE_KEY = rb"""(?:\xef\xbb\xbf)?(?:\s|#[^\n]*\n)*\{.*?["']?casekit["']?\s*:"""  # re.DOTALL


def _git_bytes(file: str) -> bytes | None:
    """The bytes of one side of git's diff, None for /dev/null; `CaseNotFound` when unreadable or
    larger than a case may be."""
    if file == DEV_NULL:
        return None
    from casekit.loader import read_bytes

    return read_bytes(file)


def _bytes_or_none(file: str) -> bytes | None:
    from casekit.errors import CasekitError

    try:
        return _git_bytes(file)
    except CasekitError:
        return None


def _git_side(data: bytes | None, file: str, blob: str, path: str):
    """The case in `data`, one side of git's diff of the repository's `path` (None for /dev/null).
    Problems are placed at `path`; the hint validates this very version, the working file or
    (when git wrote it to a temporary file) its blob."""
    if data is None:
        return None
    import os
    from pathlib import PurePath

    from casekit.loader import case_from_bytes

    validate = None
    if re.fullmatch(_HEX, blob) and blob.strip("0.") and not _same_file(file, path):
        validate = f"git show {blob[:12]} | casekit validate -"
    return case_from_bytes(data, os.fspath(path), stem=PurePath(path).stem, validate=validate)


def _same_file(a: str, b: str) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _text_fallback(st, git: GitDiffArgs, old: bytes | None, new: bytes | None, reason: str | None) -> None:
    """A plain unified diff, as `git diff` shows the file: for versions that are not valid cases
    (saying why: `reason`), and quietly (`reason` None) for YAML that is no case at all."""
    from casekit.render.diff import text_diff

    def lines(data: bytes | None) -> list[str]:
        return [] if data is None else data.decode("utf-8", "replace").splitlines()

    a_label = DEV_NULL if git.old_file == DEV_NULL else f"a/{git.path}"
    b_label = DEV_NULL if git.new_file == DEV_NULL else f"b/{git.new_path}"
    st.term.out.print(_header(git, "git" if reason is None else "casekit"), soft_wrap=True)
    # Unwrapped: a diff line split at the terminal's width would lose its +/- prefix.
    st.term.out.print(text_diff(lines(old), lines(new), a_label, b_label, reason), soft_wrap=True)
