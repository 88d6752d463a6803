"""The ASGI entry point uvicorn serves.

Django's own ASGI handler runs each sync view on a fresh thread, which opens a new database
connection per request (DESIGN.md §7). Instead the WSGI app runs on a fixed pool of threads
(a2wsgi), so each thread keeps its connection. The live event stream (`/live/events`,
`/api/kith/v1/streaming`) never reaches that pool: `kith.live.asgi.LiveRouter` answers it with a
native async handler, so an open stream holds no thread.
"""

import os

from a2wsgi import WSGIMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")

from django.conf import settings

from kith.core.handlers import get_wsgi_application
from kith.live.asgi import LiveRouter

application = LiveRouter(WSGIMiddleware(get_wsgi_application(), workers=settings.KITH_THREADS))
