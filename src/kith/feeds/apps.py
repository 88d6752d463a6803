from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "kith.feeds"
    label = "feeds"
