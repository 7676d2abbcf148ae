"""`casekit log CASE`: the case's history in git, commit by commit, in the diff's terms."""

from typing import Annotated

import typer

from casekit.cli import complete
from casekit.cli.app import app, state
from casekit.cli.options import ChangeSectionsOpt, Format, FormatOpt


@app.command()
def log(
    ctx: typer.Context,
    case: Annotated[
        str | None,
        typer.Argument(
            metavar="CASE",
            show_default=False,
            autocompletion=complete.cases_or_paths,
            help="A case file or id (default: CASEKIT_CASE, or the only case).",
        ),
    ] = None,
    patch: Annotated[bool, typer.Option("--patch", "-p", help="Show each commit's changes, as diff does.")] = False,
    max_count: Annotated[
        int | None,
        typer.Option("--max-count", "-n", metavar="N", min=1, show_default=False, help="Only the newest N commits."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", show_default=False, help="Commits authored on DATE's first day or later."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", show_default=False, help="Commits authored by DATE's last day."),
    ] = None,
    section: ChangeSectionsOpt = None,
    item: Annotated[
        str | None,
        typer.Option(
            "--item",
            "-i",
            metavar="REF",
            show_default=False,
            help="Only commits that added, changed, renamed or removed this item: ID, or SECTION/ID.",
        ),
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Oldest first.")] = False,
    first_parent: Annotated[
        bool, typer.Option("--first-parent", help="Only the main line: a merge stands for its branch.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """A case's history: each commit that changed its file, newest first, and what it changed.

    Follows the file through renames. Each commit shows its short hash,
    date, author and subject, and per section what changed (timeline +3 −1
    ~2: added, removed, changed, as diff counts them); -p shows the changes
    themselves. A merge is compared with its first parent. --item follows
    one item, through its renames: when did we learn this, and who changed
    it? -f json|yaml gives a record per commit, {commit, date, author,
    subject, path, summary, changes, problem}; csv and md a row per commit.

    Exit 0; 2 outside a git repository, or for a file git does not track.
    """
    from casekit.changes import SECTION_NAMES
    from casekit.cli.app import parse_date_option
    from casekit.history import history
    from casekit.problems import check_choices

    st = state(ctx)
    sections = section or []
    check_choices("section", sections, SECTION_NAMES, "section")
    start = parse_date_option(since, "--since").earliest() if since else None
    end = parse_date_option(until, "--until").latest(st.today) if until else None
    found = history(
        _case_file(st, case),
        since=start,
        until=end,
        sections=sections,
        item=item,
        limit=max_count,
        reverse=reverse,
        first_parent=first_parent,
        use_cache=not st.no_cache,
    )
    if fmt is Format.table:
        if not found.entries:
            st.term.err.print(_nothing(found, since, until, sections, item), style="dim")
            return
        from casekit.render.history import log_view

        markers = not (st.term.color and st.term.out.is_terminal)
        st.term.print(log_view(found, patch=patch, markers=markers))
        return
    from casekit.cli.common import write_records

    if fmt in (Format.csv, Format.md):
        from casekit.render.history import LOG_ROW_SHAPE, log_rows

        write_records(st, log_rows(found), fmt, LOG_ROW_SHAPE)
    else:
        write_records(st, [entry.record() for entry in found.entries], fmt)


def _case_file(st, spec: str | None):
    """The file behind CASE: a path (which may be gone from the work tree, git still has its
    history), an id in the library, or the default case."""
    from pathlib import Path

    from casekit.errors import CaseNotFound
    from casekit.library import is_case_path

    library = st.library
    if spec is None:
        return library.default().path
    try:
        return library.find(spec).path
    except CaseNotFound:
        if is_case_path(spec) and not Path(spec).exists():
            return Path(spec)  # deleted: its history may still be in git
        raise


def _nothing(found, since, until, sections, item) -> str:
    """Why the log is empty."""
    if not found.total:
        return f"no commit has {found.path} yet"
    what = f"{found.path}'s {found.item[0]} item {item}" if found.item else found.path
    if sections:
        what += f" ({', '.join(sections)})"
    when = "".join(f" {word} {value}" for word, value in (("since", since), ("until", until)) if value)
    return f"no commits changed {what}{when}"
