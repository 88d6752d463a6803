from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "kith.communities"
    label = "communities"
