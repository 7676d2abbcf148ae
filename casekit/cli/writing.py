"""Commands that change a case file: add, set, edit, rename, rm, fmt, import.

Each reads the file, computes the new text with `casekit.authoring`, checks
it as `validate` would, prints the semantic diff of what changed and writes
it atomically; on any failure the file stays as it was.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from casekit.cli import complete
from casekit.cli.app import State, app, state
from casekit.cli.options import OneCaseOpt

if TYPE_CHECKING:
    from casekit.authoring.files import Snapshot

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Do not print what changed.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Print what would change; write nothing.")]


def interactive() -> bool:
    """True when both standard input and output are terminals, so that prompts can be answered."""
    return bool(sys.stdin and sys.stdout and sys.stdin.isatty() and sys.stdout.isatty())


def open_for_writing(st: State, case: list[str] | None) -> Snapshot:
    """The case file a write command changes (the one `-c` names, else the default case)."""
    from casekit.authoring.files import read
    from casekit.errors import UsageError

    if case and len(set(case)) > 1:
        raise UsageError("a write changes one case; -c names several")
    ref = st.library.find(case[0]) if case else st.library.default()
    return read(ref.path)


def finish(st: State, snapshot: Snapshot, text: str, what: str, *, quiet: bool, dry_run: bool) -> None:
    """Check `text`, show what changed, and (unless `dry_run`) write it over the file."""
    from casekit.authoring.files import Refused, require_valid, save

    if text == snapshot.text:
        st.term.err.print(f"{snapshot.display}: nothing to change", style="dim", markup=False, highlight=False)
        return
    try:
        warnings = require_valid(snapshot, text, what)
    except Refused as exc:
        show_problems(st, exc.problems)
        raise
    if not quiet:
        show_changes(st, snapshot, text)
    if dry_run:
        st.term.err.print("dry run: nothing written", style="dim")
        return
    save(snapshot, text)
    if warnings and not quiet:
        st.term.err.print(
            f"{len(warnings)} warning{'s' * (len(warnings) != 1)}: casekit validate {snapshot.display}", style="yellow"
        )


def show_problems(st: State, problems) -> None:
    """The problems as `validate` shows them, on stderr."""
    from casekit.render.problems import render_problems

    st.term.err.print(render_problems(problems), soft_wrap=True)


def show_changes(st: State, snapshot: Snapshot, text: str) -> None:
    """The semantic diff from the file as read to `text`."""
    from casekit.authoring.files import cases_of
    from casekit.changes import diff
    from casekit.render.diff import diff_view

    before, after = cases_of(snapshot, text)
    result = diff(before, after)
    if result.same:
        st.term.err.print("no change to the facts (layout only)", style="dim")
        return
    result.a, result.b = f"{snapshot.display} (before)", f"{snapshot.display} (after)"
    st.term.print(diff_view(result, markers=not (st.term.color and st.term.out.is_terminal), title=False))


@app.command()
def add(
    ctx: typer.Context,
    section: Annotated[
        str,
        typer.Argument(
            metavar="SECTION",
            show_default=False,
            autocompletion=complete.search_sections,
            help="The list to add to (timeline, principles, …), or SECTION/ID for an entry of an item "
            "(metrics/revenue for an observation, people/wang for a role).",
        ),
    ],
    values: Annotated[
        list[str] | None,
        typer.Argument(metavar="KEY=VALUE…", show_default=False, help="The item's fields."),
    ] = None,
    case: OneCaseOpt = None,
    quiet: QuietOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Add an item: fields as key=value arguments, lists as a,b or repeated keys.

    casekit add timeline date=2024-03 title="Series F" category=funding sources=memo,press
    casekit add metrics/revenue date=2024 value='~$1.4B' sources=report

    A value can also be JSON with key:=JSON (roles:='[{"title": "CEO"}]').
    At a terminal, missing required fields are asked for, with completion of
    ids, categories and choices; elsewhere they are an error. The id is
    suggested from the title or name. The item goes where a reader expects
    it: the timeline by date, principles by number, observations by date,
    otherwise at the end. A value that would make the case invalid is
    refused with validate's message, and nothing is written.
    """
    from casekit.authoring.adding import build_item, new_text

    st = state(ctx)
    snapshot = open_for_writing(st, case)
    ask = None
    if interactive():
        from casekit.cli.prompts import asker

        ask = asker(snapshot.text)
    parent, item = build_item(snapshot.text, section, values or [], ask=ask, path=snapshot.display)
    text = new_text(snapshot.text, section, parent, item, path=snapshot.display)
    finish(st, snapshot, text, f"adding to {section}", quiet=quiet, dry_run=dry_run)


@app.command("set")
def set_(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[REF]",
            show_default=False,
            autocompletion=complete.set_targets,
            help="SECTION/ID, or an ID; none (the first argument is KEY=VALUE) for the case's own "
            "title, summary, as_of, company, tags, categories.",
        ),
    ] = None,
    values: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEY=VALUE…",
            show_default=False,
            autocompletion=complete.item_keys,
            help="The fields to change or add, as add reads them.",
        ),
    ] = None,
    unset: Annotated[
        list[str] | None,
        typer.Option("--unset", "-u", metavar="KEY", show_default=False, help="Remove KEY (repeatable)."),
    ] = None,
    case: OneCaseOpt = None,
    quiet: QuietOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Change, add or remove fields of an item, or of the case itself.

    casekit set timeline/founding date=2016-06 sources=case_study,memo
    casekit set sources/memo date=2024-03 --unset note
    casekit set title="Scale AI: the data engine"

    Fields are written as add reads them: lists as a,b or repeated keys (a
    list given replaces the old one), key:=JSON for entries. KEY= with no
    value is refused: --unset KEY removes a key (as git config --unset).
    An id is changed with rename, which changes the references too. Only
    the keys named change: comments and every other byte stay as written, a
    new key goes where fmt puts it. A value that would make the case
    invalid is refused with validate's message, and nothing is written.
    """
    from casekit.authoring.edits import Layout, find_ref
    from casekit.authoring.setting import parse_changes, set_fields
    from casekit.errors import UsageError

    st = state(ctx)
    args = list(values or [])
    if ref is not None and "=" in ref:  # no REF: the case's own fields
        args, ref = [ref, *args], None
    if not args and not unset:
        raise UsageError("nothing to set", hint="casekit set REF KEY=VALUE…, or --unset KEY")
    snapshot = open_for_writing(st, case)
    target = find_ref(Layout(snapshot.text, snapshot.display), ref) if ref is not None else None
    changes, removed = parse_changes(target, args, unset or [])
    text = set_fields(snapshot.text, target, changes, removed, snapshot.display)
    what = f"setting {', '.join([*changes, *removed])} of {target or 'the case'}"
    finish(st, snapshot, text, what, quiet=quiet, dry_run=dry_run)


@app.command()
def rm(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF", show_default=False, autocompletion=complete.item_refs, help="SECTION/ID, or an ID."
        ),
    ],
    case: OneCaseOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Remove the references to it too.")] = False,
    quiet: QuietOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Remove an item, with the comments above and inside it.

    If anything refers to the item, nothing is removed and the referrers are
    listed (exit 2), unless --force, which removes those references too (an
    id from a list, an era from an event; a quote's speaker stays, as a name).
    """
    from casekit.authoring.edits import Layout, drop_mentions, find_ref, referrers, remove_item
    from casekit.errors import UsageError

    st = state(ctx)
    snapshot = open_for_writing(st, case)
    target = find_ref(Layout(snapshot.text, snapshot.display), ref)
    found = [m for m in referrers(snapshot.text, target, snapshot.display) if m.field not in ("from", "to")]
    text = snapshot.text
    if found and not force:
        for m in found:
            st.term.err.print(f"  {m.section}/{m.item} {m.field}", markup=False, highlight=False)
        raise UsageError(
            f"{target} is referred to {len(found)} time{'s' * (len(found) != 1)} (listed above); nothing removed",
            hint=f"--force removes those references too, or `casekit rename {target} NEW_ID` first",
        )
    if found:
        text = drop_mentions(text, found, snapshot.display)
    text = remove_item(text, target, snapshot.display)
    finish(st, snapshot, text, f"removing {target}", quiet=quiet, dry_run=dry_run)


@app.command()
def rename(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF", show_default=False, autocompletion=complete.item_refs, help="SECTION/ID, or an ID."
        ),
    ],
    new_id: Annotated[str, typer.Argument(metavar="NEW_ID", show_default=False, help="The new id (a slug).")],
    case: OneCaseOpt = None,
    quiet: QuietOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Rename an item and every reference to it.

    References are the ids in evidence, risks, principles, era, people and
    sources lists, a quote's speaker and flywheel nodes written as the id.
    Quoting is kept as written.
    """
    from casekit.authoring.edits import Layout, find_ref, rename_item

    st = state(ctx)
    snapshot = open_for_writing(st, case)
    target = find_ref(Layout(snapshot.text, snapshot.display), ref)
    text = rename_item(snapshot.text, target, new_id, snapshot.display)
    finish(st, snapshot, text, f"renaming {target}", quiet=quiet, dry_run=dry_run)


@app.command()
def fmt(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH|ID…",
            show_default=False,
            autocompletion=complete.cases_or_paths,
            help="Case files, directories or ids (default: the whole library).",
        ),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print the text diff (exit 1 if a file would change).")
    ] = False,
) -> None:
    """Put case files in canonical layout, keeping every comment.

    Top-level keys in SPEC order; each item's keys in SPEC order; the
    timeline by date and principles by number; list items two columns in;
    double quotes where quotes are needed; a metric observation or a role
    on one line ({date: …, value: …}) where it fits in 120 columns, a flow
    mapping that does not fit as a block. Prose is left as written.
    Formatting twice changes nothing more. A file with a YAML syntax error is
    never rewritten. --check exits 1 when a file would change (for CI and
    pre-commit), --diff prints what would change.
    """
    from casekit.authoring.files import read, save
    from casekit.authoring.fmt import check_same_facts, format_text
    from casekit.errors import CasekitError, ExitCode

    st = state(ctx)
    refs = st.library.case_files(paths or None)
    if not paths:  # the bundled example is casekit's, not the user's to reformat
        refs = [r for r in refs if not r.bundled]
        if not refs:
            from casekit.errors import UsageError

            raise UsageError("no case files of yours to format", hint="name them: casekit fmt cases/")
    changed = trouble = 0
    for ref in refs:
        try:
            snapshot = read(ref.path)
            text = format_text(snapshot.text, snapshot.display)
            if text != snapshot.text:
                check_same_facts(snapshot.text, text, snapshot.display)
        except CasekitError as exc:
            st.term.error(exc.message, exc.hint)
            trouble += 1
            continue
        if text == snapshot.text:
            continue
        changed += 1
        if diff:
            _text_diff(st, snapshot.display, snapshot.text, text)
        if check or diff:
            st.term.err.print(f"would reformat {snapshot.display}", markup=False, highlight=False)
            continue
        save(snapshot, text)
        st.term.err.print(f"reformatted {snapshot.display}", markup=False, highlight=False)
    verb = "would be reformatted" if check or diff else "reformatted"
    st.term.err.print(f"{len(refs)} file{'s' * (len(refs) != 1)} checked, {changed} {verb}", style="dim", markup=False)
    if trouble:
        raise typer.Exit(int(ExitCode.TROUBLE))
    if changed and (check or diff):
        raise typer.Exit(int(ExitCode.NEGATIVE))


def _text_diff(st: State, label: str, old: str, new: str) -> None:
    """A unified diff of `old` and `new`, coloured at a terminal."""
    import difflib

    from rich.text import Text

    from casekit.render.text import clean

    out = Text()
    for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{label}", f"b/{label}", n=2):
        style = (
            "green"
            if line.startswith("+")
            else "red"
            if line.startswith("-")
            else "cyan"
            if line.startswith("@@")
            else ""
        )
        out.append(clean(line.rstrip("\n")) + "\n", style=style)
    st.term.out.print(out, end="", soft_wrap=True)


@app.command("import")
def import_(
    ctx: typer.Context,
    section: Annotated[
        str,
        typer.Argument(
            metavar="SECTION",
            show_default=False,
            help="The list to add to: timeline, or metrics/ID for observations (any section works).",
        ),
    ],
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", show_default=False, help="A .csv, .json, .yaml file; - for CSV on standard input."
        ),
    ],
    case: OneCaseOpt = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            "-m",
            metavar="COLUMN=FIELD",
            show_default=False,
            help="Read COLUMN as FIELD (repeatable); COLUMN= leaves the column out.",
        ),
    ] = None,
    quiet: QuietOpt = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Add items from a spreadsheet's CSV (a header row names the fields) or JSON/YAML records.

    JSON and YAML are lists of records as `casekit SECTION -f json` writes
    them, so items pass from case to case; derived keys (start, end, a
    value's low and high) are left out. In CSV, lists are written a,b or
    a; b. Each row is checked as `casekit add` checks its arguments and
    placed as add places it; if any row is wrong, nothing is written.
    """
    from casekit.authoring.importing import import_records, parse_map, read_records

    st = state(ctx)
    data = _import_bytes(file)
    records = read_records(file if file != "-" else "-.csv", data)
    snapshot = open_for_writing(st, case)
    text, count = import_records(
        snapshot.text, section, records, parse_map(map_ or []), snapshot.display, source=file if file != "-" else "-"
    )
    finish(st, snapshot, text, f"importing {count} row{'s' * (count != 1)}", quiet=quiet, dry_run=dry_run)


def _import_bytes(file: str) -> bytes:
    from casekit.errors import CaseNotFound

    if file == "-":
        if sys.stdin is None:
            raise CaseNotFound("-: no standard input to read rows from")
        return sys.stdin.buffer.read()
    try:
        with open(file, "rb") as handle:
            return handle.read(64 * 1024 * 1024)
    except OSError as exc:
        raise CaseNotFound(f"{file}: cannot read ({exc.strerror or exc})") from None


@app.command()
def edit(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[REF]", show_default=False, autocompletion=complete.item_refs, help="An item: SECTION/ID or ID."
        ),
    ] = None,
    case: OneCaseOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Open the case in $VISUAL (or $EDITOR, else vi), at the item's line when REF names one.

    The edited copy is checked when the editor exits. At a terminal, its
    problems are shown and the editor opens again on them (as crontab -e
    and visudo do) until the case is valid or you quit without saving;
    elsewhere an invalid case fails with its problems. The file is written
    only when the edit is valid, and only if nobody changed it meanwhile.
    """
    from casekit.authoring.editing import edit_loop
    from casekit.authoring.edits import Layout, find_ref

    st = state(ctx)
    snapshot = open_for_writing(st, case)
    line = 1
    if ref:
        lay = Layout(snapshot.text, snapshot.display)
        target = find_ref(lay, ref)
        line = next(b.anchor for b in lay.items(target.section) if _id_of(b) == target.id) + 1
    from casekit.authoring.files import Refused

    try:
        text = edit_loop(snapshot, line, retry=_retry(st) if interactive() else None)
    except Refused as exc:
        show_problems(st, exc.problems)
        raise
    if text is None:
        st.term.err.print("no changes", style="dim")
        return
    finish(st, snapshot, text, "the edit", quiet=quiet, dry_run=False)


def _id_of(block) -> str | None:
    from casekit.authoring.layout import mapping_get, scalar_value

    return scalar_value(mapping_get(block.node, "id"))


def _retry(st: State):
    """At a terminal: show the problems and ask whether to edit again."""

    def retry(problems) -> bool:
        from casekit.cli.prompts import ask_text

        show_problems(st, problems)
        while True:
            answer = ask_text("(e)dit again, or (q)uit without saving?", "e").lower()
            if answer in ("e", "edit"):
                return True
            if answer in ("q", "quit"):
                return False

    return retry
