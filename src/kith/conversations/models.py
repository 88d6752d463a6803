"""Posts and what hangs on them: edits, mentions, hashtags and reactions (helpful, used it).

Rows are written only by `conversations/actions`; reads that depend on the viewer go through
`conversations/access.py`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kith.core.ids import new_id


class PostKind(models.TextChoices):
    POST = "post", "Post"
    QUESTION = "question", "Question"
    ANSWER = "answer", "Answer"


class PostVisibility(models.TextChoices):
    PUBLIC = "public", "Public"
    FOLLOWERS = "followers", "Followers and connections"
    CONNECTIONS = "connections", "Connections"
    MENTIONED = "mentioned", "Mentioned people only"


class ReplyPolicy(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FOLLOWERS = "followers", "Followers and connections"
    CONNECTIONS = "connections", "Connections"
    MENTIONED = "mentioned", "Mentioned people only"


class QuotePolicy(models.TextChoices):
    ANYONE = "anyone", "Anyone"
    CONNECTIONS = "connections", "Connections"
    NOBODY = "nobody", "Nobody"


class Post(models.Model):
    """A post, question, answer, reply, quote or repost (a repost has no body of its own).

    A deleted post stays as a tombstone (`deleted_at`, body cleared) so threads stay whole.
    `version` goes up with every change to what the post shows: caches key on (id, version).
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", db_index=False
    )
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.POST)
    body = models.TextField(blank=True, help_text="Markdown source, as written")
    html = models.TextField(blank=True, help_text="Rendered and sanitised at write time")
    language = models.CharField(max_length=16, blank=True)
    content_warning = models.CharField(max_length=200, blank=True)
    visibility = models.CharField(
        max_length=12, choices=PostVisibility.choices, default=PostVisibility.PUBLIC
    )
    # A hard-deleted parent (its author's account removed) leaves the replies standing.
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        db_index=False,
    )
    thread_root = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text="The first post of the thread (a root post points to itself)",
    )
    depth = models.PositiveIntegerField(default=0)
    repost_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reposts"
    )
    quote_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    shared_via = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text="A repost or quote: the repost through which its author got the original",
    )
    quote_revoked = models.BooleanField(
        default=False, help_text="The quoted author removed their post from this quote"
    )
    reply_policy = models.CharField(
        max_length=12, choices=ReplyPolicy.choices, default=ReplyPolicy.EVERYONE
    )
    replies_closed = models.BooleanField(default=False, help_text="Closed by the author")
    replies_close_at = models.DateTimeField(
        null=True, blank=True, help_text="Replies close by themselves then (author's setting)"
    )
    quote_policy = models.CharField(
        max_length=12, choices=QuotePolicy.choices, default=QuotePolicy.ANYONE
    )
    accepted_answer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    replies_count = models.PositiveIntegerField(default=0)
    reposts_count = models.PositiveIntegerField(default=0)
    quotes_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    used_count = models.PositiveIntegerField(default=0)
    hashtags = models.ManyToManyField("Hashtag", through="PostHashtag", related_name="posts")
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        db_index=False,
        help_text="Posted in this community (a reply: its thread's community)",
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["author", "id"], name="post_author_id"),
            models.Index(fields=["thread_root", "id"], name="post_thread_id"),
            models.Index(fields=["in_reply_to", "id"], name="post_reply_id"),
            models.Index(fields=["community", "id"], name="post_community_id"),
            # Deleting a repost sets `shared_via` to null on the shares that came through it.
            models.Index(
                fields=["shared_via"],
                condition=Q(shared_via__isnull=False),
                name="post_shared_via",
            ),
            models.Index(
                fields=["id"],
                condition=Q(kind="question", accepted_answer__isnull=True, deleted_at__isnull=True),
                name="post_open_question_id",
            ),
            # Nearly every post accepts no answer: to the planners' statistics the column's
            # full index is one value (NULL), and SQLite scanned every post to find the
            # questions that accepted someone's answers (insights). This one holds only those.
            models.Index(
                fields=["accepted_answer"],
                condition=Q(accepted_answer__isnull=False),
                name="post_accepted_answer",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "author",
                "repost_of",
                condition=Q(repost_of__isnull=False),
                name="post_one_repost_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} by {self.author_id}"

    def get_absolute_url(self) -> str:
        """Return the post's page: under its author's profile, as on Mastodon."""
        return f"{self.author.get_absolute_url()}/{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_repost(self) -> bool:
        return self.repost_of_id is not None

    @property
    def is_root(self) -> bool:
        return self.in_reply_to_id is None

    @property
    def is_question(self) -> bool:
        return self.kind == PostKind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.accepted_answer_id is not None

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    def replies_closed_now(self, now: datetime | None = None) -> bool:
        """Return whether replies to this post are closed, by hand or by the author's setting."""
        if self.replies_closed:
            return True
        return self.replies_close_at is not None and self.replies_close_at <= (
            now or timezone.now()
        )


class PostEdit(models.Model):
    """An earlier version of a post, kept when it was edited (readers see the history)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    version = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    content_warning = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True)
    written_at = models.DateTimeField(help_text="When this version was published")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "version"]
        constraints = [models.UniqueConstraint("post", "version", name="post_edit_unique_version")]


class Mention(models.Model):
    """A person a post mentions: by @handle in the body, or the author replied to."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentioned_in"
    )

    class Meta:
        constraints = [models.UniqueConstraint("post", "person", name="mention_unique")]
        indexes = [models.Index(fields=["person", "post"], name="mention_person_post")]


class Hashtag(models.Model):
    """A #tag, stored once in its normalised (case-folded) form."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        return f"/tags/{self.name}"


class PostHashtag(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint("post", "hashtag", name="post_hashtag_unique")]
        indexes = [models.Index(fields=["hashtag", "post"], name="post_hashtag_tag_post")]


class ReactionKind(models.TextChoices):
    HELPFUL = "helpful", "Helpful"
    USED = "used", "I used it"


class Reaction(models.Model):
    """A reader's report of value: the post was helpful, or they used it (with a story)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=8, choices=ReactionKind.choices)
    story = models.TextField(blank=True, help_text="How they used it (plain text)")
    story_public = models.BooleanField(
        default=False, help_text="Everyone who can see the post can read the story"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("post", "person", "kind", name="reaction_unique"),
        ]
        indexes = [models.Index(fields=["person", "kind", "id"], name="reaction_person_kind")]


class ShortLink(models.Model):
    """An external http(s) URL of one post, linked as /s/<code> so its clicks can be counted."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="short_links")
    code = models.CharField(max_length=16, unique=True)
    url = models.TextField(help_text="The http(s) target, as linked in the post")
    clicks_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint("post", "url", name="short_link_post_url")]

    def __str__(self) -> str:
        return f"/s/{self.code} → {self.url}"

    def get_absolute_url(self) -> str:
        return f"/s/{self.code}"


class Click(models.Model):
    """One follow of a short link: when, and the referring site's host (no IP, no user agent)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="clicks")
    clicked_at = models.DateTimeField(default=timezone.now)
    referrer_host = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["link", "clicked_at"], name="click_link_time")]


class Media(models.Model):
    """An image uploaded by `owner`: a draft until attached to one of their posts.

    Files live outside MEDIA_ROOT under random names and are served by `web.views.media`
    only to people who may see the post (a draft: only its owner).
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="media"
    )
    position = models.PositiveSmallIntegerField(default=0)
    file = models.CharField(max_length=100, unique=True, help_text="Name in the post media store")
    thumbnail = models.CharField(max_length=100, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "position", "id"]
        indexes = [
            models.Index(fields=["post", "position"], name="media_post_position"),
            models.Index(fields=["owner", "id"], name="media_owner_id"),
        ]

    def __str__(self) -> str:
        return f"media {self.pk} of {self.owner_id}"

    @property
    def url(self) -> str:
        return f"/media/posts/{self.file}"

    @property
    def thumbnail_url(self) -> str:
        return f"/media/posts/{self.thumbnail}" if self.thumbnail else self.url

    @property
    def is_draft(self) -> bool:
        return self.post_id is None


class Poll(models.Model):
    """A poll on a post: two to four options, one or several choices, open until `expires_at`.

    Counters live on the row and change only in `actions.polls`, under a lock of this row,
    in the transaction that writes the votes: `option_votes[i]` is the number of votes for
    option i, `votes_count` their sum, `voters_count` the number of people who voted.
    `ended_at` is set once, by the periodic job that tells the author and the voters.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    options = models.JSONField(help_text="The options' titles, in order (2 to 4)")
    option_votes = models.JSONField(help_text="Votes for each option, in the same order")
    multiple = models.BooleanField(default=False, help_text="Voters may choose several options")
    hide_totals = models.BooleanField(
        default=False, help_text="Counts per option are hidden until the poll ends"
    )
    expires_at = models.DateTimeField()
    votes_count = models.PositiveIntegerField(default=0)
    voters_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the end was announced (set once)"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(ended_at__isnull=True),
                name="poll_open_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"poll {self.pk} on post {self.post_id}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class PollVote(models.Model):
    """One option chosen by one voter (a multiple-choice vote is several rows)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes"
    )
    choice = models.PositiveSmallIntegerField(help_text="The option's position, from 0")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["poll", "voter", "choice"]
        constraints = [
            models.UniqueConstraint("poll", "voter", "choice", name="poll_vote_unique"),
        ]
        indexes = [models.Index(fields=["voter", "poll"], name="poll_vote_voter_poll")]


class Bookmark(models.Model):
    """A post `person` keeps to read again: private to them (no one is told)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="bookmark_once_per_post")
        ]
        indexes = [models.Index(fields=["person", "id"], name="bookmark_person_id")]

    def __str__(self) -> str:
        return f"bookmark of {self.post_id} by {self.person_id}"


class Pin(models.Model):
    """One of `person`'s own posts shown first on their profile (at most
    `KITH_PINNED_POSTS_MAX`); readers see it only if the access rule lets them see the post."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pins"
    )
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="pin")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["person", "id"], name="pin_person_id")]

    def __str__(self) -> str:
        return f"pin of {self.post_id} by {self.person_id}"


class ThreadMute(models.Model):
    """A thread (named by its first post) `person` hears nothing more about: no
    notifications from replies, mentions, helpful marks… in it until they unmute it."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_mutes"
    )
    thread_root = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "thread_root"], name="thread_mute_once_per_thread"
            )
        ]

    def __str__(self) -> str:
        return f"mute of thread {self.thread_root_id} by {self.person_id}"
