from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "kith.live"
    label = "live"
