"""Shared fixtures: the shipped content, loaded once, and a dialogue over it."""

from __future__ import annotations

import pytest

from flows.content import load_content
from flows.dialogue import Dialogue
from flows.schema import Content


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def dialogue(content: Content) -> Dialogue:
    return Dialogue(content)
