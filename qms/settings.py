"""Settings, read from the environment.

DJANGO_DEBUG=1 is the development mode (`make run`, `make test`). Without it the
site runs in production mode: a real DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS
are required and every `check --deploy` hardening is on.
"""

import ipaddress
import os
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# Zone rules come from the pinned tzdata package, never from the machine's files, so
# every machine (and one without /usr/share/zoneinfo) computes the same local dates.
zoneinfo.reset_tzpath(to=())


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_networks(
    name: str, default: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """A comma-separated list of addresses or CIDR networks."""
    networks = []
    for part in filter(None, (part.strip() for part in os.environ.get(name, default).split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} phải liệt kê địa chỉ IP hoặc mạng CIDR của các reverse proxy, cách "
                "nhau bởi dấu phẩy (ví dụ 127.0.0.1,10.0.0.0/24), không phải số lượng proxy: "
                f"'{part}' không phải là địa chỉ IP hay mạng."
            ) from None
    return tuple(networks)


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY chưa được đặt. Ở chế độ vận hành (DJANGO_DEBUG=0) phải đặt "
            "biến môi trường DJANGO_SECRET_KEY là một chuỗi ngẫu nhiên dài ít nhất 50 ký tự; "
            "khi phát triển, đặt DJANGO_DEBUG=1."
        )
    SECRET_KEY = "development-only-key-never-used-when-DJANGO_DEBUG-is-off"

ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()
]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "qms.apps.AdminConfig",  # django.contrib.admin, its add forms sent once
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "django_ratelimit",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "qms",
    "procedures",
    "audits",
    "nonconformities",
    "api",
    "public",
    "notices",
    "governance",
    "isodocs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qms.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qms.accounts.PasswordChangeRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"

FORM_RENDERER = "qms.forms.FormRenderer"

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
                "qms.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several officers save at once: WAL lets readers run beside the writer, the
    # busy timeout waits for the lock instead of failing, and IMMEDIATE takes the
    # write lock when a transaction starts, so no transaction fails half-way when
    # it upgrades from reading to writing. A page cache of up to 64 MB (taken only as
    # it is used); an import keeps it to 16 MB while it runs (procedures.importer).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
    }
    # A file, not memory, so that tests with several threads see real locking; beside
    # the database DATABASE_URL names, one per test run, so that two runs do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(DATABASES["default"]["NAME"]).parent / f".test-db-{os.getpid()}.sqlite3")
    }

# Background work (django-tasks): large imports are queued in the database and run by
# `python manage.py db_worker` (`make run` starts one). The tests run them at once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "qms.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "qms.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "qms:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]
LOCALE_PATHS = [BASE_DIR / "qms" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["qms.formats"]
# The blank choice of every list filter (django-filter), and of its yes/no selects
# through `qms.filters.BooleanWidget`.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "iso@localhost")

# The channels the notices to applicants go through (notices/channels.py): the name a
# notice carries -> the dotted path of its class. An SMS or Zalo gateway is one more line.
NOTICE_CHANNELS = {"email": "notices.channels.EmailChannel"}

# The citizens' pages (public/): the key of their tokens, kept outside the database
# (its own, so that the printed codes outlive a change of DJANGO_SECRET_KEY), and the address
# the printed QR codes and the notices point to.
PUBLIC_TOKEN_KEY = os.environ.get("DJANGO_PUBLIC_TOKEN_KEY", "") or SECRET_KEY
PUBLIC_BASE_URL = os.environ.get("DJANGO_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Digital signatures (qms/keys.py, README "Chữ ký số"): the PKCS#11 module, token and
# PIN holding the signers' and the organisation's private keys (SoftHSM2 on developers'
# machines and in CI; the agency's HSM or remote-signing module in production), the
# PEM file of the roots signatures are checked against besides those imported with a
# chain, and an RFC 3161 timestamp server (none by default: a signature then carries
# the signing time the signer's machine states, not a timestamp).
SIGNING_PKCS11_LIB = os.environ.get("QMS_PKCS11_LIB", "/usr/lib/softhsm/libsofthsm2.so")
SIGNING_TOKEN_LABEL = os.environ.get("QMS_PKCS11_TOKEN", "qms")
SIGNING_TOKEN_PIN = os.environ.get("QMS_PKCS11_PIN", "")
SIGNING_TRUSTED_ROOTS = os.environ.get("QMS_TRUSTED_ROOTS", "")
SIGNING_TSA_URL = os.environ.get("QMS_TSA_URL", "")
# A signer without a certificate gets one from the token's demo CA when signing: for
# the demo and the tests only (seed_demo enrols its users anyway), never in production.
SIGNING_DEMO_ENROL = env_flag("QMS_SIGNING_DEMO_ENROL")

# Their rate limits (public/limits.py) count in a table of the database, so that every
# server process shares the counts: `python manage.py createcachetable` creates it
# (`make run` does; the test databases get it on creation). django-ratelimit asks for
# memcached or Redis, whose increments are atomic; the database's are not, so two
# requests at the same instant may both pass: a limit a few requests loose, which is
# enough to stop a script from walking the codes. Hence its check is silenced
# (SILENCED_SYSTEM_CHECKS below).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qms_ratelimit",
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "public.limits.too_many"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The province's system calls /api/v1/ with an API key of its own (api.models.ApiKey),
# bound to an account whose role decides what it may do; each key has its own rate.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.access.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.access.KeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API hệ thống quản lý chất lượng Bộ phận Một cửa",
    "DESCRIPTION": (
        "Hồ sơ, quy trình và chỉ số của Bộ phận Một cửa cho hệ thống của tỉnh. Mỗi lời "
        "gọi gửi tiêu đề `Authorization: Api-Key <khóa>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "Channel": "procedures.models.Channel",
        "Delivery": "procedures.models.Delivery",
        "Rating": "procedures.models.Rating",
        "Outcome": "procedures.models.Outcome",
        "CriterionScore": [(2, "2"), (1, "1"), (0, "0")],
    },
}

if not DEBUG:
    # Behind the reverse proxy that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Sent on every page by qms.middleware.SecurityHeadersMiddleware. Scripts and styles
# come only from the site's own files: no inline <script>, event handler (onclick=),
# javascript: URL, <style> block or style="" attribute (tests/qms/test_security_headers.py
# scans the templates). data: images are Bootstrap's icons, drawn from its CSS. The
# admin needs no exception: Django's admin pages load only static scripts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Accounts: a session lasts one working day and ends with the browser; sign-in
# attempts are throttled per user name, whatever the address (django-axes: after 5
# failures in a row that name waits 15 minutes), and every sign-in, sign-out and
# failure is logged (axes's access log in the database, and the "qms.auth" logger).
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Per user name alone: counted per (name, address), a guesser rotating addresses
# would get 5 tries from each. axes applies one AXES_FAILURE_LIMIT to every parameter
# and counts the worst, so adding the (name, address) pair would change nothing; its
# check W006 asks for the address only against rotating user agents or cookies,
# which a count per name ignores anyway.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006", "django_ratelimit.E003", "django_ratelimit.W001"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qms.accounts.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "qms.accounts.client_ip"
# The reverse proxies in front of the site, by address or network: X-Forwarded-For
# is believed only on a connection from one of them.
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES", "" if DEBUG else "127.0.0.1,::1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own console handler would print each of its lines a second time
        # beside the root's: its records reach the root's handler alone, and the
        # development server's request lines keep their own format.
        "django": {"handlers": [], "level": "INFO" if DEBUG else "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "qms.auth": {"level": "INFO"},
    },
}
