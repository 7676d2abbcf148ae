"""The commented skeleton `casekit new` writes: a valid case to fill in."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

from casekit.errors import UsageError

_TEMPLATE = """\
# {company}: a casekit case. `casekit validate` checks it; `casekit schema` describes every key.
# Editors complete keys from the JSON Schema: `casekit schema > casekit.schema.json`,
# then point the yaml-language-server modeline at that file (see the README).
#
# Dates are written loosely: 2019, 2019-08, Aug 2019, 2024-Q1, late 2022, 2010s,
# ~2015, 2016/2020, 2019/.. (until today). Values as analysts write them:
# $13.8B, ~$1.4B, 300,000+, <$4B, $15–$50/hr, 45%, ~10x, A$600M.
# Every item has an `id` (lowercase slug) and may carry `sources: [source ids]`,
# a `note` and `confidence:` official | reported | estimated | disputed.
casekit: 1
id: {id}
company: {company_yaml}
title: {title_yaml}
as_of: {as_of_yaml}  # the latest date the case covers
summary: {summary_yaml}
tags: []  # slugs, e.g. [marketplace, b2b]
# categories: [legal]  # timeline categories of your own, beyond funding, product, customer, …

sources:  # at least one; every fact should name the source it came from
  - id: source1
    title: Title of the first source  # replace
    kind: article  # article, blog, memo, filing, interview, dataset, book, other
    # date: 2024-05
    # author: …
    # url: https://…

people: []
#  - id: founder
#    name: Jane Roe
#    roles: [{{title: CEO, period: 2015/..}}]
#    sources: [source1]

eras: []
#  - {{id: early, title: Early years, period: 2015/2019, summary: …, sources: [source1]}}

timeline: []
#  - id: founded
#    date: 2015
#    title: Company founded
#    detail: …
#    category: other  # funding, product, customer, government, market, leadership, people, deal, other,
#                     # or one declared in `categories`
#    era: early
#    tags: []
#    people: [founder]
#    sources: [source1]

metrics: []
#  - id: revenue
#    name: Revenue
#    unit: USD  # USD, EUR, percent, count, ratio, USD/hour …
#    description: …
#    sources: [source1]
#    observations:
#      - {{date: 2022, value: $10M}}
#      - {{date: 2023, value: ~$25M, confidence: estimated}}

principles: []
#  - id: first-principle
#    n: 1
#    title: …
#    summary: …
#    benefit: what it buys
#    tradeoff: what it costs (the point of a principle)
#    tactic: …
#    evidence: [founded]  # timeline ids
#    risks: [first-risk]  # risk ids
#    tags: []
#    sources: [source1]

risks: []
#  - id: first-risk
#    title: …
#    severity: medium  # low, medium, medium-high, high, critical
#    likelihood: medium  # low, medium, high
#    horizon: 1-2 years
#    description: …
#    mitigations: [ … ]
#    principles: [first-principle]
#    sources: [source1]

# Optional sections:
# quotes:      [{{id, text, speaker, date, context}}]
# moats:       [{{id, rank, title, time_to_replicate, cost, description}}]
# flywheel:    [{{id, from, to, description}}]  (edges that close a loop)
# segments:    [{{id, name, period, revenue, share, growth, margin, description}}]
# competitors: [{{id, name, segment, position, scale, notes}}]
# drivers:     [{{id, title, description, horizon}}]
# lessons:     [{{id, title, summary}}]
"""


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def new_case_names(word: str | None, company: str | None, ask=None) -> tuple[str, str]:
    """The id and company of a new case from what `casekit new` was given: an id, or a company
    name to make one from. `ask(label, default)` asks for what is missing (at a terminal)."""
    from casekit.checks import is_slug, slugify

    # A word that is no id is the company's name, unless --company gave that (then it is a bad id).
    case_id = word if word is not None and (is_slug(word) or company is not None) else None
    if company is None and word is not None and case_id is None:
        company = word
    if company is None and ask is not None:
        company = ask("company", None)
    if company is None:
        raise UsageError(
            "say who the case is about", hint="casekit new acme --company 'Acme Corp', or casekit new 'Acme Corp'"
        )
    suggestion = slugify(company).replace("-", "_") or None
    if case_id is None and ask is not None:
        case_id = ask("id", suggestion)
    case_id = case_id or suggestion
    if not case_id:
        raise UsageError(f"cannot make an id from `{company}`", hint="give one: casekit new ID --company NAME")
    return case_id, company


def skeleton(
    case_id: str,
    company: str,
    today: date,
    *,
    title: str | None = None,
    summary: str | None = None,
    as_of: str | None = None,
) -> str:
    """The YAML text of a new case `case_id` about `company`, as of `as_of` (else `today`'s month),
    with its `title` and `summary` (else placeholders saying what they hold)."""
    from casekit.checks import is_slug

    if not is_slug(case_id):
        raise UsageError(
            f"`{case_id}` is not a valid case id",
            hint="use lowercase letters, digits, `_` and `-`, starting with a letter or digit",
        )
    company = _one_line(company, "--company")
    if not company:
        raise UsageError("--company is empty")
    title = _one_line(title or "", "--title") or f"{company}: the case in one line"
    summary = _one_line(summary or "", "--summary")
    return _TEMPLATE.format(
        id=case_id,
        company=company,
        company_yaml=_quoted(company),
        title_yaml=_quoted(title),
        as_of_yaml=_quoted(as_of or f"{today.year:04d}-{today.month:02d}"),
        summary_yaml=_folded(summary or "One paragraph: what the company does, the bet it made and where it stands."),
    )


def _folded(text: str) -> str:
    """One line of prose as a YAML folded block (`>-`), wrapped to fit 100 columns: a block scalar
    takes any character as written, and reads back as the one line."""
    import textwrap

    lines = textwrap.wrap(text, width=96, break_long_words=False, break_on_hyphens=False)
    return ">-\n" + "\n".join(f"  {line}" for line in lines)


def _one_line(text: str, option: str) -> str:
    """`text` with its runs of white space made single spaces; a `UsageError` for control characters."""
    if any(unicodedata.category(c) == "Cc" for c in text.replace("\n", "")):
        raise UsageError(f"{option} holds control characters")
    return " ".join(text.split())
