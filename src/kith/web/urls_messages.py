from django.urls import path, re_path

from kith.web.views import messages

urlpatterns = [
    path("messages/", messages.inbox, name="messages_inbox"),
    path("messages/requests/", messages.inbox, {"box": "requests"}, name="messages_requests"),
    path("messages/new/", messages.compose, name="messages_compose"),
    path("messages/<str:thread_id>/", messages.thread, name="messages_thread"),
    re_path(
        r"^messages/(?P<thread_id>[^/]+)/(?P<answer>accept|decline|block|intro)/$",
        messages.answer_request,
        name="messages_answer",
    ),
]
