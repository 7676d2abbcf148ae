"""One error base for the library, and the exit codes the CLI turns errors into."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casekit.problems import Problem


class ExitCode(IntEnum):
    """Exit statuses shared by every command (diff(1)-style)."""

    OK = 0
    NEGATIVE = 1  # a negative answer: differences found, problems found
    TROUBLE = 2  # bad usage, missing or unreadable input, an invalid case


class CasekitError(Exception):
    """Base of every error casekit raises on purpose; the CLI shows its message."""

    exit_code: ExitCode = ExitCode.TROUBLE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CasekitError):
    """The user asked for something that cannot be done as asked."""


class FieldError(UsageError):
    """A usage error about fields of a query (`category`, `since`, …), said in the library's own terms.

    `template` is the message with a `{field}` placeholder for each of `fields`: the message
    names each field as the library does (`category: …`); `named` says the same with other names
    for them (the command line's `--category: …`).
    """

    def __init__(self, template: str, fields: tuple[str, ...], *, hint: str | None = None) -> None:
        self.template = template
        self.fields = fields
        super().__init__(template.format_map({f: f for f in fields}), hint=hint)

    def named(self, names: dict[str, str]) -> FieldError:
        """The same error with each field called by its name in `names` (the others as they are)."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.message = self.template.format_map({f: names.get(f, f) for f in self.fields})
        copy.args = (copy.message,)
        return copy


class UnknownChoice(FieldError):
    """`value` is none of the `known` values of `field` (a category, tag, section, metric… no case has)."""

    def __init__(self, field: str, value: str, known, *, hint: str | None = None, message: str | None = None) -> None:
        # `message`: what is wrong, after the field's name (default: nothing is called VALUE here).
        self.field = field
        self.value = value
        self.known = tuple(known)
        said = message if message is not None else f"nothing is called `{value}` here"
        super().__init__(f"{{{field}}}: {braced(said)}", (field,), hint=hint)


def braced(text: str) -> str:
    """`text` safe inside a format template."""
    return text.replace("{", "{{").replace("}", "}}")


class CaseNotFound(CasekitError):
    """A case id or path that names no case."""


class InvalidCase(CasekitError):
    """A case file that failed to load; carries every problem found."""

    def __init__(self, path: str, problems: list[Problem], *, validate: str | None = None) -> None:
        # `validate`: the command that shows every problem, when `casekit validate PATH` would not
        # read this version (a file at a git revision).
        validate = validate or f"casekit validate {path}"
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            first = errors[0]
            message = f"{first.location}: {first.message}"
            more = len(errors) - 1
            hint = (f"{more} more problem{'s' * (more != 1)}: " if more else "") + validate
            if first.hint and not more:
                hint = f"{first.hint}; {validate} shows it in context"
        else:
            message, hint = f"{path}: not a valid case", None
        super().__init__(message, hint=hint)
        self.path = path
        self.problems = problems
