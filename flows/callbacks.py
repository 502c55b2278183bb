"""callback_data for every button: short, at most 64 bytes, and checked on the way back in.

Buttons that move the quiz carry the state version they were drawn for, so a tap on an old
message (or a second tap on the same one) is recognised as out of date. Anything that does
not parse, however it was forged, decodes to None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64


class Act(StrEnum):
    START = "go"  # start the quiz, or carry on with the running one
    ANSWER = "a"  # a:<version>:<option>
    BACK = "b"  # b:<version>
    START_OVER = "o"  # o:<version>
    PLAN = "p"  # p:<persona>:<track>
    CHOOSE_TRACK = "t"  # t:<track>, then the persona menu
    PERSONAS = "m"  # m:<track>, the persona menu again
    CREDENTIALS = "cm"  # cm:new (a new message) or cm:here (in place of this one)
    CREDENTIAL = "c"  # c:<credential>
    COMPARE = "cc"  # every credential at a glance, from the first page
    COMPARE_PAGE = "cp"  # cp:<page index>, in place of this message
    PLAN_MENU = "pm"  # what /plan shows, in place of this message
    GUIDE_MENU = "gm"  # gm:new (a new message) or gm:here (in place of this one)
    GUIDE_PAGE = "g"  # g:<topic>:<page index>, in place of this message
    FORGET = "f"  # f:yes (delete everything stored about the chat) or f:no
    LANGUAGE = "lg"  # lg:<language folder>, e.g. lg:es
    CHECKLIST = "pg"  # pg:<persona>:<track>, the plan as a checklist in a new message
    # k:<persona>:<track>:<step index>:<1 ticked|0 not>: the value it sets, so a double tap
    # cannot undo itself
    TICK = "k"
    EXPORT = "x"  # x:<persona>:<track>: the plan as a Markdown file and an .ics calendar
    REMIND = "r"  # r:<persona>:<track>: yes, check in on day 30, 60 and 90 of this plan
    NO_REMIND = "rn"  # no check-ins, thanks
    STOP_REMINDERS = "rs"  # stop the check-ins
    TIMEZONE = "tz"  # tz:<zone>, e.g. tz:central
    STATS = "st"  # /stats again (admins only: the bot answers it before the dialogue)
    # Try the job (flows/tryout). Buttons that move it carry the state version and the step
    # they were drawn for.
    # ts:here (from its intro, in place) or ts:new (a new message): start the tryout, or
    # carry on with the running one
    TRY_START = "ts"
    TRY_ANSWER = "ta"  # ta:<version>:<step>:<option>
    TRY_NEXT = "tn"  # tn:<version>: on from a task's feedback
    TRY_FEEL = "tf"  # tf:<version>:<step>:<feeling>
    TRY_AGAIN = "tr"  # tr:<version>: start the tryout over
    PLAN_PAGE = "pp"  # pp:<persona>:<track>:<phase index>: one phase of a plan, in place
    MAKE_MINE = "pa"  # pa:<persona>:<track>:<phase index>: make this plan the user's own
    MY_PLAN = "mp"  # the user's own plan, in a new message
    # rp:<persona>:<track>:<phase index>: check in on this plan, from its own page
    REMIND_HERE = "rp"
    HOME = "h"  # h:new (the home screen in a new message) or h:here (in place of this one)
    MY_RESULT = "mr"  # the user's result, in a new message
    MY_CHECKINS = "mc"  # what /reminders shows, in a new message
    RETAKE = "ry"  # ry:<version>: yes, throw the result away and start the quiz again
    CARD_PAGE = "cg"  # cg:<credential>:<page index>: a long card's next page, in place


_NUMBER = r"\d{1,9}"
_WORD = r"[a-z0-9_]{1,20}"
_SHAPES: dict[Act, tuple[str, ...]] = {
    Act.START: (),
    Act.ANSWER: (_NUMBER, r"\d{1,2}"),
    Act.BACK: (_NUMBER,),
    Act.START_OVER: (_NUMBER,),
    Act.PLAN: (_WORD, _WORD),
    Act.CHOOSE_TRACK: (_WORD,),
    Act.PERSONAS: (_WORD,),
    Act.CREDENTIALS: (r"new|here",),
    Act.CREDENTIAL: (_WORD,),
    Act.COMPARE: (),
    Act.COMPARE_PAGE: (r"\d{1,2}",),
    Act.PLAN_MENU: (),
    Act.GUIDE_MENU: (r"new|here",),
    Act.GUIDE_PAGE: (_WORD, r"\d{1,2}"),
    Act.FORGET: (r"yes|no",),
    Act.LANGUAGE: (r"[a-z]{2,3}(?:_[a-z]{2})?",),
    Act.CHECKLIST: (_WORD, _WORD),
    Act.TICK: (_WORD, _WORD, r"\d{1,2}", r"[01]"),
    Act.EXPORT: (_WORD, _WORD),
    Act.REMIND: (_WORD, _WORD),
    Act.NO_REMIND: (),
    Act.STOP_REMINDERS: (),
    Act.TIMEZONE: (_WORD,),
    Act.STATS: (),
    Act.TRY_START: (r"new|here",),
    Act.TRY_ANSWER: (_NUMBER, r"\d{1,2}", r"\d"),
    Act.TRY_NEXT: (_NUMBER,),
    Act.TRY_FEEL: (_NUMBER, r"\d{1,2}", r"\d"),
    Act.TRY_AGAIN: (_NUMBER,),
    Act.PLAN_PAGE: (_WORD, _WORD, r"\d"),
    Act.MAKE_MINE: (_WORD, _WORD, r"\d"),
    Act.MY_PLAN: (),
    Act.REMIND_HERE: (_WORD, _WORD, r"\d"),
    Act.HOME: (r"new|here",),
    Act.MY_RESULT: (),
    Act.MY_CHECKINS: (),
    Act.RETAKE: (_NUMBER,),
    Act.CARD_PAGE: (_WORD, r"\d"),
}


# Each act's whole callback data as one compiled pattern, and acts by their prefix: every
# button drawn is checked on the way out (encode) and every tap on the way in (decode).
_WHOLE = {
    act: re.compile(":".join([re.escape(act.value), *(f"(?:{part})" for part in shape)]))
    for act, shape in _SHAPES.items()
}
_ACTS = {act.value: act for act in Act}


@dataclass(frozen=True)
class Tap:
    act: Act
    args: tuple[str, ...] = ()

    def number(self, index: int) -> int:
        return int(self.args[index])


def encode(act: Act, *args: object) -> str:
    data = ":".join([act.value, *map(str, args)])
    if not _WHOLE[act].fullmatch(data) or len(data.encode()) > MAX_BYTES:  # as decode checks
        raise ValueError(f"callback data {data!r} does not fit its shape")
    return data


def decode(data: str | None) -> Tap | None:
    if not data or len(data.encode(errors="replace")) > MAX_BYTES:  # a forged lone surrogate
        return None
    head, *args = data.split(":")
    act = _ACTS.get(head)
    if act is None or not _WHOLE[act].fullmatch(data):
        return None
    return Tap(act, tuple(args))
