"""Questions at a terminal (prompt_toolkit), with completion of the words a field accepts."""

from __future__ import annotations

from collections.abc import Sequence

from casekit.authoring.facts import Field


def ask_text(label: str, default: str | None = None, words: Sequence[str] = (), multiple: bool = False) -> str:
    """One answer typed at the terminal; Tab completes from `words` (each of a comma list with `multiple`)."""
    from prompt_toolkit import prompt
    from prompt_toolkit.completion import Completer, Completion

    class Words(Completer):
        def get_completions(self, document, complete_event):
            typed = document.text_before_cursor
            current = typed.rsplit(",", 1)[-1].lstrip() if multiple else typed
            for word in words:
                if word.startswith(current):
                    yield Completion(word, start_position=-len(current))

    suffix = f" [{default}]" if default else ""
    answer = prompt(f"{label}{suffix}: ", completer=Words() if words else None, complete_while_typing=bool(words))
    return answer.strip() or (default or "")


# Names that say little on their own.
_LABELS = {"n": "n (the principle's number)"}

# The longest question that lists the words it completes; a longer one says Tab completes them.
_LISTED_WIDTH = 60


def asker(text: str):
    """An `Ask` for `build_item`: asks for each missing field by name, saying what it holds."""

    def ask(field: Field, default: str | None, words: list[str]) -> str:
        label = _LABELS.get(field.name, field.name)
        if field.kind in ("ids", "texts"):
            label += " (comma-separated)"
        listed = f" ({', '.join(words)})"
        if words and len(label + listed) <= _LISTED_WIDTH:
            label += listed
        elif words:
            label += " (Tab completes)"
        if not field.required and field.name != "id":
            label += " [Enter skips]"
        return ask_text(label, default, words, multiple=field.is_list)

    return ask
