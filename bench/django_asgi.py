"""Django's own ASGI handler, for comparison with kith.asgi (DESIGN.md §7).

Served by bench/http_bench.py as `uvicorn --app-dir bench django_asgi:application`. Each sync
view runs on a fresh thread, so each request opens a new database connection.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")

from django.core.asgi import get_asgi_application

application = get_asgi_application()
