"""Guardflow settings, read from the environment (django-environ; `.env` when present).

With nothing set you get the embedded default (DESIGN §2): SQLite under `var/`, in-process
cache and channel layer, a Celery broker on the local filesystem, email written to
`var/mail/`. Setting `DATABASE_URL`, `REDIS_URL`, `CELERY_BROKER_URL`, `EMAIL_URL` switches each
part to its production counterpart; `ENVIRONMENT=production` turns on the strict checks.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from guardflow_site.secrets import load_or_create_dev_secret_key, secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("GUARDFLOW_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = env.str("ENVIRONMENT", default="development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured("ENVIRONMENT must be development, production or test.")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DEBUG", default=False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ENVIRONMENT=production.")

if IS_PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if problem := secret_key_problem(SECRET_KEY):
        raise ImproperlyConfigured(f"SECRET_KEY is unusable in production: {problem}.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or load_or_create_dev_secret_key(VAR_DIR)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when ENVIRONMENT=production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "accounts",
    "usage",
    "proxy",
    "proxy.guard",
    "chats",
    "workflows",
]

MIDDLEWARE = [
    "guardflow_site.middleware.request_context_middleware",
    "guardflow_site.middleware.request_size_limit_middleware",
    "django.middleware.security.SecurityMiddleware",
    "guardflow_site.middleware.content_security_policy_middleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "guardflow_site.errors.ApiErrorMiddleware",
]
CSRF_FAILURE_VIEW = "guardflow_site.errors.csrf_failure"

# The gateway's hot paths (model calls, model list, rate-limit) skip the session/CSRF/auth/
# messages stack: those are sync-only middlewares, and on the ASGI path each costs two thread
# hops per request. Every middleware here is natively async. Only async views that keep the
# database off the event loop belong here (the lean handler skips the request signals that
# retire stale connections), so /health/ready and the rest stay on the full stack.
GATEWAY_MIDDLEWARE = [
    "guardflow_site.middleware.request_context_middleware",
    "guardflow_site.middleware.request_size_limit_middleware",
    "guardflow_site.middleware.security_headers_middleware",
    "corsheaders.middleware.CorsMiddleware",
    "guardflow_site.errors.ApiErrorMiddleware",
]
GATEWAY_PATH_PREFIXES = (
    "/v1/",
    "/api/v1/chat/completions",
    "/api/v1/messages",
    "/api/v1/models",
    "/api/v1/rate-limit",
)

# The hot gateway endpoints are served for API clients by a lean ASGI front door
# (proxy/asgi_fast.py) instead of Django's request cycle; false sends everything through Django.
GATEWAY_FAST_PATH = env.bool("GATEWAY_FAST_PATH", default=True)

ROOT_URLCONF = "guardflow_site.urls"
WSGI_APPLICATION = "guardflow_site.wsgi.application"
ASGI_APPLICATION = "guardflow_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'guardflow.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the worker read while the other writes; IMMEDIATE
    # transactions take the write lock up front so concurrent writers queue instead of
    # failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker -----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "guardflow_site.cache.GuardflowRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gf",
            "TIMEOUT": 300,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "gf:asgi"},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "guardflow"}
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
)
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery" / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded default: a real, asynchronous broker that lives in files under var/, so
    # `make run` needs no external service. The worker and the web process share the folder.
    for sub in ("queue", "processed", "control"):
        (CELERY_FILESYSTEM_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Email ----------------------------------------------------------------------------------
MAIL_DIR = VAR_DIR / "mail"
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(MAIL_DIR)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Guardflow <guardflow@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# --- DRF, JWT, OpenAPI ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "guardflow_site.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "guardflow_site.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guardflow API",
    "DESCRIPTION": "Self-hosted LLM gateway: auth, limits, guard, routing, usage.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several serializers share.
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "accounts.models.User.Role",
        "TokenScopeEnum": "accounts.models.APIToken.Scope",
        "UsageStatusEnum": "usage.models.UsageRecord.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "proxy.openapi.add_gateway_paths",
    ],
}

# --- Request limits -------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BYTES", default=10 * 1024 * 1024)

# --- Security headers, CORS -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
        "form-action 'self'"
    ),
)
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-api-key",
    "anthropic-version",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = [
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Container health checks speak plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "guardflow_site.logging.RedactSecretsFilter"},
        "request_id": {"()": "guardflow_site.logging.RequestIdFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "ts", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "uvicorn.access": {"level": "WARNING"},
        # The vendor SDKs' HTTP clients log every upstream request (with its internal URL) at
        # INFO; the gateway's own access line and usage record already say what happened.
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "httpcore2": {"level": "WARNING"},
    },
}

# --- Guardflow ------------------------------------------------------------------------------
SITE_NAME = "Guardflow"
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
CREDENTIALS_ENCRYPTION_KEYS = env.list("CREDENTIALS_ENCRYPTION_KEYS", default=[])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")  # empty: /metrics is open (keep it off the internet)

# --- Guard ----------------------------------------------------------------------------------
# Defaults for the prompt guard (proxy.guard); operators tune the live values in the admin
# (GuardSettings). The webhook, when set, receives a JSON POST on warn/block notifications.
GUARD_ENABLED = env.bool("GUARD_ENABLED", default=True)
GUARD_WEBHOOK_URL = env.str("GUARD_WEBHOOK_URL", default="")
GUARD_WEBHOOK_TIMEOUT_SECONDS = env.float("GUARD_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
GUARD_CACHE_CHECK_SECONDS = env.float("GUARD_CACHE_CHECK_SECONDS", default=1.0)
GUARD_LLM_JUDGE_MODEL = env.str("GUARD_LLM_JUDGE_MODEL", default="")
GUARD_LLM_JUDGE_TIMEOUT_SECONDS = env.float("GUARD_LLM_JUDGE_TIMEOUT_SECONDS", default=3.0)
# Which prompts the judge sees: "all", or "uncertain" = only those whose default-detector score
# is in [BAND_LOW, BAND_HIGH). FAIL_CLOSED: a prompt the judge could not read is flagged.
GUARD_LLM_JUDGE_SCOPE = env.str("GUARD_LLM_JUDGE_SCOPE", default="all")
if GUARD_LLM_JUDGE_SCOPE not in {"all", "uncertain"}:
    raise ImproperlyConfigured("GUARD_LLM_JUDGE_SCOPE must be all or uncertain.")
GUARD_LLM_JUDGE_BAND_LOW = env.float("GUARD_LLM_JUDGE_BAND_LOW", default=0.15)
GUARD_LLM_JUDGE_BAND_HIGH = env.float("GUARD_LLM_JUDGE_BAND_HIGH", default=0.9)
GUARD_LLM_JUDGE_FAIL_CLOSED = env.bool("GUARD_LLM_JUDGE_FAIL_CLOSED", default=False)

# --- Accounts -------------------------------------------------------------------------------
# Sign-up, lockout, password policy, MFA and API tokens (accounts app, issue 3).
REGISTRATION_ENABLED = env.bool("REGISTRATION_ENABLED", default=True)
REQUIRE_EMAIL_VERIFICATION = env.bool("REQUIRE_EMAIL_VERIFICATION", default=True)
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env.int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", default=24 * 3600)
PASSWORD_RESET_MAX_AGE_SECONDS = env.int("PASSWORD_RESET_MAX_AGE_SECONDS", default=3600)
MFA_TOKEN_MAX_AGE_SECONDS = env.int("MFA_TOKEN_MAX_AGE_SECONDS", default=300)
MFA_ISSUER = env.str("MFA_ISSUER", default="Guardflow")
MAX_LOGIN_ATTEMPTS = env.int("MAX_LOGIN_ATTEMPTS", default=5)
LOGIN_ATTEMPT_WINDOW_MINUTES = env.int("LOGIN_ATTEMPT_WINDOW_MINUTES", default=15)
LOCKOUT_MINUTES = env.int("LOCKOUT_MINUTES", default=15)
# Repeat lockouts double in length up to this cap, so an attacker can never lock anyone out for good.
LOCKOUT_MAX_MINUTES = env.int("LOCKOUT_MAX_MINUTES", default=240)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_MAX_LENGTH = env.int("PASSWORD_MAX_LENGTH", default=128)
API_TOKEN_HASH_KEY = env.str("API_TOKEN_HASH_KEY", default="")  # empty: derived from SECRET_KEY
PRINCIPAL_CACHE_SECONDS = env.int("PRINCIPAL_CACHE_SECONDS", default=60)
# With Redis: each process also keeps resolved credentials in memory, invalidated over pub/sub
# (accounts/near_cache.py). Off: every request reads the shared cache.
PRINCIPAL_NEAR_CACHE = env.bool("PRINCIPAL_NEAR_CACHE", default=True)
# Per-IP limits on the auth endpoints (django-ratelimit syntax, through the Django cache).
AUTH_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="20/m"),
    "register": env.str("RATE_LIMIT_REGISTER", default="10/h"),
    "password": env.str("RATE_LIMIT_PASSWORD", default="10/h"),
    "verify_email": env.str("RATE_LIMIT_VERIFY_EMAIL", default="20/h"),
    "resend_verification": env.str("RATE_LIMIT_RESEND_VERIFICATION", default="5/h"),
    "mfa_verify": env.str("RATE_LIMIT_MFA_VERIFY", default="20/m"),
    "refresh": env.str("RATE_LIMIT_REFRESH", default="60/m"),
    # Failed logins from one address, across accounts: past this the address is soft-locked (429 ip_locked).
    "login_failures": env.str("RATE_LIMIT_LOGIN_FAILURES", default="30/15m"),
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
AUTH_PASSWORD_VALIDATORS = [
    *AUTH_PASSWORD_VALIDATORS,
    {"NAME": "accounts.validators.MaximumLengthValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = ["accounts.authentication.BearerAuthentication"]

# --- Usage ----------------------------------------------------------------------------------
# How usage records reach the database (usage/README.md explains the choice):
# buffered = background batch writer (default); direct = insert in the request; inline = tests.
USAGE_WRITE_MODE = env.str("USAGE_WRITE_MODE", default="buffered")
if USAGE_WRITE_MODE not in {"buffered", "direct", "inline"}:
    raise ImproperlyConfigured("USAGE_WRITE_MODE must be buffered, direct or inline.")
USAGE_BATCH_SIZE = env.int("USAGE_BATCH_SIZE", default=500)
USAGE_FLUSH_INTERVAL_MS = env.int("USAGE_FLUSH_INTERVAL_MS", default=50)
USAGE_BUFFER_MAX = env.int("USAGE_BUFFER_MAX", default=20_000)  # full buffer = callers wait, never drop
USAGE_RETRY_SECONDS = env.float("USAGE_RETRY_SECONDS", default=30.0)  # database down: retry, then spool
USAGE_SPOOL_DIR = Path(env.str("USAGE_SPOOL_DIR", default=str(VAR_DIR / "usage-spool")))
USAGE_STORE_CONTENT = env.bool("USAGE_STORE_CONTENT", default=False)  # prompts/responses, redacted
USAGE_EMAIL_HASH_KEY = env.str("USAGE_EMAIL_HASH_KEY", default="")  # empty: derived from SECRET_KEY

# --- Limits -----------------------------------------------------------------------------------
from decimal import Decimal  # noqa: E402 (kept inside this section: USD limits are Decimals)

# Rate limits, token quotas and USD budgets (proxy/limits). The ledger lives in Redis when
# REDIS_URL is set (one truth for every instance), in-process otherwise (the embedded default).
# sqlite = a file under var/ shared by the processes of ONE machine (web + worker) without Redis.
LIMITS_BACKEND = env.str("LIMITS_BACKEND", default="auto")  # auto | memory | sqlite | redis
if LIMITS_BACKEND not in {"auto", "memory", "sqlite", "redis"}:
    raise ImproperlyConfigured("LIMITS_BACKEND must be auto, memory, sqlite or redis.")
LIMITS_SQLITE_PATH = env.str("LIMITS_SQLITE_PATH", default=str(VAR_DIR / "limits.sqlite3"))
LIMITS_REDIS_URL = env.str("LIMITS_REDIS_URL", default=REDIS_URL)
LIMITS_KEY_PREFIX = env.str("LIMITS_KEY_PREFIX", default="gf:lim:")
# Redis unreachable: refuse with 503 `limits_unavailable` (default) or, if on, run unlimited.
LIMITS_FAIL_OPEN = env.bool("LIMITS_FAIL_OPEN", default=False)
LIMITS_REDIS_TIMEOUT = env.float("LIMITS_REDIS_TIMEOUT", default=1.0)
# In-flight entries of a process that died without settling stop counting after this long.
LIMITS_INFLIGHT_STALE_SECONDS = env.int("LIMITS_INFLIGHT_STALE_SECONDS", default=900)

# How the vendor SDKs (openai, anthropic) reach upstreams: `lean` = their own clients over a
# lean keep-alive HTTP/1.1 transport (proxy/providers/_lean_transport.py; about 1 ms less CPU
# per call); `httpx` = the SDKs' stock transport, needed to go through HTTP(S)_PROXY.
UPSTREAM_HTTP_TRANSPORT = env.str("UPSTREAM_HTTP_TRANSPORT", default="lean")
if UPSTREAM_HTTP_TRANSPORT not in {"lean", "httpx"}:
    raise ImproperlyConfigured("UPSTREAM_HTTP_TRANSPORT must be lean or httpx.")


def _limit_from_env(name: str, default: int | None = None, cast=int):
    """An optional limit: unset/empty/"none"/"unlimited" means no default limit of this kind."""
    value = env.str(name, default="" if default is None else str(default)).strip()
    if value.lower() in {"", "none", "unlimited"}:
        return None
    try:
        return cast(value)
    except (ValueError, ArithmeticError):
        raise ImproperlyConfigured(f"{name} must be a number (or empty for no limit).") from None


# Per-user defaults for every LimitSettings field a user leaves unset; tokens have no default.
GATEWAY_DEFAULT_LIMITS = {
    "requests_per_minute": _limit_from_env("GATEWAY_DEFAULT_RPM", 600),
    "requests_per_hour": _limit_from_env("GATEWAY_DEFAULT_RPH"),
    "requests_per_day": _limit_from_env("GATEWAY_DEFAULT_RPD"),
    "tokens_per_day": _limit_from_env("GATEWAY_DEFAULT_TOKENS_PER_DAY"),
    "tokens_per_month": _limit_from_env("GATEWAY_DEFAULT_TOKENS_PER_MONTH"),
    "usd_per_day": _limit_from_env("GATEWAY_DEFAULT_USD_PER_DAY", cast=Decimal),
    "usd_per_month": _limit_from_env("GATEWAY_DEFAULT_USD_PER_MONTH", cast=Decimal),
    "max_concurrent_requests": _limit_from_env("GATEWAY_DEFAULT_MAX_CONCURRENT"),
}
# Output tokens reserved when a request sets no max_tokens (and its model has no own cap).
GATEWAY_DEFAULT_MAX_TOKENS_RESERVE = env.int("GATEWAY_DEFAULT_MAX_TOKENS_RESERVE", default=4096)
# Input tokens a quota reservation counts per image (proxy/tokens.py): the most any configured
# vendor may charge for one, so concurrent image requests cannot pass a token or money quota.
GATEWAY_RESERVE_TOKENS_PER_IMAGE = env.int("GATEWAY_RESERVE_TOKENS_PER_IMAGE", default=48_200)
