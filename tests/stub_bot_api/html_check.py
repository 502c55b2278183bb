"""Telegram's ``parse_mode=HTML`` parser: validates markup like Telegram does and returns
the plain text plus message entities (offsets in UTF-16 code units).

Errors read like Telegram's: ``Bad Request: can't parse entities: Unsupported start tag
"script" at byte offset 12`` (byte offsets are UTF-8 offsets into the original string).

With ``strict_escaping`` (the default) a bare ``&`` that does not start an entity and a bare
``>`` are rejected too, as the Bot API documentation demands ("All <, > and & symbols that are
not a part of a tag or an HTML entity must be replaced with the corresponding HTML entities").
Real Telegram lets those two slip through; the stub is stricter so escaping bugs surface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

ENTITY_TYPE_BY_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_SPECIAL = re.compile(r"[<>&]")
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_SPACES = re.compile(r"\s*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]+")
_ENTITY = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]*));")


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Result of entity parsing: the plain text and the entities Telegram would store."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()

    @property
    def length(self) -> int:
        """Length in UTF-16 code units."""
        return utf16_length(self.text)


@dataclass(slots=True)
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int  # UTF-16 offset in the output text
    language: str | None = None
    merged_into_parent: bool = field(default=False)


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return NAMED_ENTITIES.get(name)
    code_point = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code_point == 0 or code_point > 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        return None
    return chr(code_point)


def _decode_attribute_value(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group(0) if decoded is None else decoded

    return _ENTITY.sub(replace, raw)


class _HtmlParser:
    def __init__(self, html: str, strict_escaping: bool) -> None:
        self.html = html
        self.strict_escaping = strict_escaping
        self.pos = 0
        self.chunks: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def error(self, reason: str) -> ApiError:
        return bad_request(f"can't parse entities: {reason}")

    def byte_offset(self, index: int) -> int:
        return len(self.html[:index].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        if text:
            self.chunks.append(text)
            self.length += utf16_length(text)

    def parse(self) -> ParsedText:
        html = self.html
        while True:
            match = _SPECIAL.search(html, self.pos)
            if match is None:
                self.emit(html[self.pos :])
                break
            self.emit(html[self.pos : match.start()])
            index = match.start()
            if match.group() == "&":
                self.parse_entity(index)
            elif match.group() == ">":
                if self.strict_escaping:
                    raise self.reserved_character(">", "&gt;", index)
                self.emit(">")
                self.pos = index + 1
            elif html.startswith("</", index):
                self.parse_end_tag(index)
            else:
                self.parse_start_tag(index)
        if self.stack:
            raise self.error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self.chunks), tuple(self.entities))

    def reserved_character(self, character: str, escape: str, index: int) -> ApiError:
        return self.error(
            f'Character "{character}" is reserved and must be escaped as "{escape}" '
            f"at byte offset {self.byte_offset(index)}"
        )

    def parse_entity(self, index: int) -> None:
        match = _ENTITY.match(self.html, index)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            if self.strict_escaping:
                raise self.reserved_character("&", "&amp;", index)
            self.emit("&")
            self.pos = index + 1
            return
        self.emit(decoded)
        self.pos = match.end()

    def skip_spaces(self, index: int) -> int:
        match = _SPACES.match(self.html, index)
        return match.end() if match else index

    def parse_end_tag(self, index: int) -> None:
        name_match = _NAME.match(self.html, index + 2)
        name = name_match.group().lower() if name_match else ""
        end = self.skip_spaces(name_match.end() if name_match else index + 2)
        if end >= len(self.html) or self.html[end] != ">":
            raise self.error(f"Unclosed end tag at byte offset {self.byte_offset(index)}")
        if not self.stack:
            raise self.error(f"Unexpected end tag at byte offset {self.byte_offset(index)}")
        open_tag = self.stack[-1]
        if name != open_tag.name:
            raise self.error(
                f"Unmatched end tag at byte offset {self.byte_offset(index)}, "
                f'expected "</{open_tag.name}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close_entity(open_tag)
        self.pos = end + 1

    def parse_start_tag(self, index: int) -> None:
        html = self.html
        name_match = _NAME.match(html, index + 1)
        if name_match is None:
            if self.strict_escaping:
                raise self.reserved_character("<", "&lt;", index)
            raise self.error(f'Unsupported start tag "" at byte offset {self.byte_offset(index)}')
        name = name_match.group().lower()
        if name not in ENTITY_TYPE_BY_TAG:
            raise self.error(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(index)}'
            )
        attributes: dict[str, str] = {}
        cursor = name_match.end()
        while True:
            cursor = self.skip_spaces(cursor)
            if cursor >= len(html):
                raise self.error(f"Unclosed start tag at byte offset {self.byte_offset(index)}")
            if html[cursor] == ">":
                cursor += 1
                break
            attribute_match = _NAME.match(html, cursor)
            if attribute_match is None:
                raise self.error(
                    f'Empty attribute name in the tag "{name}" '
                    f"at byte offset {self.byte_offset(index)}"
                )
            attribute = attribute_match.group().lower()
            cursor = self.skip_spaces(attribute_match.end())
            value = ""
            if cursor < len(html) and html[cursor] == "=":
                value, cursor = self.parse_attribute_value(index, self.skip_spaces(cursor + 1))
            attributes[attribute] = value
        self.stack.append(self.open_tag(name, attributes, index))
        self.pos = cursor

    def parse_attribute_value(self, tag_index: int, cursor: int) -> tuple[str, int]:
        html = self.html
        if cursor >= len(html):
            raise self.error(f"Unclosed start tag at byte offset {self.byte_offset(tag_index)}")
        quote = html[cursor]
        if quote in "\"'":
            end = html.find(quote, cursor + 1)
            if end == -1:
                raise self.error(f"Unclosed start tag at byte offset {self.byte_offset(tag_index)}")
            return _decode_attribute_value(html[cursor + 1 : end]), end + 1
        value_match = _UNQUOTED_VALUE.match(html, cursor)
        if value_match is None:
            raise self.error(
                f"Expected attribute value at byte offset {self.byte_offset(tag_index)}"
            )
        return _decode_attribute_value(value_match.group()), value_match.end()

    def open_tag(self, name: str, attributes: dict[str, str], index: int) -> _OpenTag:
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise self.error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(index)}'
            )
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise self.error(
                f'Custom emoji identifier must be specified in the tag "tg-emoji" '
                f"at byte offset {self.byte_offset(index)}"
            )
        tag = _OpenTag(name, attributes, self.length)
        if name == "code":
            language_class = attributes.get("class", "")
            if language_class.startswith("language-"):
                tag.language = language_class.removeprefix("language-")
            if self.stack and self.stack[-1].name == "pre" and self.stack[-1].start == self.length:
                tag.merged_into_parent = True
        return tag

    def close_entity(self, tag: _OpenTag) -> None:
        if tag.merged_into_parent:
            if tag.language:
                self.stack[-1].language = tag.language
            return
        length = self.length - tag.start
        if length == 0:
            return
        entity: dict[str, Any] = {
            "type": ENTITY_TYPE_BY_TAG[tag.name],
            "offset": tag.start,
            "length": length,
        }
        if tag.name == "a":
            href = tag.attributes.get("href")
            if not href:
                return
            entity["url"] = href
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        self.entities.append(entity)


def parse_html(html: str, *, strict_escaping: bool = True) -> ParsedText:
    """Parse Telegram-flavoured HTML; raise ``ApiError`` (400) like Telegram on bad markup."""
    return _HtmlParser(html, strict_escaping).parse()


def parse_formatted_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None = None,
    *,
    strict_escaping: bool = True,
) -> ParsedText:
    """Apply ``parse_mode`` to ``text`` as Telegram does before storing a message.

    ``HTML`` is fully validated. ``MarkdownV2``/``Markdown`` are accepted without parsing
    (the stored text is the raw text). Explicit ``entities`` are kept as given.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text, strict_escaping=strict_escaping)
    if mode in ("", "markdown", "markdownv2"):
        return ParsedText(text, tuple(entities or ()))
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")
