"""What a person sees of the bot before and around the chat: its profile in Telegram (set
only when it changed) and the Share button under a result and a plan."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flows.dialogue import Dialogue
from flows.replies import Keyboard
from flows.schema import Content
from tests.bot_harness import running_bot
from tests.chat_double import DialogueUser
from tests.databases import run_sql
from tests.quiz_routes import finish_quiz
from tests.screens import PHONE_LIMIT, RESULT_ANSWERS, all_screens, visible_length
from tests.stub_bot_api import StubBotApi
from tests.stub_bot_api.methods_bot import commands_key

PROFILE_SETTERS = ("setMyDescription", "setMyShortDescription", "setMyCommands")


def setter_calls(stub: StubBotApi) -> dict[str, int]:
    return {m: stub.stats.requests_by_method.get(m, 0) for m in PROFILE_SETTERS}


async def test_the_profile_is_set_per_language_and_only_when_it_changed(
    stub: StubBotApi, content: Content, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    async with running_bot(stub, content, database):
        pass
    english, spanish = content.words("en").messages, content.words("es").messages
    assert stub.descriptions == {
        "": english.profile.description,
        "es": spanish.profile.description,
    }
    assert stub.short_descriptions == {
        "": english.profile.short_description,
        "es": spanish.profile.short_description,
    }
    assert setter_calls(stub) == dict.fromkeys(PROFILE_SETTERS, 2), "one per language"

    async with running_bot(stub, content, database):  # a restart: nothing to change
        pass
    assert setter_calls(stub) == dict.fromkeys(PROFILE_SETTERS, 2)
    assert stub.stats.requests_by_method["getMyDescription"] == 4, "it did look"

    # Someone changed the Spanish short description in BotFather: only that is put back.
    stub.short_descriptions["es"] = "otra cosa"
    async with running_bot(stub, content, database):
        pass
    assert setter_calls(stub) == {
        "setMyDescription": 2,
        "setMyShortDescription": 3,
        "setMyCommands": 2,
    }
    assert stub.short_descriptions["es"] == spanish.profile.short_description


def share_link(keyboard: Keyboard) -> tuple[str, dict[str, list[str]]]:
    buttons = [b for row in keyboard for b in row if b.url and "/share/url" in b.url]
    assert len(buttons) == 1, "one Share button"
    parts = urlsplit(buttons[0].url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", "/share/url")
    return buttons[0].label, parse_qs(parts.query)


def test_the_share_button_carries_the_bot_link_and_an_invitation_only(
    content: Content,
) -> None:
    dialogue = Dialogue(content)
    dialogue.views.bot_link = "https://t.me/CareerPathBot"
    shared = []
    for answer in (0, 1):  # two people with different answers share the same thing
        user = DialogueUser(dialogue)
        user.command("start")
        user.tap("Start the quiz")
        for _ in range(dialogue.quiz.total):
            user.answer(answer)
        result = user.screen
        assert result is not None
        label, query = share_link(result.keyboard)
        assert label == "📣 Share with a friend"
        assert query["url"] == ["https://t.me/CareerPathBot?start=from-friend"]
        assert query["text"] == [content.words("en").messages.share.invitation]
        shared.append(query)
        persona = content.words("en").plans.personas["veteran"].label
        plan = user.tap(persona).replies[0]
        assert share_link(plan.keyboard)[1] == query
    assert shared[0] == shared[1], "nothing of the user's own answers goes along"


def test_every_result_and_plan_page_has_share_and_still_fits_a_phone(content: Content) -> None:
    dialogue = Dialogue(content)
    dialogue.views.bot_link = "https://t.me/CareerPathBot"
    shown = 0
    for name, reply in all_screens(dialogue):
        language, _, screen = name.partition("/")
        if screen.startswith(("result-", "plan-")) and "-home-" not in screen:
            share_link(reply.keyboard)  # exactly one, to Telegram's share sheet
            shown += 1
            assert visible_length(reply.text) <= PHONE_LIMIT[language], name
            assert all(1 <= len(row) <= 2 for row in reply.keyboard[-1:]), name
    assert shown > 2 * (len(RESULT_ANSWERS) + 5 * 3)


def test_without_a_known_bot_address_there_is_no_share_button(dialogue: Dialogue) -> None:
    assert dialogue.views.bot_link is None  # the console: no username to link to
    user = DialogueUser(dialogue)
    user.command("start")
    user.tap("Start the quiz")
    for _ in range(dialogue.quiz.total):
        user.answer(0)
    assert user.screen is not None
    assert not any(b.url for row in user.screen.keyboard for b in row)


async def test_a_friend_follows_the_shared_link_and_is_counted(
    stub: StubBotApi, content: Content, database_url: str
) -> None:
    ana, friend = stub.user(8201, "Ana"), stub.user(8202, "Fay", language_code="es")
    async with running_bot(stub, content, database_url):
        await finish_quiz(ana, "coding")
        result = ana.last_message
        share = [b for row in result.buttons for b in row if b.url and "share" in b.url]
        assert len(share) == 1
        shared_url = parse_qs(urlsplit(share[0].url).query)["url"][0]
        bot = stub.bot_user["username"]
        assert shared_url == f"https://t.me/{bot}?start=from-friend"

        payload = parse_qs(urlsplit(shared_url).query)["start"][0]
        welcome = await friend.send(f"/start {payload}")
        assert welcome.last.text.startswith("👋 ¡Hola, Fay!")
        assert "Empezar el cuestionario" in welcome.last.button_texts()[0]
    counted = await run_sql(
        database_url, "SELECT count FROM daily_counts WHERE metric = 'shared_arrival'"
    )
    assert counted == [(1,)]


def test_the_invitation_is_one_plain_line_in_every_language(content: Content) -> None:
    for language, words in content.languages.items():
        invitation = words.messages.share.invitation
        assert "\n" not in invitation and "<" not in invitation, language
        assert len(invitation) <= 200
        profile = words.messages.profile
        assert len(profile.description) <= 512 and len(profile.short_description) <= 120


async def test_admins_find_stats_in_their_own_command_menu(
    stub: StubBotApi, content: Content, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    admin, user = stub.user(8301, "Ops"), stub.user(8302, "Vi")
    async with running_bot(stub, content, database, admin_chat_ids={admin.chat_id}):
        pass
    admin_menus = {
        key: [c["command"] for c in commands]
        for key, commands in stub.commands.items()
        if str(admin.chat_id) in key[0]
    }
    assert len(admin_menus) == 2, "one per language"
    assert all(menu[-1] == "stats" for menu in admin_menus.values())
    everyone = [c["command"] for c in stub.commands[commands_key(None, None)]]
    assert "stats" not in everyone
    assert not any(str(user.chat_id) in key[0] for key in stub.commands)
    calls = stub.stats.requests_by_method["setMyCommands"]
    async with running_bot(stub, content, database, admin_chat_ids={admin.chat_id}):
        pass
    assert stub.stats.requests_by_method["setMyCommands"] == calls, "unchanged: not set again"
