from django.apps import AppConfig


class MastodonConfig(AppConfig):
    name = "kith.mastodon"
    label = "mastodon"
