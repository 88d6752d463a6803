"""Django settings for Kith: the one place every environment variable is read.

Every variable is registered in `kith.envvars.REGISTRY` with its default and meaning;
`kith settings` prints them and README.md documents them (a test keeps the two in step).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from kith.envvars import ConfigError, env_bool, env_float, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent

# --- Where data lives -------------------------------------------------------------------------
VAR_DIR = Path(
    env_str("KITH_VAR_DIR", "./var", "Folder for the SQLite database, secrets and uploaded media.")
).resolve()
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT = VAR_DIR / "static"
for _folder in (MEDIA_ROOT, STATIC_ROOT):
    _folder.mkdir(parents=True, exist_ok=True)


def _secret_from_file(name: str) -> str:
    """Return the secret kept in VAR_DIR/name, generating it on first use."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("KITH_DEBUG", False, "Show Django's debug pages. Never in production.")
SECRET_KEY = env_str(
    "KITH_SECRET_KEY", "", "Signing key. Empty: generated once into VAR_DIR/secret_key."
) or _secret_from_file("secret_key")
ALLOWED_HOSTS = env_list(
    "KITH_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"],
    "Host names this server answers to (comma-separated).",
)
BASE_URL = env_str(
    "KITH_BASE_URL", "http://127.0.0.1:8000", "Public URL of the site, used in emails and links."
).rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL]

# --- Database ---------------------------------------------------------------------------------
_database_url = env_str(
    "DATABASE_URL", "", "Database URL (postgres://…). Empty: SQLite at VAR_DIR/kith.sqlite3."
)
_test_database_url = env_str(
    "KITH_TEST_DATABASE_URL", "", "Used by the test suite instead of SQLite when set."
)
if _test_database_url:
    _database_url = _test_database_url

if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=600)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kith.sqlite3",
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on
                # busy_timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA temp_store=MEMORY;"
                    "PRAGMA mmap_size=134217728;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "corsheaders",
    "oauth2_provider",
    "kith.core",
    "kith.people",
    "kith.relationships",
    "kith.feeds",
    "kith.notify",
    "kith.live",
    "kith.messaging",
    "kith.conversations",
    "kith.relevance",
    "kith.contacts",
    "kith.communities",
    "kith.insights",
    "kith.archives",
    "kith.mastodon",
    "kith.api",
    "kith.web",
]

MIDDLEWARE = [
    # First: a preflight (OPTIONS) from a browser app is answered before anything else runs.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kith.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kith.mastodon.middleware.MastodonPathMiddleware",
    "kith.mastodon.middleware.MastodonRateLimitMiddleware",
]

ROOT_URLCONF = "kith.urls"
WSGI_APPLICATION = "kith.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kith.web.context.site",
            ],
        },
    }
]

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = ["kith.people.auth.HandleOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
KITH_LOGIN_ATTEMPTS = env_int(
    "KITH_LOGIN_ATTEMPTS", 10, "Failed log-ins allowed per handle and per IP address in a window."
)
KITH_LOGIN_WINDOW_SECONDS = env_int(
    "KITH_LOGIN_WINDOW_SECONDS", 900, "Length of the failed log-in window, in seconds."
)
KITH_EMAIL_CONFIRM_MAX_AGE = env_int(
    "KITH_EMAIL_CONFIRM_MAX_AGE", 3 * 24 * 3600, "Seconds an email confirmation link stays valid."
)
PASSWORD_RESET_TIMEOUT = 3600 * 3

# --- Media ------------------------------------------------------------------------------------
KITH_AVATAR_MAX_BYTES = env_int(
    "KITH_AVATAR_MAX_BYTES", 5 * 1024 * 1024, "Largest avatar upload accepted, in bytes."
)
KITH_AVATAR_MAX_PIXELS = env_int(
    "KITH_AVATAR_MAX_PIXELS", 25_000_000, "Largest avatar accepted, in pixels (width × height)."
)
KITH_AVATAR_SIZE = env_int("KITH_AVATAR_SIZE", 400, "Avatars are stored as squares of this side.")
KITH_MEDIA_MAX_BYTES = env_int(
    "KITH_MEDIA_MAX_BYTES", 10 * 1024 * 1024, "Largest image attached to a post, in bytes."
)
KITH_MEDIA_MAX_PIXELS = env_int(
    "KITH_MEDIA_MAX_PIXELS", 40_000_000, "Largest post image accepted, in pixels."
)
KITH_MEDIA_MAX_SIDE = env_int(
    "KITH_MEDIA_MAX_SIDE", 2048, "Post images are scaled down to at most this many pixels a side."
)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(KITH_AVATAR_MAX_BYTES, KITH_MEDIA_MAX_BYTES) + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
MEDIA_URL = "/media/"

# --- Email ------------------------------------------------------------------------------------
_email_backend = env_str(
    "KITH_EMAIL_BACKEND", "console", "How mail leaves: console (printed), smtp, or locmem (tests)."
)
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}.get(_email_backend, _email_backend)
EMAIL_HOST = env_str(
    "KITH_SMTP_HOST", "localhost", "SMTP server host (with KITH_EMAIL_BACKEND=smtp)."
)
EMAIL_PORT = env_int("KITH_SMTP_PORT", 25, "SMTP server port.")
EMAIL_HOST_USER = env_str("KITH_SMTP_USER", "", "SMTP user name, if the server wants one.")
EMAIL_HOST_PASSWORD = env_str("KITH_SMTP_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = env_bool("KITH_SMTP_STARTTLS", False, "Use STARTTLS on the SMTP connection.")
EMAIL_USE_SSL = env_bool("KITH_SMTP_SSL", False, "Use implicit TLS on the SMTP connection.")
DEFAULT_FROM_EMAIL = env_str(
    "KITH_FROM_EMAIL", "Kith <kith@localhost>", "Sender of the mail Kith sends."
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work, cache -------------------------------------------------------------------
_redis_url = env_str(
    "KITH_REDIS_URL",
    "",
    "Redis URL: a shared cache, live events shared by all processes, and the task queue (RQ) "
    "unless KITH_TASK_BACKEND says otherwise. Empty: in-process cache, live events and tasks "
    "through the database.",
)
KITH_REDIS_URL = _redis_url
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
KITH_TASK_BACKEND = env_str(
    "KITH_TASK_BACKEND",
    "",
    "Where tasks run: database, rq (needs KITH_REDIS_URL) or immediate (inline, no worker). "
    "Empty: rq when KITH_REDIS_URL is set, else database.",
) or ("rq" if _redis_url else "database")
if KITH_TASK_BACKEND not in TASK_BACKENDS:
    raise ConfigError(
        f"KITH_TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {KITH_TASK_BACKEND!r}"
    )
if KITH_TASK_BACKEND == "rq" and not _redis_url:
    raise ConfigError("KITH_TASK_BACKEND=rq needs KITH_REDIS_URL")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[KITH_TASK_BACKEND]}}
if _redis_url:
    # django-tasks-rq queues jobs through django-rq; its admin dashboard lists failed jobs.
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": _redis_url}}
# Tasks are enqueued on commit by Kith's own code; django-rq must not defer them again.
RQ = {"COMMIT_MODE": "auto"}
KITH_SCHEDULER_SECONDS = env_int(
    "KITH_SCHEDULER_SECONDS",
    30,
    "How often `kith worker` looks for due periodic jobs (each runs once per period).",
)

# --- Serving ----------------------------------------------------------------------------------
KITH_HOST = env_str("KITH_HOST", "127.0.0.1", "Address `kith run` listens on.")
KITH_PORT = env_int("KITH_PORT", 8000, "Port `kith run` listens on.")
KITH_THREADS = env_int(
    "KITH_THREADS", 8, "Fixed pool of threads running Django views (each keeps its DB connection)."
)
KITH_DEMO_PEOPLE = env_int("KITH_DEMO_PEOPLE", 40, "People in the demo network `kith run` loads.")

# --- Invitations and intro calls ---------------------------------------------------------------
KITH_INVITATIONS_PER_WEEK = env_int(
    "KITH_INVITATIONS_PER_WEEK", 100, "Invitations one person may send in a rolling 7 days."
)
KITH_REINVITE_COOLDOWN_DAYS = env_int(
    "KITH_REINVITE_COOLDOWN_DAYS", 21, "Days before a withdrawn invitation may be sent again."
)
KITH_UNKNOWN_MARKS_LIMIT = env_int(
    "KITH_UNKNOWN_MARKS_LIMIT", 5, "“I don't know this person” marks that restrict an inviter…"
)
KITH_UNKNOWN_MARKS_WINDOW_DAYS = env_int(
    "KITH_UNKNOWN_MARKS_WINDOW_DAYS", 90, "…when received within this many days…"
)
KITH_UNKNOWN_RESTRICTION_DAYS = env_int(
    "KITH_UNKNOWN_RESTRICTION_DAYS", 7, "…for this many days without sending invitations."
)
KITH_INTRO_CALL_EXPIRY_DAYS = env_int(
    "KITH_INTRO_CALL_EXPIRY_DAYS", 14, "Days after which an intro call not held expires."
)

# --- Follows ----------------------------------------------------------------------------------
KITH_FOLLOW_CAP_BASE = env_int(
    "KITH_FOLLOW_CAP_BASE", 7500, "People anyone may follow, whatever their own follower count."
)
KITH_FOLLOW_CAP_RATIO = env_float(
    "KITH_FOLLOW_CAP_RATIO", 1.1, "Past the base cap, follows allowed per follower one has."
)

# --- Conversations ----------------------------------------------------------------------------
KITH_POST_MAX_CHARS = env_int(
    "KITH_POST_MAX_CHARS", 5000, "Longest post, reply or question accepted, in characters."
)
KITH_PINNED_POSTS_MAX = env_int(
    "KITH_PINNED_POSTS_MAX", 5, "Most posts a person may pin to the top of their profile."
)

# --- Imported archives (LinkedIn, Mastodon, X) -----------------------------------------------
KITH_ARCHIVE_MAX_UPLOAD_BYTES = env_int(
    "KITH_ARCHIVE_MAX_UPLOAD_BYTES",
    2 * 1024**3,
    "Largest archive accepted for import through the web or API, in bytes.",
)
KITH_ARCHIVE_MAX_ENTRIES = env_int(
    "KITH_ARCHIVE_MAX_ENTRIES", 200_000, "Most files an imported zip archive may hold."
)
KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env_int(
    "KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES",
    32 * 1024**3,
    "Most bytes an imported zip archive may uncompress to, all its files together.",
)

# --- Feeds ------------------------------------------------------------------------------------
KITH_FEED_INACTIVE_DAYS = env_int(
    "KITH_FEED_INACTIVE_DAYS",
    30,
    "Readers away this many days get no new feed entries; their feed is backfilled on return.",
)
KITH_QUESTIONS_ROUTED_PER_DAY = env_int(
    "KITH_QUESTIONS_ROUTED_PER_DAY",
    5,
    "Most questions a day routed to someone who offered to answer questions on a topic.",
)

# --- Notifications and digests ---------------------------------------------------------------
KITH_NOTIFICATION_RETENTION_DAYS = env_int(
    "KITH_NOTIFICATION_RETENTION_DAYS",
    90,
    "Read notifications older than this many days are deleted (`kith clean-notifications`).",
)
KITH_NOTIFICATION_GROUP_HOURS = env_int(
    "KITH_NOTIFICATION_GROUP_HOURS",
    24,
    "Notifications of one kind about one post within this many hours show as one group.",
)

# --- Live updates (server-sent events) ----------------------------------------------------
KITH_LIVE_HEARTBEAT_SECONDS = env_float(
    "KITH_LIVE_HEARTBEAT_SECONDS", 20.0, "Seconds between heartbeat comments on a live stream."
)
KITH_LIVE_QUEUE = env_int(
    "KITH_LIVE_QUEUE", 100, "Events queued per live connection before it skips to a resync."
)
KITH_LIVE_BUFFER = env_int(
    "KITH_LIVE_BUFFER", 200, "Recent live events kept per person for Last-Event-ID replay."
)
KITH_LIVE_BROKER = env_str(
    "KITH_LIVE_BROKER",
    "",
    "How live events reach the streams: database (polled; reaches across the server and the "
    "worker), memory (one process only) or redis (needs KITH_REDIS_URL). Empty: redis when "
    "KITH_REDIS_URL is set, else database.",
)
if KITH_LIVE_BROKER not in ("", "database", "memory", "redis"):
    raise ConfigError("KITH_LIVE_BROKER must be database, memory or redis")
if KITH_LIVE_BROKER == "redis" and not _redis_url:
    raise ConfigError("KITH_LIVE_BROKER=redis needs KITH_REDIS_URL")

# --- API --------------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100
KITH_API_PAGE_MAX = env_int("KITH_API_PAGE_MAX", 100, "Largest page any API list returns.")

# --- Mastodon-compatible client API (kith.mastodon) and its OAuth 2 -----------------------------
KITH_OAUTH_PASSWORD_GRANT = env_bool(
    "KITH_OAUTH_PASSWORD_GRANT",
    False,
    "Let Mastodon apps trade a handle and password for a token at /oauth/token "
    "(grant_type=password). Off: apps sign in through the authorize page.",
)
KITH_OAUTH_TOKEN_DAYS = env_int(
    "KITH_OAUTH_TOKEN_DAYS",
    3650,
    "Days an OAuth access token of a Mastodon app lives (Mastodon's never expire and most apps "
    "never refresh them).",
)
KITH_MASTODON_RATE_LIMIT = env_int(
    "KITH_MASTODON_RATE_LIMIT",
    300,
    "Requests per token (or per IP address without one) per 5 minutes on /api/v1 and /api/v2, "
    "as Mastodon; 0 turns the limit off.",
)
KITH_SITE_DESCRIPTION = env_str(
    "KITH_SITE_DESCRIPTION",
    "A relationship-first social network: conversations, connections and living contact cards.",
    "One sentence about this server, shown to Mastodon apps (/api/v2/instance).",
)
KITH_CONTACT_EMAIL = env_str(
    "KITH_CONTACT_EMAIL", "", "Address people can write to about this server (shown to apps)."
)
KITH_SOURCE_URL = env_str(
    "KITH_SOURCE_URL",
    "",
    "Where this server's source code can be had (AGPL), shown to apps. Empty: the site's URL.",
)
# django-oauth-toolkit's own models (named, so migrations can refer to them).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "kith.mastodon.scopes.MastodonScopes",
    "OAUTH2_VALIDATOR_CLASS": "kith.mastodon.oauth.validator.MastodonOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "kith.mastodon.oauth.validator.MastodonOAuthLibCore",
    "ACCESS_TOKEN_EXPIRE_SECONDS": KITH_OAUTH_TOKEN_DAYS * 86400,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
    # Mastodon apps rarely send a code challenge; PKCE (S256 only) is used when they do.
    "PKCE_REQUIRED": False,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    # Only the SHA-256 checksum of a token is stored: a leaked database holds no usable token.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": not KITH_OAUTH_PASSWORD_GRANT,
    "ROTATE_REFRESH_TOKEN": True,
    "REQUEST_APPROVAL_PROMPT": "force",
}
# Browser apps (Elk, Phanpy) call the Mastodon API from their own origin with a Bearer token and
# no cookies, so any origin may; the rest of the site keeps the same-origin policy.
CORS_URLS_REGEX = r"^/(api/v1/|api/v2/|oauth/token|oauth/revoke|\.well-known/)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = [
    "Link",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "user-agent",
    "x-requested-with",
]

# --- Internationalisation, security -----------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("KITH_TIME_ZONE", "UTC", "Server time zone (all stored times are aware, UTC).")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "kith": {"level": env_str("KITH_LOG_LEVEL", "INFO", "Log level of Kith's own logs.")}
    },
}

# --- Relevance (embeddings, suggestions) ------------------------------------------------------
KITH_EMBEDDING_THREADS = env_int(
    "KITH_EMBEDDING_THREADS", 1, "onnxruntime threads for computing post embeddings, per process."
)
KITH_RELEVANCE_WINDOW_DAYS = env_int(
    "KITH_RELEVANCE_WINDOW_DAYS", 30, "Posts this recent are searched for Suggested and ranking."
)
