"""vCard 3.0 from a card entry: the one place that decides what a contact card file says.

Every surface (the .vcf download, the API, CardDAV) renders cards here, from the fields the
reader may see (`kith.contacts.access.address_book_entries`, built on `people.access`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from urllib.parse import urlsplit

import vobject
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from kith.contacts.access import CardEntry
from kith.people.models import FieldKind
from kith.relationships.models import HowMet

logger = logging.getLogger(__name__)

# Bump when the rendering changes, so every card gets a new ETag and phones fetch it again.
CARD_FORMAT = 1
PRODID = "-//Kith//Kith contacts//EN"
CONTENT_TYPE = "text/vcard; charset=utf-8"
PHOTO_SIDE = 256
MAX_LINE_OCTETS = 75


def card_uid(person_id: int) -> str:
    """Return the stable vCard UID of a person's card."""
    host = urlsplit(settings.BASE_URL).hostname or "kith"
    return f"kith-{person_id}@{host}"


def content_hash(entry: CardEntry) -> str:
    """Return a fingerprint of everything the card shows (REV aside): it changes exactly when
    the rendered card would."""
    person, connection = entry.person, entry.connection
    canonical = [
        CARD_FORMAT,
        settings.BASE_URL,
        person.pk,
        person.handle,
        person.display_name,
        person.bio,
        person.avatar,
        connection.since.isoformat(),
        connection.how_met,
        connection.how_met_detail,
        [(f.kind, f.label, f.value) for f in entry.fields],
    ]
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()[:24]


def _name_parts(display_name: str) -> tuple[str, str]:
    """Split a display name into (family, given) the way most address books expect."""
    words = display_name.split()
    if len(words) < 2:
        return "", display_name
    return words[-1], " ".join(words[:-1])


def _note(entry: CardEntry) -> str:
    lines = []
    if entry.person.bio:
        lines += [entry.person.bio, ""]
    custom = [f for f in entry.fields if f.kind == FieldKind.CUSTOM]
    if custom:
        lines += [f"{f.label}: {f.value}" for f in custom] + [""]
    connection = entry.connection
    how = HowMet(connection.how_met).label if connection.how_met in HowMet.values else ""
    if connection.how_met_detail:
        how = f"{how} ({connection.how_met_detail})" if how else connection.how_met_detail
    since = connection.since.astimezone(UTC)
    since = f"{since.day} {since:%b %Y}"
    lines.append(f"Connected on Kith since {since}" + (f" · {how}" if how else ""))
    return "\n".join(lines)


def avatar_jpeg(name: str) -> bytes | None:
    """Return the avatar stored as `name` as a small JPEG (phones may not read WebP)."""
    if not name:
        return None
    key = f"kith:vcard-photo:{PHOTO_SIDE}:{name}"  # avatar names are never reused
    data = cache.get(key)
    if data is not None:
        return data
    try:
        with default_storage.open(name, "rb") as handle:
            image = Image.open(handle)
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("avatar %s could not be read for a vCard", name)
        return None
    image = ImageOps.fit(image.convert("RGB"), (PHOTO_SIDE, PHOTO_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    data = out.getvalue()
    cache.set(key, data, timeout=30 * 24 * 3600)
    return data


def card_component(entry: CardEntry, *, rev: datetime, photos: bool = False):
    """Return the vobject vCard 3.0 component of `entry`."""
    person = entry.person
    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("prodid").value = PRODID
    card.add("uid").value = card_uid(person.pk)
    card.add("fn").value = person.display_name
    family, given = _name_parts(person.display_name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("nickname").value = person.handle
    for field in entry.fields:
        if field.kind == FieldKind.ORGANISATION:
            card.add("org").value = [field.value]
        elif field.kind == FieldKind.JOB_TITLE:
            card.add("title").value = field.value
        elif field.kind == FieldKind.PHONE:
            card.add("tel").value = field.value
        elif field.kind == FieldKind.EMAIL:
            line = card.add("email")
            line.value = field.value
            line.type_param = "INTERNET"
        elif field.kind == FieldKind.WEBSITE:
            card.add("url").value = field.value
        elif field.kind == FieldKind.LOCATION:
            card.add("adr").value = vobject.vcard.Address(city=field.value)
        else:
            line = card.add("x-kith-field")
            line.value = field.value
            # A parameter value may not hold a double quote (RFC 2426 §4).
            line.params["X-LABEL"] = [field.label.replace('"', "'")]
    profile = card.add("url", group="kith")
    profile.value = settings.BASE_URL + person.get_absolute_url()
    card.add("x-ablabel", group="kith").value = "Kith"
    card.add("note").value = _note(entry)
    card.add("categories").value = ["Kith"]
    card.add("rev").value = rev.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    if photos:
        jpeg = avatar_jpeg(person.avatar)
        if jpeg:
            photo = card.add("photo")
            photo.encoding_param = "b"
            photo.type_param = "JPEG"
            photo.value = jpeg
    return card


def _fold(text: str) -> str:
    """Fold content lines longer than 75 octets (vobject leaves base64 lines whole)."""
    out: list[str] = []
    for line in text.split("\r\n"):
        if len(line.encode()) <= MAX_LINE_OCTETS:
            out.append(line)
            continue
        chunk, size, limit = [], 0, MAX_LINE_OCTETS
        for char in line:
            width = len(char.encode())
            if size + width > limit:
                out.append("".join(chunk))
                chunk, size, limit = [" "], 1, MAX_LINE_OCTETS
            chunk.append(char)
            size += width
        out.append("".join(chunk))
    return "\r\n".join(out)


class _RenderedCards:
    """The last rendered cards of this process, up to a total size, least recently used out.

    vobject takes most of a millisecond per card, most of a full sync's time. A card's text
    depends only on its content fingerprint, its REV and whether photos are embedded, so
    that triple is a safe key: any change to what the card shows changes the fingerprint.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.texts: OrderedDict[tuple, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self.lock:
            text = self.texts.get(key)
            if text is not None:
                self.texts.move_to_end(key)
            return text

    def put(self, key: tuple, text: str) -> None:
        with self.lock:
            if key in self.texts or len(text) > self.max_bytes:
                return
            self.texts[key] = text
            self.size += len(text)
            while self.size > self.max_bytes:
                _, dropped = self.texts.popitem(last=False)
                self.size -= len(dropped)


_rendered = _RenderedCards(max_bytes=32 * 1024 * 1024)


def card_text(entry: CardEntry, *, rev: datetime, photos: bool = False) -> str:
    """Return the vCard 3.0 text of `entry` (CRLF line ends, folded)."""
    key = (content_hash(entry), rev.timestamp(), photos)
    text = _rendered.get(key)
    if text is None:
        text = _fold(card_component(entry, rev=rev, photos=photos).serialize())
        _rendered.put(key, text)
    return text


def cards_text(entries_with_revs, *, photos: bool = False) -> str:
    """Return many cards as one .vcf file's text: `entries_with_revs` yields (entry, rev)."""
    return "".join(card_text(entry, rev=rev, photos=photos) for entry, rev in entries_with_revs)
