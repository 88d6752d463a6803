from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kith.notify"
    label = "notify"
    verbose_name = "Notification settings and digests"
