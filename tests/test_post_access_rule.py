"""Posts are fetched by id only through `conversations/access.py`, the one place that knows
who may see them. Fetching one by id anywhere else is often a security bug (Zulip's rule).

Writes by id (`….filter(pk=…).update(…)` or `.delete()`) reveal nothing and are allowed.
"""

from __future__ import annotations

import pathlib
import re

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "kith"
ACCESS_MODULES = {pathlib.Path("conversations/access.py")}
MODELS = r"(Post|PostEdit|Reaction|Mention|Poll|PollVote)"
BY_ID = re.compile(
    rf"\b{MODELS}\.objects\.(get|filter|exclude)\((?P<args>[^()]*)\b(pk|id)(__in)?="
    rf"|\b{MODELS}\.objects\.in_bulk\("
    rf"|get_object_or_404\(\s*{MODELS}\b"
)
WRITE = re.compile(r"^[^()]*\)\.(update|delete)\(")


def offending(line: str) -> bool:
    """Return whether `line` fetches a post (or what hangs on one) by id."""
    for match in BY_ID.finditer(line):
        rest = line[match.end() :]
        if not WRITE.match(rest):
            return True
    return False


def test_posts_are_fetched_by_id_only_in_the_access_module():
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC) not in ACCESS_MODULES and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if offending(line)
    ]
    assert not offenders, "post fetched by id outside conversations/access.py:\n" + "\n".join(
        offenders
    )


def test_the_rule_catches_what_it_should():
    assert offending("post = Post.objects.get(pk=post_id)")
    assert offending("Post.objects.filter(id__in=ids)")
    assert offending("Post.objects.filter(author=a, pk=post_id).first()")
    assert offending("Reaction.objects.get(id=1)")
    assert offending("Poll.objects.filter(pk=poll_id).first()")
    assert offending("Post.objects.in_bulk(ids)")
    assert offending("get_object_or_404(Post, pk=1)")
    assert not offending("Post.objects.filter(pk=post.pk).update(replies_count=1)")
    assert not offending("Post.objects.filter(thread_root_id=root_id)")
    assert not offending("Post.objects.filter(author=person, repost_of=shared).delete()")
    assert not offending("Post.objects.filter(in_reply_to_id=x)")
