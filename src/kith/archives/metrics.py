"""The figures of an imported archive: broadcast or conversation, and with whom.

- posts, replies, reposts: what the owner published (a reply to oneself continues one's own
  thread and counts as a post);
- talked with: the people the owner exchanged direct messages with or replied to;
- connections messaged: connections (LinkedIn) or followed and following accounts (X) the
  owner ever sent a direct message to.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

from kith.archives.models import (
    Archive,
    ArchiveContact,
    ArchiveInvitation,
    ArchiveMark,
    ArchiveMessage,
    ArchivePost,
    ContactKind,
    Network,
    PostKind,
)
from kith.archives.records import name_key

TOP = 10


def _connections_messaged(archive: Archive, contacts) -> int:
    """Count distinct `contacts` the owner sent a message to (by profile, else by name)."""
    sent = ArchiveMessage.objects.filter(archive=archive, sent=True)
    matched = contacts.filter(external_id__in=sent.values("counterpart"))
    count = matched.values("external_id").distinct().count()
    names = {
        key.removeprefix("name:")
        for key in sent.filter(counterpart__startswith="name:")
        .values_list("counterpart", flat=True)
        .distinct()
    }
    if names:
        rest = contacts.exclude(external_id__in=sent.values("counterpart"))
        for name in rest.values_list("name", flat=True).iterator(chunk_size=2000):
            count += name_key(name) in names
    return count


def _talked_with(archive: Archive) -> list[dict]:
    """Return the people most talked with: messages both ways and replies, most first."""
    messages = Counter()
    labels: dict[str, str] = {}
    rows = (
        ArchiveMessage.objects.filter(archive=archive)
        .values("counterpart")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        messages[row["counterpart"]] = row["n"]
    named = (
        ArchiveMessage.objects.filter(archive=archive)
        .exclude(counterpart_name="")
        .values_list("counterpart", "counterpart_name")
        .distinct()
    )
    for key, name in named:
        labels.setdefault(key, name)
    replies = Counter(
        {
            row["target"]: row["n"]
            for row in ArchivePost.objects.filter(archive=archive, kind=PostKind.REPLY)
            .exclude(target="")
            .values("target")
            .annotate(n=Count("id"))
            .order_by()
        }
    )
    total = messages + replies
    ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [
        {
            "who": labels.get(key) or key.removeprefix("name:"),
            "messages": messages[key],
            "replies": replies[key],
        }
        for key, _ in ranked
    ]


def archive_figures(archive: Archive) -> dict:
    """Compute the archive's figures from its items (stored on the archive once imported)."""
    posts = dict(
        ArchivePost.objects.filter(archive=archive)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    contacts = dict(
        ArchiveContact.objects.filter(archive=archive)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    messages = ArchiveMessage.objects.filter(archive=archive).aggregate(
        n_sent=Count("id", filter=Q(sent=True)),
        n_received=Count("id", filter=Q(sent=False)),
        people_messaged=Count("counterpart", filter=Q(sent=True), distinct=True),
        people=Count("counterpart", distinct=True),
    )
    invitations = ArchiveInvitation.objects.filter(archive=archive).aggregate(
        n_sent=Count("id", filter=Q(outgoing=True)),
        n_received=Count("id", filter=Q(outgoing=False)),
    )
    marks = dict(
        ArchiveMark.objects.filter(archive=archive)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    reply_targets = (
        ArchivePost.objects.filter(archive=archive, kind=PostKind.REPLY)
        .exclude(target="")
        .values("target")
        .distinct()
        .count()
    )
    all_contacts = ArchiveContact.objects.filter(archive=archive)
    if archive.network == Network.X:
        # On X a connection is a mutual follow; messages count with anyone followed or following.
        connections = (
            all_contacts.filter(kind=ContactKind.FOLLOWING)
            .filter(
                external_id__in=all_contacts.filter(kind=ContactKind.FOLLOWER).values("external_id")
            )
            .count()
        )
        pool = all_contacts
    else:
        connections = contacts.get(ContactKind.CONNECTION, 0)
        pool = all_contacts.filter(kind=ContactKind.CONNECTION)
    figures = {
        "network": archive.network,
        "account": archive.account,
        "posts": posts.get(PostKind.POST, 0),
        "replies": posts.get(PostKind.REPLY, 0),
        "reposts": posts.get(PostKind.REPOST, 0),
        "connections": connections,
        "followers": contacts.get(ContactKind.FOLLOWER, 0),
        "following": contacts.get(ContactKind.FOLLOWING, 0),
        "messages_sent": messages["n_sent"],
        "messages_received": messages["n_received"],
        "people_messaged": messages["people_messaged"],
        "people_in_messages": messages["people"],
        "connections_messaged": _connections_messaged(archive, pool),
        "invitations_sent": invitations["n_sent"],
        "invitations_received": invitations["n_received"],
        "likes": marks.get("like", 0),
        "bookmarks": marks.get("bookmark", 0),
        "reply_targets": reply_targets,
        "talked_with": _talked_with(archive),
    }
    figures["headline"] = headline(figures)
    return figures


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def headline(figures: dict) -> str:
    """Say the archive's figures in one sentence, in the words of its network."""
    network = figures.get("network")
    if network == Network.LINKEDIN:
        return (
            f"On LinkedIn: {_n(figures['connections'], 'connection')}, "
            f"messaged {figures['connections_messaged']:,}."
        )
    total = figures["posts"] + figures["replies"] + figures["reposts"]
    if network == Network.X:
        return (
            f"On X: {_n(total, 'post')} ({_n(figures['replies'], 'reply', 'replies')}, "
            f"{_n(figures['reposts'], 'repost')}), following {figures['following']:,}, "
            f"messaged {_n(figures['people_messaged'], 'person', 'people')}."
        )
    return (
        f"On Mastodon: {_n(total, 'post')} ({_n(figures['replies'], 'reply', 'replies')} to "
        f"{_n(figures['reply_targets'], 'person', 'people')}, {_n(figures['reposts'], 'boost')})."
    )
