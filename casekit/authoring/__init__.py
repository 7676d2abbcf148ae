"""Writing cases: add, remove and rename items, format a file, import rows.

Every operation is a pure function from a case file's text to new text. The
text is parsed with positions (PyYAML's composer, the loader's parser) and
changed by splicing exactly the lines or the scalars an operation means to
change, so that every byte it does not touch stays as written: comments,
blank lines, key order, quoting, flow style, even the spelling of a date
that a round-trip YAML library would re-emit (`2023-02-01t09:15:00.5Z`).
`casekit.authoring.files` reads, validates and writes the files.
"""
