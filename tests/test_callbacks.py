"""Button data on the way out (encode) and back in (decode): a forged or garbled tap is None."""

from __future__ import annotations

import pytest

from flows.callbacks import MAX_BYTES, Act, Tap, decode, encode


@pytest.mark.parametrize(
    ("act", "args"),
    [
        (Act.START, ()),
        (Act.ANSWER, (123456789, 3)),
        (Act.TICK, ("career_changer", "coding", 12, 1)),
        (Act.LANGUAGE, ("es",)),
        (Act.GUIDE_MENU, ("here",)),
    ],
)
def test_what_is_encoded_decodes_to_the_same_tap(act: Act, args: tuple[object, ...]) -> None:
    assert decode(encode(act, *args)) == Tap(act, tuple(map(str, args)))


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "a",  # an answer without its version and option
        "a:12",
        "a:12:3:4",  # one part too many
        "a:12:",
        "go:",
        "a:x:1",
        "a:1234567890:1",  # a version longer than any the bot draws
        "gm:there",
        "gm:newhere",
        "lg:ES",
        "zz:1",
        "k:career_changer:coding:1:2",
        "A:1:1",
        "a:1:1" + " " * MAX_BYTES,
        "\ud800",  # a lone surrogate, as a forged update can carry
    ],
)
def test_anything_else_decodes_to_none(data: str | None) -> None:
    assert decode(data) is None


def test_data_that_would_not_decode_is_never_drawn() -> None:
    with pytest.raises(ValueError):
        encode(Act.ANSWER, "x", 1)
    with pytest.raises(ValueError):
        encode(Act.GUIDE_PAGE, "a" * 60, 1)
