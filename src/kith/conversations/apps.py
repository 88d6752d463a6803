from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "kith.conversations"
    label = "conversations"
