"""A believable, deterministic demo network: the same seed gives the same people and graph."""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from kith.communities.demo import add_communities
from kith.people import actions
from kith.people.models import FieldKind, InvitationPolicy, Person, PostingDay, Visibility
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import (
    OverBudget,
    follow_create,
    follow_request_approve,
)
from kith.relationships.attention import WINDOW_DAYS
from kith.relationships.models import Connection, Follow, FollowStatus, HowMet

DEMO_PASSWORD = "kith-demo-password"
STAFF_HANDLE = "moderator"
INTERESTS = [
    "gardening",
    "python",
    "rust",
    "jazz",
    "climbing",
    "urbanism",
    "cycling",
    "photography",
    "ux-research",
    "machine-learning",
    "cooking",
    "birding",
    "open-source",
    "parenting",
    "running",
    "chess",
    "poetry",
    "history",
    "climate",
    "education",
    "design",
    "music",
]
BIOS = [
    "Curious about {a} and {b}. Happy to swap notes over coffee.",
    "I work on {a}; off hours it is mostly {b}.",
    "Learning {a} in public. Ask me anything about {b}.",
    "{a} by day, {b} by night. Always up for a good question.",
    "Here to talk, not to broadcast. Into {a} and {b}.",
]
VISIBILITY_WEIGHTS = [(Visibility.PUBLIC, 4), (Visibility.CONNECTIONS, 5), (Visibility.ONLY_ME, 1)]


@dataclass(frozen=True)
class DemoResult:
    people: list[Person]
    connections: int
    staff: Person
    follows: int = 0
    posts: int = 0


def _pick_visibility(rng: random.Random) -> str:
    values, weights = zip(*VISIBILITY_WEIGHTS, strict=True)
    return rng.choices(values, weights=weights)[0]


def _handle_for(first: str, last: str, taken: set[str]) -> str:
    base = "".join(ch for ch in f"{first}{last[:1]}".lower() if ch.isalnum())[:26] or "person"
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}{n}"
    taken.add(handle)
    return handle


def load_demo(
    *, people: int = 40, seed: int = 7, progress: Callable[[int], None] | None = None
) -> DemoResult:
    """Create `people` people with cards, interests and connections, reproducibly from `seed`."""
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: Argon2 per person is slow
    taken = set(Person.objects.values_list("handle", flat=True))
    created: list[Person] = []
    with transaction.atomic():
        staff = Person.objects.filter(handle=STAFF_HANDLE).first() or actions.person_create(
            handle=STAFF_HANDLE,
            display_name="Kith moderator",
            email="moderator@example.org",
            password_hash=password_hash,
            confirmed=True,
            is_staff=True,
        )
        taken.add(STAFF_HANDLE)
        for i in range(people):
            first, last = fake.first_name(), fake.last_name()
            handle = _handle_for(first, last, taken)
            person = actions.person_create(
                handle=handle,
                display_name=f"{first} {last}",
                email=f"{handle}@example.org",
                password_hash=password_hash,
                confirmed=True,
            )
            a, b = rng.sample(INTERESTS, 2)
            actions.person_update_profile(
                person=person,
                bio=rng.choice(BIOS).format(a=a.replace("-", " "), b=b.replace("-", " ")),
                interests=rng.sample(INTERESTS, rng.randint(2, 5)),
                reading_capacity=rng.choice([50, 80, 100, 150, 200]),
                invitation_policy=rng.choice(InvitationPolicy.values),
            )
            card = [
                (FieldKind.JOB_TITLE, "", fake.job()[:200]),
                (FieldKind.ORGANISATION, "", fake.company()),
                (FieldKind.LOCATION, "", fake.city()),
                (FieldKind.EMAIL, "", f"{handle}@example.org"),
                (
                    FieldKind.PHONE,
                    "",
                    f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                ),
            ]
            if rng.random() < 0.5:
                card.append((FieldKind.WEBSITE, "", f"https://{handle}.example.org/"))
            if rng.random() < 0.3:
                card.append(
                    (FieldKind.CUSTOM, "Pronouns", rng.choice(["she/her", "he/him", "they/them"]))
                )
            for kind, label, value in card:
                actions.contact_field_add(
                    person=person,
                    kind=kind,
                    label=label,
                    value=value,
                    visibility=_pick_visibility(rng),
                )
            created.append(person)
            if progress:
                progress(i + 1)
        before = Connection.objects.count()
        for person in created:
            for other in rng.sample(created, min(len(created), rng.randint(2, 6))):
                if other.pk != person.pk:
                    connection_create(
                        person=person,
                        other=other,
                        how_met=rng.choice(HowMet.values[:4]),
                    )
        follows = _add_activity(created, seed)
        _add_invitations(created, seed)
        add_communities(created, seed)
        posts = _add_conversations(created, seed)
    return DemoResult(
        people=created,
        connections=Connection.objects.count() - before,
        staff=staff,
        follows=follows,
        posts=posts,
    )


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson-distributed count (Knuth's method; means here stay small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _add_activity(people: list[Person], seed: int) -> int:
    """Give everyone a 30-day posting history and some follows; return the follows made.

    Most people post a little, some moderately and a few a lot, quieter at weekends; a few
    accounts are locked, with some requests approved and some waiting. Follows that would
    pass a reader's capacity are mostly skipped, sometimes confirmed, as people do.
    """
    rng = random.Random(f"{seed}-activity")  # its own stream: the people and graph stay put
    today = timezone.localdate()
    rows = []
    for person in people:
        kind = rng.random()
        if kind < 0.6:
            rate = rng.uniform(0.1, 2.0)
        elif kind < 0.9:
            rate = rng.uniform(2.0, 6.0)
        else:
            rate = rng.uniform(10.0, 25.0)
        for offset in range(WINDOW_DAYS):
            day = today - timedelta(days=offset)
            posts = _poisson(rng, rate * (0.6 if day.weekday() >= 5 else 1.0))
            if posts:
                rows.append(PostingDay(person=person, day=day, posts=posts))
    PostingDay.objects.bulk_create(rows)
    for person in people:
        if rng.random() < 0.15:
            actions.person_update_profile(person=person, is_locked=True)
    for person in people:
        for other in rng.sample(people, min(len(people), rng.randint(3, 10))):
            if other.pk == person.pk:
                continue
            try:
                follow_create(follower=person, target=other)
            except OverBudget:
                if rng.random() < 0.25:
                    follow_create(follower=person, target=other, confirm_over_budget=True)
    waiting = Follow.objects.filter(
        target_person__in=people, status=FollowStatus.REQUESTED
    ).select_related("target_person")
    for follow in waiting.order_by("id"):
        if rng.random() < 0.5:
            follow_request_approve(person=follow.target_person, follow=follow)
    return Follow.objects.filter(follower__in=people).count()


INVITATION_NOTES = [
    "We met at the community garden open day — would love to stay in touch.",
    "Great talk last week! I had a question about your slides.",
    "We were on the same project call on Tuesday.",
    "",
]


def _add_invitations(people: list[Person], seed: int) -> None:
    """Leave the first people (the logins `kith run` prints) some invitations to answer.

    Each goes through the real action, so recipients whose policy asks for an intro call get
    one, with times offered for a few days ahead.
    """
    from django.core.exceptions import ValidationError

    from kith.relationships.actions.intro_calls import intro_call_propose
    from kith.relationships.actions.invitations import invitation_send
    from kith.relationships.models import IntroCall

    rng = random.Random(f"{seed}-invitations")
    for recipient in people[:5]:
        senders = [p for p in people[5:] if p.pk != recipient.pk]
        for sender in rng.sample(senders, min(3, len(senders))):
            try:
                invitation = invitation_send(
                    sender=sender,
                    recipient=recipient,
                    how_known=rng.choice([HowMet.IN_PERSON, HowMet.CALL]),
                    note=rng.choice(INVITATION_NOTES),
                )
            except ValidationError:  # already connected, or invited the other way
                continue
            call = IntroCall.objects.filter(invitation=invitation).first()
            if call is not None and not call.slots.exists():
                day = timezone.localdate() + timedelta(days=rng.randint(2, 5))
                intro_call_propose(
                    call=call,
                    by=recipient,
                    time_zone="Europe/London",
                    slots=[f"{day.isoformat()}T{hour:02d}:00" for hour in (10, 14, 17)],
                    join_url="https://meet.example.org/" + recipient.handle,
                )


POSTS = [
    "Spent the morning on {a}. Small steps, but it is coming together. #{tag}",
    "Three things I wish I had known when I started with {a}:\n\n1. Start small\n2. Ask early\n"
    "3. Write down what worked\n\n#{tag}",
    "If you are into {a}, this is a good read: https://example.org/{tag}/guide #{tag}",
    "Hot take: **{a}** is more about patience than talent. #{tag}",
    "Trying something new with {a} this week; will report back. #{tag}",
    "Notes from last night's {a} meetup: great people, better questions. #{tag}",
]
QUESTIONS = [
    "What is the one resource you would give someone starting with {a}? #{tag}",
    "How do you find time for {a} with a full-time job? #{tag}",
    "Is it worth paying for a course on {a}, or is learning alone fine? #{tag}",
    "What mistake in {a} taught you the most? #{tag}",
]
ANSWERS = [
    "Start with the basics and do a little every day; it adds up faster than you think.",
    "A local group helped me most: people explain things no book does.",
    "I kept a *log* of every attempt. Looking back at it is the best teacher.",
    "Find one person a step ahead of you and ask them questions. Most people love to help.",
    "Honestly? Learning alone worked, but a course saved me months of confusion.",
]
REPLIES = [
    "This is really useful, thank you!",
    "I had the same experience, especially the first point.",
    "Would love to hear how it goes.",
    "Interesting: I found the opposite, but maybe it depends on the context.",
    "Saving this for later.",
]
STORIES = [
    "I tried the daily-practice idea for two weeks and finally finished my first project.",
    "Used the guide to plan our group's first session; twelve people came.",
    "Followed the advice to ask someone a step ahead: we now meet every Friday.",
]


def _add_conversations(people: list[Person], seed: int) -> int:
    """Give the network posts, questions with answers (some accepted), replies, reposts,
    helpful marks and "how I used it" stories, all through the real actions; return the
    number of posts (reposts included) made.

    A step the rules refuse (a reply policy, a post someone cannot see) is skipped, as a
    person would be refused.
    """
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from kith.conversations import actions as talk
    from kith.conversations.models import Post, PostKind, PostVisibility

    rng = random.Random(f"{seed}-conversations")
    refused = (ValidationError, Http404)
    interests = {
        person.pk: list(person.interests.order_by("tag").values_list("tag", flat=True))
        or ["open-source"]
        for person in people
    }

    def words(person: Person) -> dict[str, str]:
        tag = rng.choice(interests[person.pk])
        return {"a": tag.replace("-", " "), "tag": tag.replace("-", "_")}

    posts: list[Post] = []
    questions: list[Post] = []
    for person in people:
        for _ in range(rng.randint(1, 3)):
            body = rng.choice(POSTS).format(**words(person))
            if rng.random() < 0.3:
                body += f" cc @{rng.choice(people).handle}"
            visibility = rng.choices(
                [PostVisibility.PUBLIC, PostVisibility.FOLLOWERS, PostVisibility.CONNECTIONS],
                weights=[6, 2, 2],
            )[0]
            posts.append(talk.post_publish(author=person, body=body, visibility=visibility))
        if rng.random() < 0.35 or not questions:
            body = rng.choice(QUESTIONS).format(**words(person))
            questions.append(talk.post_publish(author=person, body=body, kind=PostKind.QUESTION))

    for question in questions:
        answers = []
        for other in rng.sample(people, min(len(people), rng.randint(1, 4))):
            try:
                answers.append(talk.post_reply(author=other, to=question, body=rng.choice(ANSWERS)))
            except refused:
                continue
        if answers and (rng.random() < 0.5 or question is questions[0]):
            talk.answer_accept(question=question, answer=rng.choice(answers), by=question.author)
        for answer in answers:
            if rng.random() < 0.5:
                with contextlib.suppress(*refused):
                    talk.helpful_mark(person=question.author, post=answer)

    stories = 0
    for post in posts:
        for other in rng.sample(people, min(len(people), rng.randint(0, 3))):
            roll = rng.random()
            try:
                if roll < 0.4:
                    reply = talk.post_reply(author=other, to=post, body=rng.choice(REPLIES))
                    if rng.random() < 0.3:
                        talk.post_reply(author=post.author, to=reply, body="Thanks!")
                elif roll < 0.6:
                    talk.post_repost(person=other, post=post)
                elif roll < 0.85:
                    talk.helpful_mark(person=other, post=post)
                elif stories < 3 or rng.random() < 0.3:
                    talk.used_it_add(
                        person=other, post=post, story=rng.choice(STORIES), public=stories % 2 == 0
                    )
                    stories += 1
            except refused:
                continue
    return Post.objects.filter(author__in=people).count()
