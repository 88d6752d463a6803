"""Communities and topic follows for the demo network, made through the real actions."""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError

COMMUNITIES = [
    ("makers", "Makers", "Building things by hand, sharing what worked.", "open"),
    ("learning-circle", "Learning circle", "Small groups learning together.", "approval"),
]
RULES = "Be kind and specific\nAsk before you advertise\nAnswer the question that was asked"
QUESTIONS = [
    "What was the first thing you made that you were proud of?",
    "How do you keep a study group going after the first month?",
    "Which tool would you buy again without thinking twice?",
]


def add_communities(people: list, seed: int) -> int:
    """Give the demo two communities (the first person owns them, the second moderates),
    members, a few questions in them and some topic follows; return the number of members."""
    from kith.communities import actions
    from kith.communities.models import Community
    from kith.conversations import actions as talk
    from kith.conversations.models import PostKind

    if len(people) < 3:
        return 0
    rng = random.Random(f"{seed}-communities")
    owner, moderator = people[0], people[1]
    members = 0
    for base, name, description, policy in COMMUNITIES:
        slug, n = base, 1
        while Community.objects.filter(slug=slug).exists():  # a second demo network
            n += 1
            slug = f"{base}-{n}"
        community = actions.community_create(
            by=owner, slug=slug, name=name, description=description, rules=RULES, policy=policy
        )
        joining = [moderator, *rng.sample(people[2:], min(len(people) - 2, 8))]
        for person in joining:
            membership = actions.community_join(person=person, community=community)
            if membership.status == "requested":
                actions.membership_approve(by=owner, community=community, person=person)
            members += 1
        actions.member_set_role(by=owner, community=community, person=moderator, role="moderator")
        for person in rng.sample(joining, min(len(joining), 3)):
            try:
                talk.post_publish(
                    author=person,
                    body=rng.choice(QUESTIONS),
                    kind=PostKind.QUESTION,
                    community=community,
                )
            except ValidationError:
                continue
    for person in people:
        tags = list(person.interests.values_list("tag", flat=True))
        for tag in rng.sample(tags, min(len(tags), 2)):
            actions.tag_follow(person=person, tag=tag.replace("-", "_"))
    return members
