"""Mastodon entities benchmark (issue 8): what serialising a home-timeline page costs.

In a throwaway SQLite database (a temporary KITH_VAR_DIR) it gives one reader a feed from
--authors people (posts with images, mentions and tags; reposts), then times in-process, over
--runs runs, a 20-post page:

- `light`: `feeds.selectors.latest_light` (the native hot path's read) then
  `mastodon.entities.statuses` on its light posts, fragments and counts cached: what
  `GET /api/v1/timelines/home` will do;
- `native`: the same read then `api.post_serializers.posts_data_cached` (the native feed
  API's serialiser), for comparison;
- `full`: posts loaded through `conversations.access.posts_by_ids` then `statuses`, cache warm;
- `cold`: as `full` with the cache cleared before every run.

It prints p50/p99 milliseconds and the queries of one run. No timing is asserted.
Usage: .venv/bin/python bench/mastodon_entities_bench.py [--authors 20] [--posts 200] [--runs 200]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    os.environ["KITH_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kith.settings"
    os.environ["KITH_TASK_BACKEND"] = "immediate"
    for name in ("DATABASE_URL", "KITH_REDIS_URL", "KITH_DEBUG", "KITH_TEST_DATABASE_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, format="PNG")
    return out.getvalue()


def build(authors: int, posts: int):
    from kith.conversations import actions
    from kith.conversations.actions.media import media_upload
    from kith.people.actions import person_create
    from kith.relationships.actions.follows import follow_create

    def person(handle):
        return person_create(
            handle=handle,
            display_name=handle.title(),
            email=f"{handle}@example.com",
            password="correct horse battery staple",
            confirmed=True,
        )

    reader = person("reader")
    reader.reading_capacity = 10000
    reader.save(update_fields=["reading_capacity"])
    writers = [person(f"writer{i}") for i in range(authors)]
    for writer in writers:
        follow_create(follower=reader, target=writer, confirm_over_budget=True)
    made = []
    for i in range(posts):
        author = writers[i % authors]
        if i % 5 == 4 and made:
            target = made[(i * 7) % len(made)]
            if target.author_id != author.pk:
                actions.post_repost(person=author, post=target)
                continue
        media = (
            [media_upload(owner=author, data=png(), alt_text=f"Image {i}").pk] if i % 3 == 0 else []
        )
        made.append(
            actions.post_publish(
                author=author, body=f"Post {i} about #topic{i % 7} for @reader", media_ids=media
            )
        )
    return reader


def timed(label: str, runs: int, function) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm
    with CaptureQueriesContext(connection) as queries:
        size = len(function())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"{label:8} {size:3} statuses  p50 {statistics.median(times):6.2f} ms"
        f"  p99 {p99:6.2f} ms  {len(queries)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors", type=int, default=20)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from django.core.cache import cache
        from django.utils import timezone

        from kith.api.post_serializers import posts_data_cached
        from kith.conversations.access import posts_by_ids
        from kith.feeds.selectors import latest_light, light_filters
        from kith.mastodon import entities

        reader = build(options.authors, options.posts)

        def light():
            page = latest_light(reader)
            return entities.statuses(
                [item.post for item in page.items],
                reader,
                filters=light_filters(reader, timezone.now()),
            )

        def native():
            page = latest_light(reader)
            return posts_data_cached(reader, [item.post for item in page.items])

        ids = [item.post.pk for item in latest_light(reader).items]

        def full():
            found = posts_by_ids(reader, ids)
            return entities.statuses([found[i] for i in ids if i in found], reader)

        def cold():
            cache.clear()
            return full()

        print(f"{options.authors} authors, {options.posts} posts, {options.runs} runs")
        timed("light", options.runs, light)
        timed("native", options.runs, native)
        timed("full", options.runs, full)
        timed("cold", max(20, options.runs // 10), cold)


if __name__ == "__main__":
    main()
