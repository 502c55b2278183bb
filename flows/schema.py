"""The schema of content/: every YAML file as pydantic models.

Language-neutral structure (quiz weights, plan makeup, credentials, the guide's topics,
facts) sits at the top of content/; each language has a folder (content/en/, ...) with the
words under the same ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from flows.tryout.model import Tryout, TryoutWords

Track = Literal["coding", "billing", "both"]
TRACKS: tuple[Track, ...] = ("coding", "billing", "both")
Phase = Literal["day30", "day60", "day90"]
Level = Literal["entry", "advanced", "specialty"]

# Links may only point at the official bodies the guides name.
ALLOWED_LINK_DOMAINS = (
    "aapc.com",
    "ahima.org",
    "nhanow.com",
    "bls.gov",
    "cms.gov",
    "va.gov",
    "hhs.gov",
)
# The bodies that issue the credentials and the figures: a fact is "checked" only against a
# page on one of these.
# HealthCare.gov is run by CMS: its glossary is CMS's own wording.
ISSUER_DOMAINS = ("aapc.com", "ahima.org", "nhanow.com", "bls.gov", "cms.gov", "healthcare.gov")
# A full-width inline button shows about this many characters on a phone.
BUTTON_LABEL_MAX = 40


def _on_https(url: str, domains: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether the url uses https, and whether its host is one of domains or below one."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme == "https", any(host == d or host.endswith("." + d) for d in domains)


def _allowed_https(url: str) -> str:
    https, allowed = _on_https(url, ALLOWED_LINK_DOMAINS)
    if not https:
        raise ValueError(f"link must use https: {url}")
    if not allowed:
        host = urlsplit(url).hostname or ""
        raise ValueError(f"link host {host!r} is not one of {', '.join(ALLOWED_LINK_DOMAINS)}")
    return url


def _issuer_page(url: str) -> str:
    https, allowed = _on_https(url, ISSUER_DOMAINS)
    if not https:
        raise ValueError(f"an issuer's page is linked with https: {url}")
    if not allowed:
        raise ValueError(f"a fact is checked on an issuer's page ({', '.join(ISSUER_DOMAINS)})")
    return url


HttpsLink = Annotated[str, AfterValidator(_allowed_https)]
# Not a link users follow (checks are for editors), so the issuer domains, not the link
# allow-list, decide.
IssuerPage = Annotated[str, AfterValidator(_issuer_page)]
Text = Annotated[str, Field(min_length=1)]
ButtonLabel = Annotated[str, Field(min_length=1, max_length=BUTTON_LABEL_MAX)]
IsoDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2})?$")]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
IsoDay = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- content/facts.yaml -------------------------------------------------------------------


class Source(Schema):
    publisher: Text
    title: Text
    short: Text
    url: HttpsLink | None = None
    published: IsoDate | None = None
    cites: list[str] = []
    # A source with no public link (a guide we hold a copy of) points readers at the issuers
    # whose sites confirm what it says; the sources page links those instead.
    confirm_at: list[str] = []

    @model_validator(mode="after")
    def _has_a_way_to_check(self) -> Source:
        if self.url is None and not self.confirm_at:
            raise ValueError("a source needs a url, or confirm_at naming issuers that confirm it")
        return self


# How the words of a check were read: on the issuer's page, from our search tool's archived copy
# of it ("stored copy") or on the web ("live page"); or, where neither was at hand, in a copy of
# the issuer's words on someone else's site ("copy elsewhere", which then names it in copy_url).
ON_THE_ISSUERS_PAGE = ("stored copy", "live page")
Via = Literal["stored copy", "live page", "copy elsewhere"]


class Check(Schema):
    """One issuer page a figure was checked against."""

    url: IssuerPage
    date: IsoDay  # the day it was read ("on" would be a YAML boolean)
    via: Via
    quote: Text  # the words that support the figure, as the issuer words them
    # Where the words were read, when that was not the issuer's page (via: copy elsewhere).
    copy_url: Annotated[str, Field(pattern=r"^https?://")] | None = None

    @model_validator(mode="after")
    def _says_where_it_was_read(self) -> Check:
        if (self.via == "copy elsewhere") != (self.copy_url is not None):
            raise ValueError(
                "via: copy elsewhere needs copy_url (the page the words were read on),"
                " and only it has one"
            )
        return self

    @property
    def on_the_issuers_page(self) -> bool:
        return self.via in ON_THE_ISSUERS_PAGE


class Fact(Schema):
    # The figure as users read it. A figure told in words ("4 to 6 months") has one wording
    # per language, keyed by language folder ({en: ..., es: ...}), so it still lives here once.
    text: Text | dict[str, Text]
    about: Text
    source: str
    as_of: IsoDate | None
    projection: bool = False
    projection_from: IsoDate | None = None  # the base year of a projection ("2024" in 2024–34)
    superseded_by: str | None = None
    # Exactly one of: checked on the issuer's own page(s), or shown as a guide's claim.
    checked: list[Check] = []
    claim_of: str | None = None  # the guide (a source key) whose claim this is
    confirm_at: str | None = None  # the issuer (a source key) whose site settles it
    note: str | None = None  # for editors

    @model_validator(mode="after")
    def _checked_or_claimed(self) -> Fact:
        if bool(self.checked) == bool(self.claim_of):
            raise ValueError(
                "a fact needs either `checked` (the issuer's url, the date and the words that"
                " support it) or `claim_of` (the guide whose claim it is), and not both"
            )
        if self.projection_from and not self.projection:
            raise ValueError("projection_from is only for a projection")
        return self

    def worded(self, language: str) -> str:
        return self.text if isinstance(self.text, str) else self.text[language]


class Facts(Schema):
    sources: dict[str, Source]
    links: dict[str, HttpsLink]
    facts: dict[str, Fact]


# ---- content/quiz.yaml, plans.yaml, certs.yaml ----------------------------------------------


class QuizOption(Schema):
    id: Text
    coding: int = Field(ge=0)
    billing: int = Field(ge=0)
    both: int = Field(default=0, ge=0)


class QuizQuestion(Schema):
    id: Text
    options: list[QuizOption] = Field(min_length=2, max_length=4)


AnswerRef = Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z_]+$")]  # "question.option"
Lean = Literal["strong", "clear", "slight"]
OneTrack = Literal["coding", "billing"]


class Tension(Schema):
    """An answer that pulls against a result, said plainly under it."""

    id: Identifier
    tracks: list[Track] = Field(min_length=1)
    answer: AnswerRef


class ResultRules(Schema):
    """How a verdict is described: how strong the lean is, what pulls against it, and when
    the answers show too little pull toward either path to name one."""

    # The gap between the two percentages, in points, from which a lean is called strong
    # or clear (below: slight).
    strong_gap_at_least: int = Field(ge=0, le=100)
    clear_gap_at_least: int = Field(ge=0, le=100)
    tensions: list[Tension] = []
    max_tensions: int = Field(default=2, ge=0)
    # The remote-work figure sells coding only to people who want to work from home.
    remote_figure_unless: list[AnswerRef] = []
    # Answers that turn away from the heart of each path; one of each: neither, strongly.
    turns_away: dict[OneTrack, list[AnswerRef]] = {}


class Quiz(Schema):
    both_when_gap_at_most: int = Field(ge=0, le=100)
    questions: list[QuizQuestion] = Field(min_length=8, max_length=12)
    result: ResultRules


class TrackMakeup(Schema):
    credentials: list[str] = Field(min_length=1)
    links: list[str]
    # The one link each day-30/60/90 check-in carries, per phase it closes.
    checkin_links: dict[Phase, str]


class PersonaMakeup(Schema):
    id: Text
    links: list[str]


class Plans(Schema):
    phases: list[Phase]
    tracks: dict[Track, TrackMakeup]
    personas: list[PersonaMakeup] = Field(min_length=1)


class Credential(Schema):
    id: Text
    issuer: str
    track: Track
    level: Level
    link: str


class Credentials(Schema):
    credentials: list[Credential] = Field(min_length=1)


# ---- content/guide.yaml -----------------------------------------------------------------------


class GuideTopic(Schema):
    id: Identifier
    command: Identifier
    pages: list[Identifier] = Field(min_length=1)
    # After its own pages, the topic lists every source in content/facts.yaml.
    lists_sources: bool = False
    # Dollar figures (fact keys, top to bottom) drawn as a bar chart when the topic's
    # command opens it.
    chart: list[str] = []


class Guide(Schema):
    topics: list[GuideTopic] = Field(min_length=1)


# ---- content/<language>/*.yaml ----------------------------------------------------------------


class OptionWords(Schema):
    label: ButtonLabel
    reason: Text


class QuestionWords(Schema):
    text: Text
    options: dict[str, OptionWords]


class QuizWords(Schema):
    questions: dict[str, QuestionWords]
    tensions: dict[str, Text]  # per tension id in content/quiz.yaml


class TrackWords(Schema):
    name: Text
    credential: Text
    program: Text  # what to enrol in, e.g. "coding program that prepares you for the CPC"
    target: Text
    linkedin_keyword: Text
    remote_keyword: Text
    entry_roles: Text
    steps: dict[Phase, list[Text]]


class PersonaWords(Schema):
    label: ButtonLabel
    steps: dict[Phase, list[Text]]


class PlanWords(Schema):
    phases: dict[Phase, Text]
    tracks: dict[Track, TrackWords]
    personas: dict[str, PersonaWords]


class GlanceWords(Schema):
    """A credential in one short block, for "Compare all"."""

    exam: Text
    fee: Text
    prerequisites: Text
    renewal: Text
    source: Text  # the {cite:...} of the figures above


class CredentialWords(Schema):
    name: Text
    setting: Text
    summary: Text
    exam: Text
    prerequisites: Text
    preparation: Text
    fee: Text
    pay: Text
    renewal: Text
    glance: GlanceWords


class CertWords(Schema):
    levels: dict[Level, Text]
    credentials: dict[str, CredentialWords]


class ChartWords(Schema):
    # Drawn on the image in large type, so plain text, no emoji, and short enough to fit.
    title: ButtonLabel
    labels: dict[str, ButtonLabel]  # per fact key: the bar's label
    caption: Text  # {title} {sources}; HTML
    source_line: Text  # {bars} {cite}: one line of the caption per source


class TopicWords(Schema):
    title: Text
    button: ButtonLabel
    pages: dict[str, Text]
    chart: ChartWords | None = None


class SourceListWords(Schema):
    entry: Text  # {short} {publisher} {title} {dates} {about} {cites} {link}
    link: Text  # {url} {host}
    confirm_at: Text  # {links}: where to confirm what a source with no public link says
    live_site: Text  # the date line of a source with no dated figure
    cites: Text  # {sources}
    about: dict[str, Text]  # per source id in content/facts.yaml


class GuideWords(Schema):
    menu: Text
    page_header: Text  # {title} {number} {total}
    topics: dict[str, TopicWords]
    sources: SourceListWords


class DateWords(Schema):
    months: list[Text] = Field(min_length=12, max_length=12)
    weekdays: list[Text] = Field(min_length=7, max_length=7)  # Monday first
    month_year: Text  # {month} {year}
    day: Text  # {weekday} {day} {month} {year}: a calendar day
    time: Text  # {hour} {minute}: a time of day, 24-hour
    undated: Text
    projection: Text  # {year}
    projection_period: Text  # {start} {end}: "projection for 2024–34" ({end} is two digits)
    cite: Text  # {source} {date}
    checked: Text  # {date}: the date line of a figure read on an issuer's undated page
    copied: Text  # {date}: the same, when the issuer's words were read only in a copy elsewhere
    quoted: Text  # {source} {date} {guide}: a figure a guide quotes from someone else
    confirm: Text  # {cite} {host}: where to confirm a figure no issuer page confirmed


class WelcomeWords(Schema):
    text: Text
    in_progress: Text


class ButtonWords(Schema):
    start_quiz: ButtonLabel
    continue_quiz: ButtonLabel
    start_over: ButtonLabel
    back: ButtonLabel
    retake_quiz: ButtonLabel
    compare_credentials: ButtonLabel
    compare_all: ButtonLabel
    all_credentials: ButtonLabel
    take_quiz: ButtonLabel
    learn_more: ButtonLabel
    guide_menu: ButtonLabel
    next_page: ButtonLabel
    make_plan: ButtonLabel
    credentials: ButtonLabel
    forget_yes: ButtonLabel
    forget_no: ButtonLabel
    checklist: ButtonLabel
    export: ButtonLabel
    remind_no: ButtonLabel
    remind_plan: ButtonLabel
    stop_reminders: ButtonLabel
    make_mine: ButtonLabel
    my_plan: ButtonLabel
    my_result: ButtonLabel
    my_checkins: ButtonLabel
    remind_plan_here: ButtonLabel
    move_checkins: ButtonLabel
    home: ButtonLabel
    retake_yes: ButtonLabel
    retake_no: ButtonLabel
    previous_phase: ButtonLabel
    next_phase: ButtonLabel
    other_plans: ButtonLabel
    timezone: ButtonLabel
    help: ButtonLabel
    coder_day: ButtonLabel
    biller_day: ButtonLabel
    plan_anyway: ButtonLabel
    tracks: dict[Track, ButtonLabel]


class QuizMessages(Schema):
    question: Text
    text_hint: Text
    no_quiz_running: Text


class ResultWords(Schema):
    lean: dict[Lean, Text]  # {emoji} {track}: the headline of a coding or billing result
    lean_track: dict[OneTrack, Text]
    emoji: dict[OneTrack, Text]
    balanced: Text  # the headline of a combined result
    neither: Text  # the headline when neither path pulls
    split: Text  # {coding} {billing}, rounded to tens
    summary: dict[Track, Text]
    why_title: Text
    why_not: dict[Track, Text]
    figures_title: Text
    figures: dict[Track, Text]
    remote_figure: Text
    neither_text: Text  # why neither path pulls, from the answers
    neither_advice: Text  # what to do before choosing
    persona_prompt: Text
    neither_prompt: Text


class PlanMessages(Schema):
    title: Text  # {persona} {track}: the user's own plan
    browse_title: Text  # {persona} {track}: a plan the user is only looking at
    target: Text
    horizon: Text  # where the 90 days sit on the roadmap
    phase: Text  # {phase}
    phase_progress: Text  # {phase} {done} {total}
    tick_hint: Text
    browse_note: Text  # {plan}: the user's own plan
    checkins_on: Text
    checkins_elsewhere: Text  # {plan}
    made_mine: Annotated[str, Field(min_length=1, max_length=200)]  # a notice
    choose_track: Text
    choose_persona: Text


class CertMessages(Schema):
    menu: Text
    card: Text
    compare_title: Text  # {number} {total}
    compare_row: (
        Text  # {code} {name} {issuer} {level} {exam} {fee} {prerequisites} {renewal} {source}
    )
    compare_footer: Text


class HelpWords(Schema):
    text: Text


class ForgetWords(Schema):
    confirm: Text
    done: Text
    kept: Text


class FallbackWords(Schema):
    text: Text
    unknown_command: Text
    stale_button: Text
    double_tap: Annotated[str, Field(min_length=1, max_length=200)]
    media: Text
    error: Text  # the step was saved, then something failed
    error_not_saved: Text  # the step failed before it was saved


class GroupWords(Schema):
    text: Text
    button: ButtonLabel


class ConsoleWords(Schema):
    choose: Text  # under a message's numbered buttons
    intro: Text
    name: Text
    opens: Text
    saved: Text  # {path}: where an attachment (a chart, a file) was saved
    goodbye: Text


class CheckinMessageWords(Schema):
    title: Text  # {day} {plan}
    about: Text  # {phase} {about}
    still_open: Text
    all_done: Text
    next: Text  # {phase}
    after: Text  # {after}
    footer: Text


class CheckinWords(Schema):
    declined: Text
    declined_kept: Text  # {plan} {dates}: the check-ins of another plan, still to come
    declined_none: Text
    active: Text  # {plan} {dates} {zone}
    due_line: Text  # {day} {date} {time}
    sent_line: Text  # {day} {date}
    listing: Text  # {plan} {start} {zone} {dates}
    all_sent: Text
    none: Text
    offer: Text  # {plan}
    no_plan: Text
    stopped: Text
    about: dict[Phase, Text]  # what each phase was about
    after_plan: Text  # what comes after day 90
    message: CheckinMessageWords


class ProgressWords(Schema):
    step_done: Text  # {number} {text}
    step_open: Text  # {number} {text}
    no_plan: Text


class HomeWords(Schema):
    title: Text  # {name}
    no_result: Text
    plan: Text  # {plan}
    phase_line: Text  # {phase} {done} {total}
    no_plan: Text
    next_checkin: Text  # {date} {time} {zone}
    checkins_sent: Text
    no_checkins: Text
    footer: Text


class RetakeWords(Schema):
    confirm: Text  # {headline}


class ExportWords(Schema):
    document_caption: Text  # {plan}
    calendar_caption: Text
    title: Text
    start: Text  # {date}
    phase: Text  # {phase} {date}: a phase and the day it ends
    links: Text
    footer: Text  # {date}
    event_summary: Text  # {day} {plan}
    event_description: Text  # {phase} {steps}


class TimezoneWords(Schema):
    menu: Text  # {time}
    set: Text  # {zone}
    moved: Text  # {dates}
    zones: dict[str, ButtonLabel]  # per key of flows.checkins.ZONES


class LanguageMenuWords(Schema):
    name: ButtonLabel  # the language's own name, on its button in every language's menu
    menu: Text
    switched: Text  # said in the new language


class ShareWords(Schema):
    button: ButtonLabel
    # The one line the share sheet puts above the link: an invitation, never the user's
    # answers. Plain text (Telegram shows it as typed).
    invitation: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\n<>]+$")]


class ProfileWords(Schema):
    """What Telegram shows before someone presses Start (setMyDescription and
    setMyShortDescription, with Telegram's limits)."""

    description: Annotated[str, Field(min_length=1, max_length=512)]
    short_description: Annotated[str, Field(min_length=1, max_length=120)]


class StatsWords(Schema):
    """/stats, for the bot's admins."""

    title: Text  # {today}
    row: Text  # {event} {week} {month}
    events: dict[str, Text]  # one per event of flows.stats.FUNNEL
    results: Text
    neither: Text  # the results split's name for a quiz that pulled toward neither path
    personas: Text
    languages: Text
    asked: Text
    request: Text  # {intent}: a typed request (intent.plan...) among the most asked
    unanswered: Text
    split_row: Text  # {label} {week} {month} {share}
    nothing: Text
    no_topic: Text
    note: Text
    chart_title: Text
    chart_caption: Text
    refresh: ButtonLabel
    command: Annotated[str, Field(min_length=3, max_length=256)]  # in admins' command menu


class Messages(Schema):
    dates: DateWords
    welcome: WelcomeWords
    buttons: ButtonWords
    quiz: QuizMessages
    result: ResultWords
    plan: PlanMessages
    home: HomeWords
    retake: RetakeWords
    certs: CertMessages
    tracks: dict[Track, Text]
    links: dict[str, ButtonLabel]
    help: HelpWords
    forget: ForgetWords
    fallback: FallbackWords
    group: GroupWords
    console: ConsoleWords
    language: LanguageMenuWords
    checkins: CheckinWords
    progress: ProgressWords
    export: ExportWords
    timezone: TimezoneWords
    commands: dict[str, Annotated[str, Field(min_length=3, max_length=256)]]
    share: ShareWords
    profile: ProfileWords
    stats: StatsWords


class AskScreenWords(Schema):
    full_page: ButtonLabel
    full_card: ButtonLabel
    did_you_mean: Text
    none_of_these: ButtonLabel
    off_topic: Text
    safety: Text
    thanks: Text


class AskWords(Schema):
    """content/<language>/asks.yaml: typed questions (flows/ask)."""

    words: AskScreenWords
    # Words of a medical emergency or a crisis: a question with one of them gets the
    # safety line (911, 988) before anything else. Matched whole-word, accents folded.
    emergency: list[Text] = Field(min_length=1)
    # Per section id ("salary.federal", "cert.cpc", "intent.quiz"): how people ask for it.
    asks: dict[str, list[Text]]


class LanguageWords(Schema):
    messages: Messages
    quiz: QuizWords
    plans: PlanWords
    certs: CertWords
    guide: GuideWords
    tryout: TryoutWords
    asks: AskWords


@dataclass(frozen=True)
class Content:
    """Everything the bot says and knows, validated and with fact placeholders resolved."""

    facts: Facts
    quiz: Quiz
    plans: Plans
    credentials: Credentials
    guide: Guide
    tryout: Tryout
    languages: Mapping[str, LanguageWords]
    default_language: str = "en"
    # The guide's charts as shipped PNG files (content/charts/<topic>-<language>.png), drawn at
    # build time by `python -m bot.charts` so the serving process never loads matplotlib.
    charts: Mapping[str, bytes] = field(default_factory=dict)

    def words(self, language: str) -> LanguageWords:
        return self.languages.get(language) or self.languages[self.default_language]
