"""Authoring text: a Markdown subset rendered once at write time, then sanitised.

The subset is CommonMark's paragraphs, emphasis, links, lists, code and block quotes, with
line breaks kept and bare http(s) URLs linked. Raw HTML, images and headings are off. Links
go only to http, https or mailto: markdown-it refuses anything else, and nh3 (an allow-list
sanitiser) checks the output again, so no script, style, event handler or `javascript:` URL
can survive even if the parser is fooled.

`@handle` and `#tag` are found in the text (never inside code or a link) by `parse`; the
caller decides which mentions are real and renders with `render`, which links those.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "ul", "ol", "li", "code", "pre", "blockquote"}
)
TAG_MAX = 64

# A handle is a–z, 0–9, underscore and dot; a mention is not part of a word, an email
# address or a remote @user@host.
MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9_.]{1,30})(?![\w@])", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w&#/])#(\w{1,%d})(?!\w)" % TAG_MAX)  # noqa: UP031
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def normalise_tag(raw: str) -> str | None:
    """Return the stored form of a hashtag (NFC, lower case), or None if it is not one.

    A tag needs at least one letter: `#1` is a number, not a tag.
    """
    tag = unicodedata.normalize("NFC", raw.lstrip("#")).lower()
    if not tag or len(tag) > TAG_MAX or not re.fullmatch(r"\w+", tag):
        return None
    if not any(ch.isalpha() for ch in tag):
        return None
    return tag


def _valid_link(url: str) -> bool:
    """Allow only absolute http, https and mailto links (no relative, no javascript:)."""
    match = _SCHEME_RE.match(url.strip())
    return bool(match) and match.group(1).lower() in LINK_SCHEMES


def _split_mentions_and_tags(state) -> None:
    """Core rule: turn @handle and #tag in text (outside links) into their own tokens."""
    handles: list[str] = state.env.setdefault("handles", [])
    tags: list[str] = state.env.setdefault("tags", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for token in block.children:
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth -= 1
            if (
                token.type != "text"
                or link_depth
                or ("@" not in token.content and "#" not in token.content)
            ):
                children.append(token)
                continue
            children.extend(_split_text(token.content, handles, tags))
        block.children = children


def _split_text(text: str, handles: list[str], tags: list[str]) -> list[Token]:
    found = sorted(
        [
            (m.start(), m.end(), "kith_mention", m.group(1).lower())
            for m in MENTION_RE.finditer(text)
        ]
        + [(m.start(), m.end(), "kith_hashtag", m.group(1)) for m in HASHTAG_RE.finditer(text)]
    )
    tokens: list[Token] = []
    position = 0
    for start, end, kind, value in found:
        if start < position:
            continue
        if kind == "kith_hashtag":
            tag = normalise_tag(value)
            if tag is None:
                continue
            tags.append(tag)
        else:
            handles.append(value)
            if value.endswith("."):  # a handle at the end of a sentence
                handles.append(value.rstrip("."))
        if start > position:
            tokens.append(_text(text[position:start]))
        special = Token(kind, "", 0, content=text[start:end])
        special.meta = {"value": value if kind == "kith_mention" else tag}
        tokens.append(special)
        position = end
    if position < len(text):
        tokens.append(_text(text[position:]))
    return tokens


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    md.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
    md.enable("linkify")
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.validateLink = _valid_link
    md.core.ruler.push("kith_mentions_and_tags", _split_mentions_and_tags)
    md.add_render_rule("kith_mention", _render_mention)
    md.add_render_rule("kith_hashtag", _render_hashtag)
    md.add_render_rule("link_open", _render_link_open)
    return md


def _link(url: str, css_class: str, label: str) -> str:
    from markdown_it.common.utils import escapeHtml

    return f'<a href="{escapeHtml(url)}" class="{css_class}">{escapeHtml(label)}</a>'


def _render_mention(self, tokens, idx, options, env) -> str:
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    urls: Mapping[str, str] = env.get("mention_urls", {})
    handle = token.meta["value"]
    if handle in urls:
        return _link(urls[handle], "mention", f"@{token.content[1:]}")
    short = handle.rstrip(".")
    if short != handle and short in urls:
        label, rest = token.content[: 1 + len(short)], token.content[1 + len(short) :]
        return _link(urls[short], "mention", label) + escapeHtml(rest)
    return escapeHtml(token.content)


def _render_hashtag(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    tag_url: Callable[[str], str] | None = env.get("tag_url")
    if tag_url is None:
        from markdown_it.common.utils import escapeHtml

        return escapeHtml(token.content)
    return _link(tag_url(token.meta["value"]), "hashtag", token.content)


def _render_link_open(self, tokens, idx, options, env) -> str:
    """Point the link at `env["link_url"](href)` when that gives another URL (short links)."""
    token = tokens[idx]
    rewrite: Callable[[str], str | None] | None = env.get("link_url")
    href = token.attrGet("href")
    target = rewrite(str(href)) if rewrite and href else None
    if not target:
        return self.renderToken(tokens, idx, options, env)
    token.attrSet("href", target)
    try:
        return self.renderToken(tokens, idx, options, env)
    finally:
        token.attrSet("href", str(href))


def _collect_links(tokens: list[Token]) -> list[str]:
    """Return the http(s) targets of the links in `tokens`, in order, once each."""
    found: list[str] = []
    for block in tokens:
        for token in block.children or []:
            href = token.attrGet("href") if token.type == "link_open" else None
            if href and str(href).lower().startswith(("http://", "https://")):
                found.append(str(href))
    return list(dict.fromkeys(found))


_MD = _build_parser()
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={"a": {"href"}, "ol": {"start"}},
    allowed_classes={"a": {"mention", "hashtag"}},
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow noopener noreferrer",
    strip_comments=True,
)


def sanitise_html(html: str) -> str:
    """Return `html` with everything outside the allow-list removed."""
    return _CLEANER.clean(html)


@dataclass
class Parsed:
    """A Markdown source, parsed once: the mentions and tags it names, ready to render."""

    source: str
    tokens: list[Token]
    handles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def parse(source: str) -> Parsed:
    """Parse `source` and collect the @handles (lower case) and #tags (normalised) it names."""
    env: dict = {}
    tokens = _MD.parse(source, env)
    return Parsed(
        source=source,
        tokens=tokens,
        handles=list(dict.fromkeys(env.get("handles", []))),
        tags=list(dict.fromkeys(env.get("tags", []))),
        links=_collect_links(tokens),
    )


def render(
    parsed: Parsed,
    *,
    mention_urls: Mapping[str, str] | None = None,
    tag_url: Callable[[str], str] | None = None,
    link_url: Callable[[str], str | None] | None = None,
) -> str:
    """Return the sanitised HTML of `parsed`.

    Only the handles in `mention_urls` (handle → profile URL) become links; other @words stay
    text. Tags link to `tag_url(tag)` when it is given. A link whose target `link_url` maps
    to another URL points there instead; its text stays as written.
    """
    env = {"mention_urls": mention_urls or {}, "tag_url": tag_url, "link_url": link_url}
    html = _MD.renderer.render(parsed.tokens, _MD.options, env)
    return sanitise_html(html).strip()


def render_markdown(source: str) -> str:
    """Return the sanitised HTML of `source`, without mentions or tags linked."""
    return render(parse(source))
