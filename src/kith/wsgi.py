import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")

from kith.core.handlers import get_wsgi_application

application = get_wsgi_application()
