"""LinkedIn's data export: Connections.csv (after a "Notes:" preamble), messages.csv and
Invitations.csv, in the zip LinkedIn sends or as the loose CSV files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

from kith.archives.parsers.base import Opener, Parser, one_entry
from kith.archives.readers import Row, read_csv
from kith.archives.records import (
    Account,
    ContactRecord,
    InvitationRecord,
    MessageRecord,
    clip,
    digest,
    name_key,
    url_key,
)
from kith.archives.sources import ArchiveError, Entry, Source

CONNECTIONS = re.compile(r"(^|/)connections\.csv$", re.IGNORECASE)
MESSAGES = re.compile(r"(^|/)messages\.csv$", re.IGNORECASE)
INVITATIONS = re.compile(r"(^|/)invitations\.csv$", re.IGNORECASE)
LOOSE = re.compile(r"^(connections|messages|invitations)\.csv$", re.IGNORECASE)

CONNECTION_COLUMNS = {
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
}
MESSAGE_COLUMNS = {
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "ATTACHMENTS",
    "IS MESSAGE DRAFT",
}
INVITATION_COLUMNS = {
    "From",
    "To",
    "Sent At",
    "Message",
    "Direction",
    "inviterProfileUrl",
    "inviteeProfileUrl",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{4})$")
_US_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$"
)


def _connected_on(text: str, *, file: str, line: int) -> datetime | None:
    """Parse `03 Nov 2021` (also `2021-11-03`)."""
    text = text.strip()
    if not text:
        return None
    match = _DAY_MONTH_YEAR.match(text)
    try:
        if match and match[2].lower() in MONTHS:
            day, month, year = int(match[1]), MONTHS[match[2].lower()], int(match[3])
            return datetime(year, month, day, tzinfo=UTC)
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        pass
    raise ArchiveError(f"cannot read the date {text[:40]!r}", file=file, line=line)


def _timestamp(text: str, *, file: str, line: int) -> datetime | None:
    """Parse `2023-06-11 15:33:58 UTC` or `9/15/23, 10:36 AM` (UTC)."""
    text = text.strip()
    if not text:
        return None
    try:
        if text.endswith(" UTC"):
            return datetime.fromisoformat(text[:-4]).replace(tzinfo=UTC)
        match = _US_DATE.match(text)
        if match:
            month, day, year, hour, minute = (int(match[i]) for i in (1, 2, 3, 4, 5))
            year += 2000 if year < 100 else 0
            if match[7]:
                hour = hour % 12 + (12 if match[7].lower() == "pm" else 0)
            return datetime(year, month, day, hour, minute, int(match[6] or 0), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    raise ArchiveError(f"cannot read the date {text[:40]!r}", file=file, line=line)


def _urls(text: str) -> list[str]:
    return [url_key(u) for u in re.split(r"[;,\s]+", text) if u.strip()]


class LinkedInParser(Parser):
    network = "linkedin"
    loose = LOOSE

    def plan(self, source: Source) -> list[Entry]:
        connections = one_entry(source, CONNECTIONS, "Connections.csv", required=False)
        messages = one_entry(source, MESSAGES, "messages.csv", required=False)
        invitations = one_entry(source, INVITATIONS, "Invitations.csv", required=False)
        found = [e for e in (connections, messages, invitations) if e is not None]
        if not found:
            raise ArchiveError(
                "none of Connections.csv, messages.csv, Invitations.csv is in the archive",
                file=source.label,
            )
        self.entries = (connections, messages, invitations)
        # messages.csv is read twice: once to find whose archive it is, once for the messages.
        return found + ([messages] if messages else [])

    def records(self, source: Source, open_entry: Opener) -> Iterator:
        connections, messages, invitations = self.entries
        if connections is not None:
            yield from self._connections(connections, open_entry)
        if messages is not None:
            yield from self._messages(messages, open_entry)
        if invitations is not None:
            yield from self._invitations(invitations, open_entry)

    def _connections(self, entry: Entry, open_entry: Opener) -> Iterator[ContactRecord]:
        with open_entry(entry) as stream:
            for row in read_csv(
                stream,
                name=entry.name,
                required={"First Name", "Last Name", "URL", "Connected On"},
                known=CONNECTION_COLUMNS,
                header_starts="First Name",
            ):
                name = f"{row.get('First Name')} {row.get('Last Name')}".strip()
                url = url_key(row.get("URL"))
                yield ContactRecord(
                    kind="connection",
                    external_id=url or digest("connection", name, row.get("Company")),
                    name=clip(name, 200),
                    email=clip(row.get("Email Address"), 254).lower(),
                    company=clip(row.get("Company"), 200),
                    position=clip(row.get("Position"), 200),
                    connected_at=_connected_on(
                        row.get("Connected On"), file=entry.name, line=row.line
                    ),
                )

    def _message_rows(self, entry: Entry, open_entry: Opener) -> Iterator[Row]:
        with open_entry(entry) as stream:
            yield from read_csv(
                stream,
                name=entry.name,
                required={"CONVERSATION ID", "FROM", "SENDER PROFILE URL", "TO", "DATE"},
                known=MESSAGE_COLUMNS,
                header_starts="CONVERSATION ID",
            )

    def _owner(self, entry: Entry, open_entry: Opener) -> tuple[str, str]:
        """Return the archive owner's profile URL and name: who takes part in most messages."""
        urls: Counter[str] = Counter()
        names: Counter[str] = Counter()
        for row in self._message_rows(entry, open_entry):
            for url in {
                url_key(row.get("SENDER PROFILE URL")),
                *_urls(row.get("RECIPIENT PROFILE URLS")),
            }:
                if url:
                    urls[url] += 1
            names[name_key(row.get("FROM"))] += 1
            names[name_key(row.get("TO"))] += 1
        url = urls.most_common(1)[0][0] if urls else ""
        return url, (names.most_common(1)[0][0] if names else "")

    def _messages(self, entry: Entry, open_entry: Opener) -> Iterator:
        owner_url, owner_name = self._owner(entry, open_entry)
        if owner_url:
            yield Account(owner_url)
        for row in self._message_rows(entry, open_entry):
            if row.get("IS MESSAGE DRAFT").lower() == "true":
                continue
            sender = url_key(row.get("SENDER PROFILE URL"))
            sent = sender == owner_url if owner_url else name_key(row.get("FROM")) == owner_name
            when = _timestamp(row.get("DATE"), file=entry.name, line=row.line)
            if sent:
                others = [u for u in _urls(row.get("RECIPIENT PROFILE URLS")) if u != owner_url]
                names = [row.get("TO")] if len(others) <= 1 else [""] * len(others)
                if not others:
                    others = ["name:" + name_key(row.get("TO"))]
            else:
                others = [sender or "name:" + name_key(row.get("FROM"))]
                names = [row.get("FROM")]
            for other, other_name in zip(others, names, strict=True):
                yield MessageRecord(
                    external_id=digest(
                        row.get("CONVERSATION ID"),
                        row.get("DATE"),
                        sender,
                        row.get("CONTENT"),
                        other,
                    ),
                    conversation=clip(row.get("CONVERSATION ID"), 200),
                    counterpart=clip(other, 300),
                    counterpart_name=clip(other_name, 200),
                    sent=sent,
                    sent_at=when,
                )

    def _invitations(self, entry: Entry, open_entry: Opener) -> Iterator[InvitationRecord]:
        with open_entry(entry) as stream:
            for row in read_csv(
                stream,
                name=entry.name,
                required={"From", "To", "Sent At", "Direction"},
                known=INVITATION_COLUMNS,
                header_starts="From",
            ):
                direction = row.get("Direction").upper()
                if direction not in {"INCOMING", "OUTGOING"}:
                    raise ArchiveError(
                        f"Direction is {direction[:20]!r}, not INCOMING or OUTGOING",
                        file=entry.name,
                        line=row.line,
                    )
                outgoing = direction == "OUTGOING"
                name = row.get("To") if outgoing else row.get("From")
                url = url_key(row.get("inviteeProfileUrl" if outgoing else "inviterProfileUrl"))
                yield InvitationRecord(
                    external_id=digest(direction, name, url, row.get("Sent At")),
                    counterpart=clip(url or "name:" + name_key(name), 300),
                    counterpart_name=clip(name, 200),
                    outgoing=outgoing,
                    sent_at=_timestamp(row.get("Sent At"), file=entry.name, line=row.line),
                )
