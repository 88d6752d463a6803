from django.contrib import admin

from kith.notify.models import Digest, DigestSubscription


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["person", "frequency", "period_start", "status", "items", "sent_at"]
    list_filter = ["status", "frequency"]
    raw_id_fields = ["person"]
    date_hierarchy = "period_start"


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["person", "frequency", "updated_at"]
    list_filter = ["frequency"]
    raw_id_fields = ["person"]
