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
