from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kith.insights"
    label = "insights"
