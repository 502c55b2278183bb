"""Loads content/ once at start-up: validates every file against flows.schema, resolves fact
placeholders ({fact:KEY}, {cite:KEY}, {url:KEY}) so the rest of the code only fills in runtime
values such as {number}, and cross-checks ids between files.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from flows.checkins import ZONES
from flows.schema import (
    AskWords,
    CertWords,
    Content,
    Credentials,
    DateWords,
    Fact,
    Facts,
    Guide,
    GuideWords,
    LanguageWords,
    Messages,
    Plans,
    PlanWords,
    Quiz,
    QuizWords,
    Schema,
)
from flows.tryout.model import SIDES, Tryout, TryoutWords

QUIZ_PLANS_CERTS = ("quiz.yaml", "plans.yaml", "certs.yaml")
# The folder of the guide's charts, drawn at build time (python -m bot.charts).
CHARTS = "charts"


class ContentError(Exception):
    """A content file is missing, malformed or inconsistent; the message names file and field."""


# ---- loading ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(fact|cite|url):([a-z0-9_]+)\}")
# libyaml's parser (in PyYAML's wheels) reads our content ten times faster than the pure-Python
# one, with the same safe constructors; every process loads all of it at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """YAML text as plain Python data (safe: no tags that construct objects)."""
    return yaml.load(text, Loader=_YAML_LOADER)


def _read_yaml(path: Path) -> Any:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from None


def _validate(model: type[Schema], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ContentError(f"{path}: {field}: {first['msg']}{more}") from None


def format_date(
    as_of: str | None,
    dates: DateWords,
    *,
    projection: bool = False,
    projection_from: str | None = None,
) -> str:
    """A date as users read it ("May 2024", "2025", "projection for 2024–34", "undated")."""
    if as_of is None:
        return dates.undated
    year, _, month = as_of.partition("-")
    if projection and projection_from:
        return dates.projection_period.format(start=projection_from[:4], end=year[2:])
    if projection:
        return dates.projection.format(year=year)
    if not month:
        return year
    return dates.month_year.format(month=dates.months[int(month) - 1], year=year)


def fact_date(fact: Fact, dates: DateWords) -> str:
    """The date users see beside a figure: its own date, or for a figure read on an issuer's
    undated page, the day it was checked ("checked November 2026"). A figure whose issuer's
    words were read only in a copy on another site says so instead of "checked"."""
    if fact.as_of is None and fact.checked:
        on_page = [check.date for check in fact.checked if check.on_the_issuers_page]
        line = dates.checked if on_page else dates.copied
        last = max(on_page or [check.date for check in fact.checked])
        return line.format(date=format_date(last[:7], dates))
    return format_date(
        fact.as_of, dates, projection=fact.projection, projection_from=fact.projection_from
    )


def cite(facts: Facts, key: str, dates: DateWords) -> str:
    """A fact's source and date as users read them, plain text: "AAPC, checked November 2026";
    a guide's claim says so and where to confirm it: "BLS, May 2024, per the Billing
    vs Coding guide; confirm at bls.gov"."""
    fact = facts.facts[key]
    source, date = facts.sources[fact.source].short, fact_date(fact, dates)
    if fact.claim_of and fact.claim_of != fact.source:
        text = dates.quoted.format(
            source=source, date=date, guide=facts.sources[fact.claim_of].short
        )
    else:
        text = dates.cite.format(source=source, date=date)
    if fact.confirm_at:
        host = _host(facts.sources[fact.confirm_at].url)
        text = dates.confirm.format(cite=text, host=host)
    return text


def _host(url: str | None) -> str:
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


_DOLLARS = re.compile(r"^\$(\d{1,3}(?:,\d{3})*)$")


def dollar_amount(text: str) -> int | None:
    """The number in a plain dollar figure such as "$50,250"; None for anything else."""
    match = _DOLLARS.match(text)
    return int(match.group(1).replace(",", "")) if match else None


class _FactResolver:
    """Replaces {fact:KEY}, {cite:KEY} and {url:KEY} in every string of a language file."""

    def __init__(self, facts: Facts, dates: DateWords, language: str) -> None:
        self._facts = facts
        self._dates = dates
        self._language = language

    def _value(self, kind: str, key: str) -> str:
        if kind == "url":
            return self._facts.links[key]
        if kind == "fact":
            return html.escape(self._facts.facts[key].worded(self._language), quote=False)
        return html.escape(cite(self._facts, key, self._dates), quote=False)

    def resolve(self, data: Any, path: Path, where: str = "") -> Any:
        if isinstance(data, dict):
            return {k: self.resolve(v, path, f"{where}.{k}".lstrip(".")) for k, v in data.items()}
        if isinstance(data, list):
            return [self.resolve(v, path, f"{where}.{i}") for i, v in enumerate(data)]
        if not isinstance(data, str):
            return data

        def substitute(match: re.Match[str]) -> str:
            kind, key = match.groups()
            try:
                return self._value(kind, key)
            except KeyError:
                table = "links" if kind == "url" else "facts"
                raise ContentError(
                    f"{path}: {where}: unknown {kind} {key!r} (not in content/facts.yaml {table})"
                ) from None

        return _PLACEHOLDER.sub(substitute, data)


def _check_facts(facts: Facts, path: Path, languages: list[str]) -> None:
    known = facts.sources
    for key, fact in facts.facts.items():
        where = f"{path}: facts.{key}"
        if isinstance(fact.text, dict):
            _same_keys(languages, fact.text, path, f"facts.{key}.text")
        for field in ("source", "claim_of", "confirm_at"):
            value = getattr(fact, field)
            if value is not None and value not in known:
                raise ContentError(f"{where}.{field}: unknown source {value!r}")
        if fact.confirm_at and not known[fact.confirm_at].url:
            raise ContentError(f"{where}.confirm_at: {fact.confirm_at!r} has no url to confirm at")
        if fact.superseded_by and fact.superseded_by not in facts.facts:
            raise ContentError(f"{where}.superseded_by: unknown fact")
    for key, source in known.items():
        for field in ("cites", "confirm_at"):
            for cited in getattr(source, field):
                if cited not in known:
                    raise ContentError(f"{path}: sources.{key}.{field}: unknown source {cited!r}")
                if field == "confirm_at" and not known[cited].url:
                    raise ContentError(f"{path}: sources.{key}.confirm_at: {cited!r} has no url")


def _same_keys(expected: Any, actual: Any, path: Path, where: str) -> None:
    expected, actual = list(expected), list(actual)
    missing = [k for k in expected if k not in actual]
    extra = [k for k in actual if k not in expected]
    if missing or extra:
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(map(str, missing))}" if missing else "",
                f"not expected {', '.join(map(str, extra))}" if extra else "",
            )
            if part
        )
        raise ContentError(f"{path}: {where}: {detail}")


def _check_language(content: Content, words: LanguageWords, folder: Path) -> None:
    quiz_file, plans_file, certs_file = (folder / name for name in QUIZ_PLANS_CERTS)
    _same_keys([q.id for q in content.quiz.questions], words.quiz.questions, quiz_file, "questions")
    for question in content.quiz.questions:
        _same_keys(
            [o.id for o in question.options],
            words.quiz.questions[question.id].options,
            quiz_file,
            f"questions.{question.id}.options",
        )
    tension_ids = [t.id for t in content.quiz.result.tensions]
    _same_keys(tension_ids, words.quiz.tensions, quiz_file, "tensions")
    _same_keys([p.id for p in content.plans.personas], words.plans.personas, plans_file, "personas")
    _same_keys(content.plans.phases, words.plans.phases, plans_file, "phases")
    _same_keys(content.plans.tracks, words.plans.tracks, plans_file, "tracks")
    owners = {"tracks": words.plans.tracks, "personas": words.plans.personas}
    for name, steps_by_owner in owners.items():
        for owner, owner_words in steps_by_owner.items():
            _same_keys(content.plans.phases, owner_words.steps, plans_file, f"{name}.{owner}.steps")
            for phase, steps in owner_words.steps.items():
                if not steps:
                    raise ContentError(f"{plans_file}: {name}.{owner}.steps.{phase}: no steps")
    ids = [c.id for c in content.credentials.credentials]
    _same_keys(ids, words.certs.credentials, certs_file, "credentials")
    used_links = {link for t in content.plans.tracks.values() for link in t.links}
    used_links |= {link for t in content.plans.tracks.values() for link in t.checkin_links.values()}
    used_links |= {link for p in content.plans.personas for link in p.links}
    missing = sorted(used_links - set(words.messages.links))
    if missing:
        raise ContentError(f"{folder / 'messages.yaml'}: links: no label for {', '.join(missing)}")
    _check_guide_words(content, words, folder)
    _check_tryout_words(content, words, folder)


def _check_guide_words(content: Content, words: LanguageWords, folder: Path) -> None:
    guide_file, guide = folder / "guide.yaml", words.guide
    _same_keys([t.id for t in content.guide.topics], guide.topics, guide_file, "topics")
    for topic in content.guide.topics:
        pages = guide.topics[topic.id].pages
        _same_keys(topic.pages, pages, guide_file, f"topics.{topic.id}.pages")
        for page, text in pages.items():
            if not text.strip():
                raise ContentError(f"{guide_file}: topics.{topic.id}.pages.{page}: empty page")
        chart = guide.topics[topic.id].chart
        if topic.chart and chart is None:
            raise ContentError(f"{guide_file}: topics.{topic.id}.chart: missing")
        if chart is not None:
            where = f"topics.{topic.id}.chart.labels"
            _same_keys(topic.chart, chart.labels, guide_file, where)
        if topic.command not in words.messages.commands:
            where = f"{folder / 'messages.yaml'}: commands"
            raise ContentError(f"{where}: no description for /{topic.command}")
    _same_keys(content.facts.sources, guide.sources.about, guide_file, "sources.about")
    _same_keys(ZONES, words.messages.timezone.zones, folder / "messages.yaml", "timezone.zones")


def _check_references(content: Content, root: Path) -> None:
    links, sources = content.facts.links, content.facts.sources
    ids = {c.id for c in content.credentials.credentials}
    for credential in content.credentials.credentials:
        if credential.link not in links:
            raise ContentError(f"{root / 'certs.yaml'}: {credential.id}.link: unknown link")
        if credential.issuer not in sources:
            raise ContentError(f"{root / 'certs.yaml'}: {credential.id}.issuer: unknown source")
    for track, makeup in content.plans.tracks.items():
        for credential_id in makeup.credentials:
            if credential_id not in ids:
                where = f"{root / 'plans.yaml'}: tracks.{track}.credentials"
                raise ContentError(f"{where}: unknown {credential_id}")
        for link in makeup.links:
            if link not in links:
                raise ContentError(f"{root / 'plans.yaml'}: tracks.{track}.links: unknown {link}")
        _same_keys(
            content.plans.phases,
            makeup.checkin_links,
            root / "plans.yaml",
            f"tracks.{track}.checkin_links",
        )
        for link in makeup.checkin_links.values():
            if link not in links:
                where = f"{root / 'plans.yaml'}: tracks.{track}.checkin_links"
                raise ContentError(f"{where}: unknown {link}")
    for persona in content.plans.personas:
        for link in persona.links:
            if link not in links:
                raise ContentError(f"{root / 'plans.yaml'}: {persona.id}.links: unknown {link}")
    question_ids = [q.id for q in content.quiz.questions]
    if len(set(question_ids)) != len(question_ids):
        raise ContentError(f"{root / 'quiz.yaml'}: questions: ids must be unique")
    _check_result_rules(content, root / "quiz.yaml")
    _check_guide(content.guide, content.facts, root / "guide.yaml")
    _check_tryout(content, root / "tryout.yaml")


def _check_tryout(content: Content, path: Path) -> None:
    tryout = content.tryout
    for field, values in (
        ("tasks", [t.id for t in tryout.tasks]),
        ("feelings", [f.id for f in tryout.feelings]),
    ):
        if len(set(values)) != len(values):
            raise ContentError(f"{path}: {field}: ids must be unique")
    if tryout.learn not in {t.id for t in content.guide.topics}:
        raise ContentError(f"{path}: learn: unknown guide topic {tryout.learn!r}")
    for task in tryout.tasks:
        where = f"{path}: tasks.{task.id}"
        if sum(option.right for option in task.options) != 1:
            raise ContentError(f"{where}: exactly one option must be right")
        if len({o.id for o in task.options}) != len(task.options):
            raise ContentError(f"{where}: option ids must be unique")
        for option in task.options:
            if option.code is not None and option.code not in content.facts.facts:
                raise ContentError(f"{where}.{option.id}.code: unknown fact {option.code!r}")
            if (option.amount is None) != (task.bill is None):
                raise ContentError(f"{where}.{option.id}: amount and bill go together")
        if task.bill is not None:
            try:
                amounts = [task.bill.amount(o.amount) for o in task.options if o.amount]
            except ValueError as error:
                raise ContentError(f"{where}.bill: {error}") from None
            if len(set(amounts)) != len(amounts):
                raise ContentError(f"{where}: two options show the same amount")


def _check_tryout_words(content: Content, words: LanguageWords, folder: Path) -> None:
    path, tryout = folder / "tryout.yaml", words.tryout
    for field in ("sides", "feeling_prompt", "reasons"):
        _same_keys(SIDES, getattr(tryout, field), path, field)
    _same_keys([t.id for t in content.tryout.tasks], tryout.tasks, path, "tasks")
    for task in content.tryout.tasks:
        where = f"tasks.{task.id}.options"
        _same_keys([o.id for o in task.options], tryout.tasks[task.id].options, path, where)
    feelings = [f.id for f in content.tryout.feelings]
    _same_keys(feelings, tryout.feelings, path, "feelings")
    pulling = [f.id for f in content.tryout.feelings if f.toward or f.away]
    for side, reasons in tryout.reasons.items():
        _same_keys(pulling, reasons, path, f"reasons.{side}")


def _check_result_rules(content: Content, path: Path) -> None:
    """Every answer the result rules name ("question.option") is one the quiz asks."""
    rules = content.quiz.result
    known = {f"{q.id}.{o.id}" for q in content.quiz.questions for o in q.options}
    named = [(f"result.tensions.{t.id}", t.answer) for t in rules.tensions]
    named += [("result.remote_figure_unless", ref) for ref in rules.remote_figure_unless]
    named += [
        (f"result.turns_away.{track}", ref)
        for track, refs in rules.turns_away.items()
        for ref in refs
    ]
    for where, ref in named:
        if ref not in known:
            raise ContentError(f"{path}: {where}: unknown answer {ref!r}")


def _check_guide(guide: Guide, facts: Facts, path: Path) -> None:
    for field, values in (
        ("id", [t.id for t in guide.topics]),
        ("command", [t.command for t in guide.topics]),
    ):
        if len(set(values)) != len(values):
            raise ContentError(f"{path}: topics: each {field} must be unique")
    for topic in guide.topics:
        if len(set(topic.pages)) != len(topic.pages):
            raise ContentError(f"{path}: topics.{topic.id}.pages: page ids must be unique")
        for key in topic.chart:
            fact = facts.facts.get(key)
            if fact is None:
                raise ContentError(f"{path}: topics.{topic.id}.chart: unknown fact {key!r}")
            if not isinstance(fact.text, str) or dollar_amount(fact.text) is None:
                raise ContentError(
                    f"{path}: topics.{topic.id}.chart: {key} is not a plain dollar figure"
                )


def _load_language(folder: Path, facts: Facts) -> LanguageWords:
    raw_messages = _read_yaml(folder / "messages.yaml")
    if not isinstance(raw_messages, dict) or "dates" not in raw_messages:
        raise ContentError(f"{folder / 'messages.yaml'}: dates: missing")
    dates = _validate(DateWords, raw_messages["dates"], folder / "messages.yaml")
    resolver = _FactResolver(facts, dates, folder.name)
    parts: dict[str, Any] = {}
    for part, model in (
        ("messages", Messages),
        ("quiz", QuizWords),
        ("plans", PlanWords),
        ("certs", CertWords),
        ("guide", GuideWords),
        ("tryout", TryoutWords),
        ("asks", AskWords),
    ):
        path = folder / f"{part}.yaml"
        raw = raw_messages if part == "messages" else _read_yaml(path)
        parts[part] = _validate(model, resolver.resolve(raw, path), path)
    return LanguageWords(**parts)


def load_content(
    root: Path | None = None, default_language: str = "en", check_charts: bool = True
) -> Content:
    """Load every content file under root (default: the shipped content/ folder).

    Raises ContentError naming the file and the field at the first problem found.
    """
    if root is None:
        from content import CONTENT_DIR

        root = CONTENT_DIR
    facts = _validate(Facts, _read_yaml(root / "facts.yaml"), root / "facts.yaml")
    folders = sorted(p.parent for p in root.glob("*/messages.yaml"))
    if not any(folder.name == default_language for folder in folders):
        raise ContentError(f"{root / default_language}: the default language folder is missing")
    _check_facts(facts, root / "facts.yaml", [folder.name for folder in folders])
    content = Content(
        facts=facts,
        quiz=_validate(Quiz, _read_yaml(root / "quiz.yaml"), root / "quiz.yaml"),
        plans=_validate(Plans, _read_yaml(root / "plans.yaml"), root / "plans.yaml"),
        credentials=_validate(Credentials, _read_yaml(root / "certs.yaml"), root / "certs.yaml"),
        guide=_validate(Guide, _read_yaml(root / "guide.yaml"), root / "guide.yaml"),
        tryout=_validate(Tryout, _read_yaml(root / "tryout.yaml"), root / "tryout.yaml"),
        languages={folder.name: _load_language(folder, facts) for folder in folders},
        default_language=default_language,
        charts={path.name: path.read_bytes() for path in sorted((root / CHARTS).glob("*.png"))},
    )
    _check_references(content, root)
    for folder in folders:
        _check_language(content, content.languages[folder.name], folder)
    if check_charts:
        _check_charts(content, root)
    _check_asks(content, root)
    return content


def chart_file(topic_id: str, language: str) -> str:
    """The file name of a topic's chart in one language, under content/charts/."""
    return f"{topic_id}-{language}.png"


def _check_charts(content: Content, root: Path) -> None:
    for topic in content.guide.topics:
        for language in content.languages if topic.chart else ():
            name = chart_file(topic.id, language)
            if name not in content.charts:
                raise ContentError(
                    f"{root / CHARTS / name}: missing; draw the charts with python -m bot.charts"
                )


def _check_asks(content: Content, root: Path) -> None:
    """Every ask names a real section, and every language asks for the same sections."""
    from flows.ask.sections import section_ids

    known = section_ids(content)
    default = content.words(content.default_language).asks.asks
    for language, words in content.languages.items():
        path = root / language / "asks.yaml"
        unknown = [key for key in words.asks.asks if key not in known]
        if unknown:
            raise ContentError(f"{path}: asks: no such section: {', '.join(unknown)}")
        _same_keys(default, words.asks.asks, path, "asks")
