from django.apps import AppConfig


class RelevanceConfig(AppConfig):
    name = "kith.relevance"
    label = "relevance"
    verbose_name = "Relevance"
