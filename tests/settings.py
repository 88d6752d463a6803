"""Settings for the test suite: Kith's own settings with inline tasks and a throwaway VAR_DIR."""

import os
import tempfile

os.environ.setdefault("KITH_VAR_DIR", tempfile.mkdtemp(prefix="kith-test-"))
os.environ["KITH_TASK_BACKEND"] = "immediate"
os.environ["KITH_EMAIL_BACKEND"] = "locmem"
# The test server runs in the test process: live events stay in memory (the database broker
# is tested on its own in tests/live/test_database_broker.py).
os.environ.setdefault("KITH_LIVE_BROKER", "memory")
os.environ.setdefault("KITH_BASE_URL", "http://testserver")

from kith.settings import *  # noqa: F403

# Argon2 stays the production hasher (tested in tests/people/test_accounts.py); tests create
# many accounts, so they hash with a fast algorithm.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True

# SQLite tests run on a file, not Django's shared-cache in-memory database: the live-server
# tests (uvicorn in a thread, the browser tests) read while the test thread writes, and shared
# cache fails such a read at once with "database table is locked" (no busy wait). A file in
# WAL mode lets readers and the writer overlap as they do in production. pytest-xdist gives
# each worker its own file (suffix _gw0, _gw1, …).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
