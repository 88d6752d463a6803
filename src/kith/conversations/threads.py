"""A thread as one viewer sees it: the visible tree, built in a fixed number of queries.

Call it through `access.thread_for(viewer, post)`.

Replies the viewer may not see are left out, with nothing of them shown. A visible reply
under a hidden one hangs from the nearest visible post above it, marked `parent_hidden`
("in reply to a post you can't see": its own `in_reply_to_id` says as much already).
Deleted posts stay as tombstones while something visible hangs from them; a tombstone with
nothing under it is dropped. Under a question the accepted answer comes first; otherwise
replies are in the order they were written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.http import Http404

from kith.conversations.access import annotate_for_viewer, visible_posts, with_relations
from kith.conversations.models import Post

DISPLAY_DEPTH = 6  # deeper replies are behind "continue this thread"


@dataclass
class ThreadNode:
    post: Post
    children: list[ThreadNode] = field(default_factory=list)
    parent_hidden: bool = False

    def walk(self) -> Iterator[tuple[ThreadNode, int]]:
        """Yield this node and everything under it, depth first, with its depth below it."""
        stack = [(self, 0)]
        while stack:
            node, depth = stack.pop()
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(node.children))


@dataclass
class ThreadRow:
    """One line of a thread page: a post at an indentation, maybe cut off below."""

    node: ThreadNode
    depth: int
    continues: bool = False  # replies below are shown on their own page ("continue")

    @property
    def post(self) -> Post:
        return self.node.post


@dataclass
class Thread:
    focus: Post
    roots: list[ThreadNode]
    nodes: dict[int, ThreadNode]

    def __len__(self) -> int:
        return len(self.nodes)

    def rows(self, *, below: int | None = None, max_depth: int = DISPLAY_DEPTH) -> list[ThreadRow]:
        """Return the tree as indented rows, from the roots or from post `below`.

        Nodes deeper than `max_depth` are not listed; the row above them says `continues`,
        and `rows(below=that post's id)` lists them on their own page.
        """
        starts = [self.nodes[below]] if below is not None and below in self.nodes else self.roots
        rows: list[ThreadRow] = []
        for start in starts:
            stack = [(start, 0)]
            while stack:
                node, depth = stack.pop()
                cut = depth == max_depth and bool(node.children)
                rows.append(ThreadRow(node=node, depth=depth, continues=cut))
                if not cut:
                    stack.extend((child, depth + 1) for child in reversed(node.children))
        return rows


def build_thread(viewer, post: Post) -> Thread:
    """Return the thread of `post` as `viewer` sees it (see the module's docstring).

    A repost opens the thread of its original; a post `viewer` may not see raises Http404.
    """
    if post.repost_of_id is not None:
        post = post.repost_of
    root_id = post.thread_root_id or post.pk
    # Every post of the thread, ids only, to find the nearest visible ancestor of each.
    parents = dict(Post.objects.filter(thread_root_id=root_id).values_list("id", "in_reply_to_id"))
    parents.setdefault(post.pk, post.in_reply_to_id)
    visible = list(
        with_relations(visible_posts(viewer, include_deleted=True))
        .filter(thread_root_id=root_id)
        .order_by("id")
    )
    if post.pk not in {p.pk for p in visible}:
        raise Http404("No such post.")
    annotate_for_viewer(viewer, visible)
    nodes = {p.pk: ThreadNode(post=p) for p in visible}

    def shown_ancestor(post_id: int) -> int | None:
        parent = parents.get(post_id)
        seen = set()
        while parent is not None and parent not in nodes and parent not in seen:
            seen.add(parent)
            parent = parents.get(parent)
        return parent if parent in nodes else None

    roots: list[ThreadNode] = []
    for node in nodes.values():  # in id order: children are appended oldest first
        anchor = shown_ancestor(node.post.pk)
        node.parent_hidden = node.post.in_reply_to_id is not None and (
            node.post.in_reply_to_id not in nodes
        )
        if anchor is None:
            roots.append(node)
        else:
            nodes[anchor].children.append(node)
    for node in nodes.values():
        accepted = node.post.accepted_answer_id
        if accepted and node.children:
            node.children.sort(key=lambda child: child.post.pk != accepted)
    roots = _prune_tombstones(roots, nodes, keep=post.pk)
    return Thread(focus=nodes[post.pk].post, roots=roots, nodes=nodes)


def _prune_tombstones(
    roots: list[ThreadNode], nodes: dict[int, ThreadNode], *, keep: int
) -> list[ThreadNode]:
    """Drop tombstones with nothing visible under them (repeatedly); return the roots left."""
    order = [node for root in roots for node, _ in root.walk()]
    for node in reversed(order):  # every child before its parent
        node.children = [child for child in node.children if child.post.pk in nodes]
        if node.post.is_deleted and not node.children and node.post.pk != keep:
            del nodes[node.post.pk]
    return [root for root in roots if root.post.pk in nodes]
