from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "kith.relationships"
    label = "relationships"
