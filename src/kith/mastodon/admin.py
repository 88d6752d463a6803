from django.contrib import admin

from kith.mastodon.models import ClientApp, ServerRule


@admin.register(ServerRule)
class ServerRuleAdmin(admin.ModelAdmin):
    list_display = ["text", "position", "updated_at"]
    list_editable = ["position"]


@admin.register(ClientApp)
class ClientAppAdmin(admin.ModelAdmin):
    list_display = ["application", "scopes", "website", "created_at"]
    readonly_fields = ["application", "created_at"]
