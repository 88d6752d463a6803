"""Post.shared_via: the repost through which a repost's or quote's author got the original.

Existing shares learn it from their author's feed entry of the original (`via_post`, the
repost that brought it there), when that repost is older than the share.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def backfill_shared_via(apps, schema_editor):
    """Set `shared_via` of existing reposts and quotes from their authors' feeds."""
    Post = apps.get_model("conversations", "Post")
    FeedEntry = apps.get_model("feeds", "FeedEntry")
    for field in ("repost_of", "quote_of"):
        via = FeedEntry.objects.filter(
            owner=OuterRef("author"),
            post=OuterRef(field),
            via_post__isnull=False,
            via_post__lt=OuterRef("pk"),
        ).values("via_post")[:1]
        Post.objects.filter(Q(**{f"{field}__isnull": False}), shared_via__isnull=True).update(
            shared_via=Subquery(via)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0001_initial"),
        ("conversations", "0004_post_community"),
        ("feeds", "0005_notification_community_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="shared_via",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="A repost or quote: the repost through which its author got the original",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="conversations.post",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("shared_via__isnull", False)),
                fields=["shared_via"],
                name="post_shared_via",
            ),
        ),
        migrations.RunPython(backfill_shared_via, migrations.RunPython.noop),
    ]
