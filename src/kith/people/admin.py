from django.contrib import admin

from kith.people.models import AccessToken, ContactChange, ContactField, Interest, Person


class ContactFieldInline(admin.TabularInline):
    model = ContactField
    extra = 0


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    ordering = ["-id"]
    list_display = [
        "handle",
        "display_name",
        "email",
        "email_confirmed_at",
        "is_staff",
        "is_active",
    ]
    search_fields = ["handle", "display_name", "email"]
    list_filter = ["is_staff", "is_active", "invitation_policy"]
    inlines = [ContactFieldInline, InterestInline]
    fieldsets = [
        (None, {"fields": ["handle"]}),
        (
            "Profile",
            {
                "fields": [
                    "display_name",
                    "email",
                    "email_confirmed_at",
                    "bio",
                    "avatar",
                    "reading_capacity",
                    "invitation_policy",
                ]
            },
        ),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ContactChange)
class ContactChangeAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "kind",
        "old_value",
        "new_value",
        "visibility",
        "changed_at",
        "announced",
    ]
    raw_id_fields = ["person", "field"]


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["person", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["person"]
    readonly_fields = ["digest", "prefix"]
