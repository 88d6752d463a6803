from django.contrib import admin

from kith.relationships.models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["id", "person_a", "person_b", "how_met", "since"]
    list_filter = ["how_met"]
    raw_id_fields = ["person_a", "person_b"]
