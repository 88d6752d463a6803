from django.contrib import admin

from kith.conversations.models import Post, Reaction


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Staff moderate posts here; the product's own surfaces never show staff more."""

    ordering = ["-id"]
    list_display = ["id", "author", "kind", "visibility", "created_at", "deleted_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["author__handle", "body"]
    raw_id_fields = [
        "author",
        "in_reply_to",
        "thread_root",
        "repost_of",
        "quote_of",
        "accepted_answer",
    ]
    readonly_fields = ["html", "version", "created_at", "edited_at"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    ordering = ["-id"]
    list_display = ["id", "post", "person", "kind", "story_public", "created_at"]
    list_filter = ["kind", "story_public"]
    raw_id_fields = ["post", "person"]
