"""Filters v2: a filter has a title, contexts, an action, an expiry and several keywords
(`FilterKeyword`), and may name posts (`FilterStatus`). Every KeywordFilter becomes a filter
titled by its phrase, in every context, with that phrase as its one keyword (the filter and
the keyword keep the old filter's id, so ids apps hold still work)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import kith.core.ids
import kith.feeds.models

CONTEXTS = ["home", "notifications", "public", "thread", "account"]


def forwards(apps, schema_editor):
    KeywordFilter = apps.get_model("feeds", "KeywordFilter")
    Filter = apps.get_model("feeds", "Filter")
    FilterKeyword = apps.get_model("feeds", "FilterKeyword")
    for old in KeywordFilter.objects.order_by("id").iterator():
        new = Filter.objects.create(
            id=old.id,
            owner_id=old.owner_id,
            title=old.phrase,
            contexts=list(CONTEXTS),
            action=old.action,
            expires_at=old.expires_at,
            created_at=old.created_at,
        )
        FilterKeyword.objects.create(
            id=old.id, filter=new, keyword=old.phrase, whole_word=old.whole_word
        )


def backwards(apps, schema_editor):
    """Each keyword becomes a one-phrase filter again (the first of a phrase per person wins;
    posts a filter named are lost: KeywordFilter had none)."""
    KeywordFilter = apps.get_model("feeds", "KeywordFilter")
    FilterKeyword = apps.get_model("feeds", "FilterKeyword")
    seen = set()
    for keyword in FilterKeyword.objects.select_related("filter").order_by("id").iterator():
        owner = keyword.filter.owner_id
        key = (owner, keyword.keyword.casefold())
        if key in seen:
            continue
        seen.add(key)
        KeywordFilter.objects.create(
            id=keyword.id,
            owner_id=owner,
            phrase=keyword.keyword,
            action=keyword.filter.action,
            whole_word=keyword.whole_word,
            expires_at=keyword.filter.expires_at,
            created_at=keyword.filter.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0006_notification_poll_ended"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Filter",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=kith.core.ids.new_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("title", models.CharField(max_length=100)),
                (
                    "contexts",
                    models.JSONField(
                        default=kith.feeds.models.all_contexts, help_text="FilterContext values"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[("hide", "Hide the post"), ("warn", "Show it behind a warning")],
                        default="warn",
                        max_length=4,
                    ),
                ),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feed_filters",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["title", "id"]},
        ),
        migrations.CreateModel(
            name="FilterKeyword",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=kith.core.ids.new_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("keyword", models.CharField(max_length=100)),
                ("whole_word", models.BooleanField(default=True)),
                (
                    "filter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="keywords",
                        to="feeds.filter",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("filter"), models.F("keyword"), name="filter_keyword_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FilterStatus",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=kith.core.ids.new_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "filter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="statuses",
                        to="feeds.filter",
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="conversations.post",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("filter"), models.F("post"), name="filter_status_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="KeywordFilter"),
    ]
