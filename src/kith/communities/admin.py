from django.contrib import admin

from kith.communities.models import Community, Membership, ModerationLogEntry, Report, Topic


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "policy", "members_count", "created_at")
    search_fields = ("slug", "name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("community", "person", "role", "status", "muted_until", "banned_until")
    list_filter = ("role", "status")
    raw_id_fields = ("community", "person", "invited_by")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("community", "post", "reporter", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("community", "post", "reporter", "resolved_by")


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
    list_display = ("community", "actor", "action", "target", "created_at")
    list_filter = ("action",)
    raw_id_fields = ("community", "actor", "target", "post")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "created_at")
    search_fields = ("slug", "name")
