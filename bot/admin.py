"""/stats for the bot's admins (ADMIN_CHAT_IDS): the per-day counts as text and a chart.

Anyone else gets exactly what any unknown command gets. The chart is drawn by a short-lived
child process (bot/stats_chart.py), so matplotlib never loads into the serving process.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.conversation import Conversation
from bot.delivery import answer, deliver
from bot.handlers import CONVERSATION, logged, person_of, respond
from bot.stats_chart import ChartFailed, draw_in_child
from flows.callbacks import Act, encode
from flows.replies import Attachment, Outcome, Reply
from flows.state import ChatState
from flows.stats.report import build_report, first_day

log = logging.getLogger(__name__)

ADMINS = "admins"
# Before the dialogue's handlers (group 0), which would take /stats as an unknown command.
ADMIN_GROUP = -1


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.get(ADMINS, frozenset())


@logged("/stats")
async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if is_admin(update, context):
        await send_stats(update, context)
    else:
        await respond(update, context, lambda d, s, p: d.command(s, p, ""))
    raise ApplicationHandlerStop


@logged("stats-refresh")
async def on_refresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if is_admin(update, context):
        await answer(query)
        await send_stats(update, context)
    else:  # the dialogue calls it an out-of-date button
        message_id = query.message.message_id if query.message else None
        await respond(update, context, lambda d, s, p: d.tap(s, p, query.data, message_id))
    raise ApplicationHandlerStop


async def send_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chart first, then the figures with their Refresh button as the newest message."""
    chat = update.effective_chat
    assert chat is not None
    conversation: Conversation = context.bot_data[CONVERSATION]
    dialogue, storage = conversation.dialogue, conversation.storage
    state = await storage.load(chat.id) or ChatState()
    language = dialogue.language(state, person_of(update))
    today = datetime.fromtimestamp(storage.now(), UTC).date()
    await conversation.tallies.flush()  # what this process counted in the last seconds too
    report = build_report(await storage.tallies_since(first_day(today)), today)
    replies: list[Reply] = []
    try:
        png = await draw_in_child(dialogue.stats.chart(language, report))
    except ChartFailed as error:
        log.warning("/stats chart not drawn: %s", error)
    else:
        caption = dialogue.stats.chart_caption(language)
        replies.append(Reply("", attachment=Attachment("photo", "stats.png", png, caption)))
    replies += dialogue.stats.report(language, report)
    await deliver(context.bot, chat.id, Outcome(state=state, replies=tuple(replies)), None)


def register(application: Application, admin_ids: frozenset[int]) -> None:
    application.bot_data[ADMINS] = admin_ids
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("stats", on_stats, filters=private), ADMIN_GROUP)
    application.add_handler(
        CallbackQueryHandler(on_refresh, pattern=f"^{encode(Act.STATS)}$"), ADMIN_GROUP
    )
