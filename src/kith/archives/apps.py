from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "kith.archives"
    label = "archives"
    verbose_name = "Imported archives"
