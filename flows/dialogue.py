"""The whole conversation: what a user did (command, tap, text, media) → new state + replies.

Pure and synchronous: no I/O and no Telegram. The caller loads the state, calls one of the
entry points, saves `outcome.state` if it changed, then delivers `outcome.replies`. The steps
themselves live in flows/steps/, one module per feature.
"""

from __future__ import annotations

from flows.ask.screens import AskViews
from flows.ask.steps import AskSteps
from flows.ask.understand import Reader
from flows.ask.weights import Weigh, weigh_here
from flows.callbacks import Tap, decode
from flows.chart import ChartBook
from flows.checkins import CheckinCalendar
from flows.export import PlanExport
from flows.followup import FollowUpViews
from flows.guide import GuideBook
from flows.home.screens import HomeScreens
from flows.plans import PlanBook
from flows.quiz import QuizMachine
from flows.replies import Outcome, Reply
from flows.result.screens import ResultScreens
from flows.schema import Content
from flows.state import ChatState, Person
from flows.stats.screens import StatsScreens
from flows.steps.base import Turn
from flows.tryout.model import TryoutPlan
from flows.tryout.screens import TryoutScreens
from flows.views import Views

# In the order Telegram's command menu shows them.
COMMANDS = (
    "start",
    "try",
    "plan",
    "progress",
    "reminders",
    "certs",
    "guide",
    *("roles", "training", "salary", "roadmap", "jobs", "sources"),  # the guide's topics
    "help",
    "restart",
    "forget",
    "language",
    "timezone",
)


class Dialogue(AskSteps):
    def __init__(
        self,
        content: Content,
        calendar: CheckinCalendar | None = None,
        weigh: Weigh = weigh_here,
    ) -> None:
        """calendar: the clock and the length of a day for check-ins (real days by default);
        weigh: where bm25s weighs the typed-question index (flows/ask/weights.py)."""
        self.content = content
        self.quiz = QuizMachine(content.quiz)
        self.plans = PlanBook(content)
        self.guide = GuideBook(content)
        self.charts = ChartBook(content)
        self.views = Views(content, self.quiz.total)
        self.calendar = calendar or CheckinCalendar()
        self.followup = FollowUpViews(content, self.calendar)
        self.exports = PlanExport(self.followup)
        self.stats = StatsScreens(content)
        self.results = ResultScreens(content, self.guide, self.views.share_button)
        self.tryout = TryoutPlan(content.tryout)
        self.tryout_screens = TryoutScreens(content, self.tryout, self.results)
        self.home_screens = HomeScreens(content, self.followup, self.views.share_button)
        self.reader = Reader(content, weigh=weigh)  # the typed-question index, built once here
        self.asks = AskViews(content, self.views)

    def language(self, state: ChatState, person: Person) -> str:
        if state.language in self.content.languages:
            return state.language
        return self.language_for(person.language_code)

    def language_for(self, language_code: str | None) -> str:
        """The content language for a Telegram language_code such as "es" or "en-US"."""
        code = (language_code or "").lower()
        for language in self.content.languages:
            if code.startswith(language):
                return language
        return self.content.default_language

    def _turn(self, state: ChatState, person: Person, message_id: int | None = None) -> Turn:
        return Turn(state, person, self.language(state, person), message_id)

    # ---- entry points ----------------------------------------------------------------------

    def command(self, state: ChatState, person: Person, name: str, payload: str = "") -> Outcome:
        turn = self._turn(state, person)
        if name in COMMANDS:
            handler = getattr(self, f"_cmd_{name}", None)
            if handler is not None:
                return handler(turn, payload)
            if topic := self.guide.for_command(name):
                return self._guide_topic(turn, topic)
        return self._say(state, self.views.note(turn.language, "unknown_command"))

    def tap(
        self, state: ChatState, person: Person, data: str | None, message_id: int | None = None
    ) -> Outcome:
        turn = self._turn(state, person, message_id)
        tap = decode(data)
        if tap is None:
            return self._out_of_date(turn)
        return getattr(self, f"_on_{tap.act.name.lower()}")(turn, tap)

    def _on_stats(self, turn: Turn, tap: Tap) -> Outcome:
        """The admins' Refresh under /stats reaches the dialogue only when the bot did not
        take it first (someone who is not an admin): an out-of-date button to them."""
        return self._out_of_date(turn)

    def text(self, state: ChatState, person: Person, typed: str) -> Outcome:
        """Typed text (flows/ask): answered, never stored; the outcome's tallies say only
        which section answered."""
        return self._typed(self._turn(state, person), typed)

    def media(self, state: ChatState, person: Person) -> Outcome:
        return self._say(state, self.views.note(self.language(state, person), "media"))

    def group_command(self, person: Person, bot_link: str) -> Reply:
        """Any command addressed to the bot in a group: suggest a private chat for the quiz.
        Groups keep no state. bot_link is the bot's t.me address."""
        language = self.language(ChatState(), person)
        return self.views.group_pointer(language, f"{bot_link}?start=quiz")
