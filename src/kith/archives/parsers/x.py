"""An X (Twitter) archive: data/account.js, data/tweets.js or tweets-part1.js, … (each
starting `window.YTD.tweets.part0 = `), follower.js, following.js and direct-messages.js."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import ijson
from ijson.common import ObjectBuilder

from kith.archives.parsers.base import Opener, Parser, one_entry
from kith.archives.parsers.linkedin import MONTHS
from kith.archives.readers import expect, iter_json, json_error, json_stream, read_small_json
from kith.archives.records import TEXT_MAX, Account, ContactRecord, MessageRecord, PostRecord, clip
from kith.archives.sources import ArchiveError, Entry, Source

ACCOUNT = re.compile(r"(^|/)data/account\.js$", re.IGNORECASE)
TWEETS = re.compile(r"(^|/)data/tweets?(-part\d+)?\.js$", re.IGNORECASE)
FOLLOWERS = re.compile(r"(^|/)data/follower(-part\d+)?\.js$", re.IGNORECASE)
FOLLOWING = re.compile(r"(^|/)data/following(-part\d+)?\.js$", re.IGNORECASE)
MESSAGES = re.compile(r"(^|/)data/direct-messages(-group)?(-part\d+)?\.js$", re.IGNORECASE)
_RETWEET = re.compile(r"^RT @(\w+):")
_MESSAGE = "item.dmConversation.messages.item"


def _tweet_time(value, *, file: str) -> datetime | None:
    """Parse `Wed Oct 10 20:19:24 +0000 2018` (or an ISO 8601 time)."""
    if not value:
        return None
    text = str(value)
    parts = text.split(" ")
    if len(parts) == 6 and parts[4] == "+0000" and parts[1].lower() in MONTHS:
        try:  # by hand: strptime costs a tenth of a large import
            hour, minute, second = (int(n) for n in parts[3].split(":"))
            month = MONTHS[parts[1].lower()]
            return datetime(int(parts[5]), month, int(parts[2]), hour, minute, second, tzinfo=UTC)
        except ValueError:
            pass
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ArchiveError(f"cannot read the date {text[:40]!r}", file=file) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _unwrap(item, key: str, *, file: str) -> dict:
    """Return `item[key]` for the `[{"tweet": {…}}, …]` shape (or the item itself, older)."""
    expect(item, dict, name=file, what="an array item")
    inner = item.get(key, item)
    return expect(inner, dict, name=file, what=f"a {key!r} item")


class XParser(Parser):
    network = "x"

    def plan(self, source: Source) -> list[Entry]:
        self.account = one_entry(source, ACCOUNT, "data/account.js", required=True)
        self.tweets = source.find(TWEETS)
        if not self.tweets:
            raise ArchiveError("data/tweets.js is missing from the archive", file=source.label)
        self.followers = source.find(FOLLOWERS)
        self.following = source.find(FOLLOWING)
        self.messages = source.find(MESSAGES)
        return [self.account, *self.tweets, *self.followers, *self.following, *self.messages]

    def records(self, source: Source, open_entry: Opener) -> Iterator:
        with open_entry(self.account) as stream:
            items = read_small_json(stream, name=self.account.name, ytd=True)
        expect(items, list, name=self.account.name, what="the account list")
        if not items:
            raise ArchiveError("names no account", file=self.account.name)
        account = _unwrap(items[0], "account", file=self.account.name)
        me = str(account.get("accountId") or "")
        if not me:
            raise ArchiveError("has no accountId", file=self.account.name)
        yield Account("@" + str(account.get("username") or me))
        for entry in self.tweets:
            with open_entry(entry) as stream:
                for item in iter_json(stream, name=entry.name, ytd=True):
                    yield self._tweet(_unwrap(item, "tweet", file=entry.name), me, entry.name)
        for entries, key in ((self.followers, "follower"), (self.following, "following")):
            for entry in entries:
                with open_entry(entry) as stream:
                    for item in iter_json(stream, name=entry.name, ytd=True):
                        other = _unwrap(item, key, file=entry.name)
                        account_id = str(other.get("accountId") or "")
                        if account_id:
                            yield ContactRecord(kind=key, external_id=clip(account_id, 300))
        for entry in self.messages:
            yield from self._messages(entry, open_entry, me)

    def _tweet(self, tweet: dict, me: str, file: str) -> PostRecord:
        tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
        if not tweet_id:
            raise ArchiveError("a tweet has no id_str", file=file)
        text = str(tweet.get("full_text") or tweet.get("text") or "")
        when = _tweet_time(tweet.get("created_at"), file=file)
        retweet = _RETWEET.match(text)
        if retweet:
            return PostRecord(tweet_id, "repost", when, clip(text, TEXT_MAX), retweet[1].lower())
        reply_to = str(tweet.get("in_reply_to_status_id_str") or "")
        to_user = str(tweet.get("in_reply_to_user_id_str") or "")
        if reply_to and to_user != me:
            target = str(tweet.get("in_reply_to_screen_name") or to_user).lower()
            return PostRecord(tweet_id, "reply", when, clip(text, TEXT_MAX), clip(target, 300))
        # A reply to oneself continues one's own thread: a post, not a conversation.
        return PostRecord(tweet_id, "post", when, clip(text, TEXT_MAX))

    def _messages(self, entry: Entry, open_entry: Opener, me: str) -> Iterator[MessageRecord]:
        """Stream messages one at a time, even from a conversation of thousands."""
        with open_entry(entry) as stream:
            conversation = ""
            builder = None
            try:
                for prefix, event, value in ijson.parse(
                    json_stream(stream, name=entry.name, ytd=True)
                ):
                    if builder is not None:
                        builder.event(event, value)
                        if prefix == _MESSAGE and event == "end_map":
                            yield from self._message(builder.value, conversation, me, entry.name)
                            builder = None
                    elif prefix == "item.dmConversation.conversationId" and event == "string":
                        conversation = value
                    elif prefix == _MESSAGE and event == "start_map":
                        builder = ObjectBuilder()
                        builder.event(event, value)
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                raise json_error(exc, entry.name) from None

    def _message(self, item, conversation: str, me: str, file: str) -> Iterator[MessageRecord]:
        message = item.get("messageCreate") if isinstance(item, dict) else None
        if not isinstance(message, dict):
            return  # reactions, joins and leaves are not messages
        sender = str(message.get("senderId") or "")
        recipient = str(message.get("recipientId") or "")
        sent = sender == me
        other = recipient if sent else sender
        if sent and not recipient:
            other = "group:" + conversation
        yield MessageRecord(
            external_id=clip(str(message.get("id") or ""), 64) or clip(conversation, 64),
            conversation=clip(conversation, 200),
            counterpart=clip(other, 300),
            counterpart_name="",
            sent=sent,
            sent_at=_tweet_time(message.get("createdAt"), file=file),
        )
