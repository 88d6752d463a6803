"""One parser per network; each yields plain records from a checked, streamed source."""

from __future__ import annotations

from kith.archives.parsers.base import Parser
from kith.archives.parsers.linkedin import LinkedInParser
from kith.archives.parsers.mastodon import MastodonParser
from kith.archives.parsers.x import XParser

PARSERS: dict[str, type[Parser]] = {
    "linkedin": LinkedInParser,
    "mastodon": MastodonParser,
    "x": XParser,
}


def parser_for(network: str) -> Parser:
    """Return a fresh parser for `network` (linkedin, mastodon or x)."""
    return PARSERS[network]()
