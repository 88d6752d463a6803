"""Post embeddings: computed by the task on publish and edit, idempotent, gone on delete."""

from __future__ import annotations

import numpy as np

from kith.conversations import actions
from kith.conversations.actions.reactions import helpful_mark
from kith.conversations.actions.reposts import post_repost
from kith.relevance.embedder import embed
from kith.relevance.interests import interest_vector, tag_text
from kith.relevance.models import PostEmbedding
from kith.relevance.scoring import relevance
from kith.relevance.tasks import embed_post
from tests.relevance.conftest import FOOTBALL, GARDEN, PYTHON, set_interests


def stored(post) -> np.ndarray:
    row = PostEmbedding.objects.get(post_id=post.pk)
    return np.frombuffer(bytes(row.vector), dtype="<f4")


def test_publishing_stores_the_embedding_of_the_text(publish, alice):
    post = publish(alice, GARDEN)
    row = PostEmbedding.objects.get(post_id=post.pk)
    assert row.version == post.version
    assert len(bytes(row.vector)) == 384 * 4
    assert np.allclose(stored(post), embed([GARDEN])[0], atol=1e-5)


def test_the_task_is_idempotent(publish, alice):
    post = publish(alice, GARDEN)
    before = PostEmbedding.objects.get(post_id=post.pk)
    embed_post.call(post_id=post.pk)
    embed_post.call(post_id=post.pk)
    after = PostEmbedding.objects.get(post_id=post.pk)
    assert (after.pk, after.computed_at) == (before.pk, before.computed_at)
    assert PostEmbedding.objects.count() == 1


def test_a_missing_or_malformed_post_id_changes_nothing(db):
    embed_post.call(post_id=123456789)
    embed_post.call(post_id=-1)
    assert not PostEmbedding.objects.exists()


def test_an_edit_re_embeds_the_new_text(publish, alice, committed):
    post = publish(alice, GARDEN)
    with committed():
        actions.post_edit(post=post, by=alice, body=PYTHON)
    post.refresh_from_db()
    row = PostEmbedding.objects.get(post_id=post.pk)
    assert row.version == post.version
    assert np.allclose(stored(post), embed([PYTHON])[0], atol=1e-5)


def test_deleting_a_post_drops_its_embedding(publish, alice, committed):
    post = publish(alice, GARDEN)
    with committed():
        actions.post_delete(post=post, by=alice)
    assert not PostEmbedding.objects.filter(post_id=post.pk).exists()


def test_reposts_have_no_embedding_of_their_own(publish, alice, bob, committed):
    post = publish(alice, GARDEN)
    with committed():
        repost = post_repost(person=bob, post=post)
    assert not PostEmbedding.objects.filter(post_id=repost.pk).exists()


def test_interest_tags_read_as_words():
    assert tag_text("machine_learning") == "machine learning"
    assert tag_text("#open-source") == "open source"


def test_the_interest_vector_comes_from_interests_and_helpful_marks(publish, alice, carol):
    assert interest_vector(carol) is None
    assert interest_vector(None) is None
    set_interests(carol, "gardening")
    only_tags = interest_vector(carol)
    assert np.isclose(np.linalg.norm(only_tags), 1.0, atol=1e-5)
    football = publish(alice, FOOTBALL)
    helpful_mark(person=carol, post=football)
    with_helpful = interest_vector(carol)
    assert with_helpful @ stored(football) > only_tags @ stored(football)


def test_relevance_ranks_posts_on_the_persons_interests_higher(
    publish, alice, carol, django_assert_max_num_queries
):
    garden, python, football = (
        publish(alice, GARDEN),
        publish(alice, PYTHON),
        publish(alice, FOOTBALL),
    )
    set_interests(carol, "gardening", "vegetables")
    interest_vector(carol)  # the tag vectors are kept per process after the first time
    with django_assert_max_num_queries(3):
        scores = relevance(carol, [garden, python, football])
    assert set(scores) == {garden.pk, python.pk, football.pk}
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    assert scores[garden.pk] > scores[python.pk] + 0.15
    assert scores[garden.pk] > scores[football.pk] + 0.15


def test_relevance_is_zero_without_interests_and_for_a_repost_scores_the_original(
    publish, alice, bob, carol
):
    garden = publish(alice, GARDEN)
    assert relevance(carol, [garden]) == {garden.pk: 0.0}
    assert relevance(carol, []) == {}
    set_interests(carol, "gardening")
    repost = post_repost(person=bob, post=garden)
    scores = relevance(carol, [garden, repost])
    assert scores[repost.pk] == scores[garden.pk] > 0


def test_the_periodic_backfill_embeds_what_has_no_current_vector(alice):
    from kith.core.schedule import REGISTRY
    from kith.relevance.tasks import backfill_embeddings

    # Published without running on-commit work: as if the task had never run.
    missing = actions.post_publish(author=alice, body=GARDEN)
    edited = actions.post_publish(author=alice, body=PYTHON)
    assert not PostEmbedding.objects.exists()
    assert backfill_embeddings.call() == 2
    actions.post_edit(post=edited, by=alice, body=FOOTBALL)
    assert backfill_embeddings.call() == 1
    assert backfill_embeddings.call() == 0
    assert np.allclose(stored(missing), embed([GARDEN])[0], atol=1e-5)
    assert np.allclose(stored(edited), embed([FOOTBALL])[0], atol=1e-5)
    assert REGISTRY["embeddings-backfill"].task is backfill_embeddings
