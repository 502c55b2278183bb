"""Check-ins on day 30, 60 and 90: kept in the database, sent from every process's JobQueue.

The dialogue decides what to schedule; bot/conversation.py stores it with the chat's state
in one transaction. Here, each process sweeps the reminders table (every minute; every
second with a shortened day) and puts a one-off job on its JobQueue for each check-in due
before the next sweep. The first sweep runs at start-up, so a restart loses nothing, and a
check-in that fell due while no process was running goes out at once.

No duplicates: whichever job fires first claims the check-in in the database (one atomic
UPDATE), sends it, then deletes it; a second replica, or a restarted process, finds it
claimed or gone and sends nothing. No losses: a process that dies between claiming and
sending holds the claim for CLAIM_LEASE_SECONDS only, then the check-in is claimed again
and sent, late. Only a death after Telegram took the message and before the delete can
repeat one, as for any sendMessage whose answer never arrived.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable

from telegram.ext import ContextTypes, Job, JobQueue

from bot.logs import chat_ref
from bot.storage import Storage
from bot.storage.base import Reminder
from flows.dialogue import Dialogue
from flows.replies import Outcome
from flows.state import ChatState

log = logging.getLogger(__name__)

# How long a claim keeps other processes off a check-in: far longer than a send with all
# its retries takes.
CLAIM_LEASE_SECONDS = 300
SWEEP_SECONDS = 60.0
SHORT_DAY_SWEEP_SECONDS = 1.0
SWEEP_JOB = "checkin-sweep"

Deliver = Callable[[Outcome], Awaitable[None]]


class CheckinSender:
    """Claims one due check-in, draws it for the chat as it is now (the steps not yet
    ticked), delivers it and deletes it."""

    def __init__(
        self,
        dialogue: Dialogue,
        storage: Storage,
        undeliverable: tuple[type[Exception], ...] = (),
        log_key: str = "",
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        """on_event: told "due", "sent" or "failed" for each check-in (/metrics)."""
        self.on_event = on_event or (lambda event: None)
        self.dialogue = dialogue
        self.storage = storage
        # Failures that no retry will fix (the user blocked the bot): drop the check-in.
        self.undeliverable = undeliverable
        self.log_key = log_key

    async def send(self, chat_id: int, day: int, deliver: Deliver) -> bool:
        """Whether this call took the check-in (and sent it, or dropped it as undeliverable).
        Any other failure propagates and leaves the claim to run out, so the check-in is
        tried again after the lease."""
        token = secrets.token_hex(8)
        reminder = await self.storage.claim_reminder(chat_id, day, token, CLAIM_LEASE_SECONDS)
        if reminder is None:
            return False
        self.on_event("due")
        state = await self.storage.load(chat_id) or ChatState()
        outcome = self.dialogue.checkin(state, reminder.plan, day, reminder.language)
        chat = chat_ref(chat_id, self.log_key)
        try:
            await deliver(outcome)
        except self.undeliverable as error:
            self.on_event("failed")
            log.warning("check-in day %d for chat %s dropped: %s", day, chat, type(error).__name__)
        except BaseException:
            self.on_event("failed")  # tried again once the claim runs out
            raise
        else:
            self.on_event("sent")
            log.info("check-in day %d sent to chat %s", day, chat)
        await self.storage.finish_reminder(chat_id, day, token)
        return True


class CheckinJobs:
    """Turns the check-ins coming due into JobQueue jobs in this process."""

    def __init__(
        self,
        sender: CheckinSender,
        deliver: Callable[[ContextTypes.DEFAULT_TYPE, int], Deliver],
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        self.sender = sender
        self.storage = sender.storage
        self.deliver = deliver  # how to deliver to a chat, given a job's context
        self.sweep_seconds = sweep_seconds
        self._jobs: dict[tuple[int, int], Job] = {}  # (chat, day) -> its pending job

    def install(self, job_queue: JobQueue) -> None:
        job_queue.run_repeating(self.sweep, interval=self.sweep_seconds, first=0, name=SWEEP_JOB)

    async def sweep(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.job_queue is not None
        due_by = math.ceil(time.time() + 2 * self.sweep_seconds)
        for reminder in await self.storage.waiting_reminders(due_by):
            self._schedule(context.job_queue, reminder)

    def _schedule(self, job_queue: JobQueue, reminder: Reminder) -> None:
        key = (reminder.chat_id, reminder.day)
        pending = self._jobs.get(key)
        if pending is not None and not pending.removed:
            if pending.data == (reminder.day, reminder.due_at):
                return
            pending.schedule_removal()  # moved (another time zone) or replaced
        self._jobs[key] = job_queue.run_once(
            self._send,
            # A hair after the due second, so the claim's clock sees it due.
            when=max(0.0, reminder.due_at - time.time()) + 0.01,
            data=(reminder.day, reminder.due_at),
            name=f"checkin:{reminder.chat_id}:{reminder.day}",
            chat_id=reminder.chat_id,
            # However late the loop gets to it, run it (APScheduler would skip it).
            job_kwargs={"misfire_grace_time": None},
        )

    async def _send(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        assert job is not None and job.chat_id is not None
        day, _ = job.data  # type: ignore[misc]
        pending = self._jobs.get((job.chat_id, day))
        if pending is not None and pending.data == job.data:
            del self._jobs[(job.chat_id, day)]
        await self.sender.send(job.chat_id, day, self.deliver(context, job.chat_id))
