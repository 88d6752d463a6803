"""What reaches people: notifications now; feed entries, digests and live events later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class NotificationKind(models.TextChoices):
    INVITATION = "invitation", "Invitation to connect"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_MESSAGE = "invitation_message", "Message about an invitation"
    INTRO_OFFERED = "intro_offered", "Intro call offered"
    INTRO_SCHEDULED = "intro_scheduled", "Intro call scheduled"
    INTRO_CANCELLED = "intro_cancelled", "Intro call cancelled"
    INTRO_TALKED = "intro_talked", "Confirm you talked"
    CONNECTED = "connected", "New connection"
    FOLLOW = "follow", "New follower"
    FOLLOW_REQUEST = "follow_request", "Follow request"
    CARD_CHANGE = "card_change", "Contact card changed"
    REPLY = "reply", "Reply"
    MENTION = "mention", "Mention"
    ANSWER = "answer", "Answer to your question"
    ACCEPTED_ANSWER = "accepted_answer", "Your answer was accepted"
    HELPFUL = "helpful", "Marked helpful"
    USED_IT = "used_it", "Someone used your post"
    REPOST = "repost", "Repost"
    QUOTE = "quote", "Quote"
    EDIT = "edit", "A post you replied to was edited"
    POLL_ENDED = "poll_ended", "A poll you voted in or wrote ended"
    # Community events (`kith.communities.notices`): to the person concerned...
    COMMUNITY_INVITE = "community_invite", "Invitation to a community"
    COMMUNITY_APPROVED = "community_approved", "Request to join a community approved"
    COMMUNITY_DECLINED = "community_declined", "Request to join a community declined"
    COMMUNITY_ROLE = "community_role", "Your role in a community changed"
    COMMUNITY_POST_REMOVED = "community_removed", "Your post removed by a moderator"
    COMMUNITY_SANCTION = "community_sanction", "Banned or muted in a community"
    COMMUNITY_REPORT_CLOSED = "community_report_done", "A report you filed was handled"
    # ...and to its moderators.
    COMMUNITY_JOIN_REQUEST = "community_join_request", "Request to join (moderators)"
    COMMUNITY_NEW_REPORT = "community_new_report", "New report (moderators)"


class Notification(models.Model):
    """Something a person should know about, stored once per recipient."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # What it is about, so a notification can be de-duplicated and followed to its object.
    invitation = models.ForeignKey(
        "relationships.Invitation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    intro_call = models.ForeignKey(
        "relationships.IntroCall", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact_change = models.ForeignKey(
        "people.ContactChange", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "id"])]

    def __str__(self) -> str:
        return f"→{self.recipient_id}: {self.text}"


class FeedReason(models.TextChoices):
    """Why a post is in someone's home feed (the first half of "why am I seeing this")."""

    OWN = "own", "You wrote it"
    MENTION = "mention", "It mentions you"
    REPLY_TO_YOU = "reply", "It replies to you"
    CONNECTION = "connection", "You are connected to the author"
    FOLLOW = "follow", "You follow the author"
    REPOST = "repost", "Someone you know shared it"
    TOPIC = "topic", "You follow one of its topics"
    COMMUNITY = "community", "You are a member of its community"
    QUESTION = "question", "You answer questions about its topic"


class FeedEntry(models.Model):
    """One post in one person's home feed, written by the fan-out (`feeds.actions`).

    `post` is what is shown: for a repost, the original; `via_post` is then the repost that
    brought it (deleting the repost deletes the entry), `sharer` its author and `via_person`
    the person whose share the sharer saw ("shared by X via Y"). One entry per post per
    feed: a post reposted by ten people appears once. `sort_key` is the id of the post or
    repost that brought the entry (time-sortable): Latest is ordered by it.

    The `score_*` columns are the parts of the ranking known when the entry is written;
    the rest (activity, value, freshness) is read from the post at read time. See
    docs/ranking.md. Access is checked again when the feed is read.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    post = models.ForeignKey(
        "conversations.Post", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    via_post = models.ForeignKey(
        "conversations.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    via_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    reason = models.CharField(max_length=12, choices=FeedReason.choices)
    reason_detail = models.CharField(max_length=80, blank=True, help_text="e.g. the #topic")
    sort_key = models.BigIntegerField()
    score_relationship = models.FloatField(default=0.0)
    score_interest = models.FloatField(default=0.0)
    score_author = models.FloatField(default=0.0, help_text="Negative for broadcasters")
    known_replies = models.PositiveIntegerField(
        default=0, help_text="Replies in its conversation from people the owner knows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sort_key"]
        # Three indexes, each paid for on every row the fan-out writes: (post, owner) is the
        # one-entry-per-post rule and finds a post's entries (removal, re-check) and one
        # owner's entry of a post; (owner, sort_key) is every feed read.
        constraints = [
            models.UniqueConstraint("post", "owner", name="feed_entry_post_owner"),
        ]
        indexes = [
            models.Index(fields=["owner", "sort_key"], name="feed_entry_owner_sort"),
            models.Index(
                fields=["via_post"],
                condition=models.Q(via_post__isnull=False),
                name="feed_entry_via_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.owner_id}'s feed ({self.reason})"


class FeedState(models.Model):
    """When a person last read their feed: readers away 30 days are skipped by the fan-out
    and their feed is backfilled when they come back."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="feed_state",
    )
    last_seen_at = models.DateTimeField(default=timezone.now)
    backfilled_at = models.DateTimeField(null=True, blank=True)


class PersonList(models.Model):
    """A named list of people, with its own feed (their posts the owner may see)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_lists"
    )
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint("owner", "name", name="person_list_unique_name")]

    def __str__(self) -> str:
        return self.name


class PersonListMember(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person_list = models.ForeignKey(PersonList, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("person_list", "person", name="person_list_member_unique")
        ]


class FilterAction(models.TextChoices):
    HIDE = "hide", "Hide the post"
    WARN = "warn", "Show it behind a warning"


class FilterContext(models.TextChoices):
    """Where a filter applies (Mastodon's contexts, which Kith's surfaces map onto)."""

    HOME = "home", "Home feed and lists"
    NOTIFICATIONS = "notifications", "Notifications"
    PUBLIC = "public", "Public and topic timelines"
    THREAD = "thread", "Conversations (threads)"
    ACCOUNT = "account", "Profiles"


def all_contexts() -> list[str]:
    return list(FilterContext.values)


class Filter(models.Model):
    """What the owner does not want to see: posts containing any of its keywords, or the
    posts it names (`statuses`), hidden or shown behind a warning in its contexts, until
    `expires_at` (Mastodon's v2 filter)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_filters"
    )
    title = models.CharField(max_length=100)
    contexts = models.JSONField(default=all_contexts, help_text="FilterContext values")
    action = models.CharField(max_length=4, choices=FilterAction.choices, default=FilterAction.WARN)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def is_active(self, now=None) -> bool:
        return self.expires_at is None or self.expires_at > (now or timezone.now())

    def context_labels(self) -> list[str]:
        return [FilterContext(c).label for c in self.contexts if c in FilterContext.values]


class FilterKeyword(models.Model):
    """A word or phrase of a filter: a post whose text or content warning contains it matches
    (as a whole word, or anywhere)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=100)
    whole_word = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("filter", "keyword", name="filter_keyword_unique"),
        ]

    def __str__(self) -> str:
        return self.keyword


class FilterStatus(models.Model):
    """A post a filter names: it (and reposts of it) matches, whatever its text."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="statuses")
    post = models.ForeignKey("conversations.Post", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint("filter", "post", name="filter_status_unique")]


class AnswerOffer(models.Model):
    """ "I am happy to answer questions about #tag": questions in it from people near the
    person reach their feed (at most `KITH_QUESTIONS_ROUTED_PER_DAY` a day)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answer_offers"
    )
    tag = models.CharField(max_length=64, help_text="Normalised hashtag, without #")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tag"]
        constraints = [models.UniqueConstraint("person", "tag", name="answer_offer_unique")]
        indexes = [models.Index(fields=["tag", "person"], name="answer_offer_tag")]

    def __str__(self) -> str:
        return f"#{self.tag}"
