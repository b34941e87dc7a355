"""Settings for the soft-landing portal, read from the environment.

Development and production differ only by environment variables; see
``.env.example``. Anything a person must set stops start-up with one sentence.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py is read when present; real environment wins.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)


def stop(sentence):
    """Stop start-up with one sentence on stderr and exit status 1, no traceback."""
    raise SystemExit(f"Configuration error: {sentence}")


def read_bool(name, default):
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    stop(f"{name} must be true or false, not {raw!r}.")


def read(reader, name, **kwargs):
    try:
        return reader(name, **kwargs)
    except (ValueError, environ.ImproperlyConfigured) as exc:
        stop(f"{name} has a value that cannot be read ({exc}).")


DEBUG = read_bool("DEBUG", default=False)

# Set by manage.py for commands that only touch source files (makemigrations ...).
OFFLINE_COMMAND = read_bool("PORTAL_OFFLINE_COMMAND", default=False)
SECRETS_OPTIONAL = DEBUG or OFFLINE_COMMAND

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not SECRETS_OPTIONAL:
        stop(
            "SECRET_KEY is not set; set SECRET_KEY to a long random string "
            "(or DEBUG=true for local development)."
        )
    # Development only: a fresh random key each start, never a fixed one.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = read(env.list, "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS and not SECRETS_OPTIONAL:
    stop("ALLOWED_HOSTS is not set; list the host names the portal answers to, comma-separated.")
CSRF_TRUSTED_ORIGINS = read(env.list, "CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "programs",
    "applications",
    "placements",
    "outcomes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its indexes' operator classes (portal.indexes.SearchIndex); nothing on SQLite.
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "django_countries",
    "djmoney",
    "django_filters",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First: the moment each request arrived (request.arrived_at), which deadlines are
    # checked against (portal/middleware.py).
    "portal.middleware.ArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.SignedOutSaveMiddleware",
]

# Take a request's arrival from the proxy's X-Request-Start header: only behind a proxy that
# sets it on every request and drops the client's own (portal/middleware.py).
PORTAL_TRUST_REQUEST_START = read_bool("PORTAL_TRUST_REQUEST_START", default=False)
# An X-Request-Start further back than this (seconds) is a wrong clock, not a queue: ignored.
PORTAL_REQUEST_START_MAX_AGE = 300

ROOT_URLCONF = "portal.urls"
# Apps that add their own data and list pages to ``manage.py bench_pages`` (each module has
# fill(world, size) and pages(world)); applications' own filler builds the world first.
BENCH_EXTENSIONS = ["placements.bench"]
FORM_RENDERER = "portal.forms.PortalFormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    # HTML: every template but *.txt, escaped. First, so it is Django's default engine.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "portal.text_templates.HtmlFilesystemLoader",
                        "portal.text_templates.HtmlAppDirectoriesLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
    # Plain text (email subjects and bodies): every *.txt template, never HTML-escaped.
    # See portal/text_templates.py.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "autoescape": False,
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "portal.text_templates.TextFilesystemLoader",
                        "portal.text_templates.TextAppDirectoriesLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: unset (or empty) means the embedded SQLite file in development; a postgres:// URL
# means PostgreSQL. Production names its database: it never falls back to a file in the
# checkout.
DATABASE_URL = env.str("DATABASE_URL", default="").strip()
if not DATABASE_URL:
    if not SECRETS_OPTIONAL:
        stop(
            "DATABASE_URL is not set; set it to the production database, e.g. "
            "postgres://portal:<password>@127.0.0.1:5432/portal "
            "(or sqlite:////path/to/portal.sqlite3 on purpose)."
        )
    DATABASE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
except (ValueError, environ.ImproperlyConfigured) as exc:
    stop(f"DATABASE_URL has a value that cannot be read ({exc}).")
if DATABASES["default"].get("ENGINE") not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    stop("DATABASE_URL must start with postgres:// or sqlite:///, or be unset for SQLite.")
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several people at once. Each request's transaction
    # (ATOMIC_REQUESTS) takes the write lock when it begins (IMMEDIATE), so requests take
    # turns, waiting up to 20 seconds, instead of two saves failing with "database is
    # locked" when both try to write. WAL lets reads outside a request's transaction (the
    # session, the signed-in user) go on meanwhile; synchronous=NORMAL is safe with WAL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = read(env.int, "DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # A kept connection is checked before a request uses it: after the database restarts,
    # the portal reconnects instead of failing each process's next request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's backend (email log-in, rate limits), itself Django's ModelBackend.
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
# A form sent from a page older than the person's sign-in says what happened (portal/views.py).
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: email is the login, verification is mandatory, rate limits on.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
# Sign-up and password reset count only the addresses an account holds for real (its own, or
# confirmed): an address added to another account and never confirmed is only a claim.
ACCOUNT_FORMS = {
    "signup": "portal.forms.SignupForm",
    "reset_password": "portal.forms.ResetPasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that they are visible and kept on.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# A taken email is said on the sign-up page, next to the field (the issue asks for a clear
# message); the signup and login rate limits above bound what enumeration can learn.
ACCOUNT_PREVENT_ENUMERATION = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Soft-landing portal"

# Caches back allauth's rate limits; with several web processes they must share one.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": read(env.cache_url, "CACHE_URL")}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        # A Redis outage makes the cache miss instead of failing every page (portal/cache.py);
        # a Redis that does not answer is given up on within a second.
        CACHES["default"]["BACKEND"] = "portal.cache.OutageTolerantRedisCache"
        CACHES["default"].setdefault("OPTIONS", {}).update(
            {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The portal's catalogue first; then allauth's French strings that say "e-mail", written again
# with "courriel" as the portal says it (bin/french-allauth), before allauth's own catalogue.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = "America/Toronto"

# The program's own country and currency: outbound intakes send firms from here to
# hosts abroad, inbound intakes bring foreign firms to hosts here.
PORTAL_HOME_COUNTRY = env.str("PORTAL_HOME_COUNTRY", default="CA")
PORTAL_CURRENCY = env.str("PORTAL_CURRENCY", default="CAD").strip().upper()
DEFAULT_CURRENCY = PORTAL_CURRENCY
# Currencies offered by money fields: the program's and those of the markets we serve.
CURRENCIES = (
    *("CAD", "USD", "EUR", "GBP"),
    *("BRL", "INR", "SAR", "AED", "CNY", "MXN", "IDR", "NGN", "TRY"),
)
if PORTAL_CURRENCY not in CURRENCIES:
    import moneyed

    if PORTAL_CURRENCY not in moneyed.CURRENCIES:
        stop(f"PORTAL_CURRENCY must be an ISO 4217 code such as CAD, not {PORTAL_CURRENCY!r}.")
    CURRENCIES = (PORTAL_CURRENCY, *CURRENCIES)
USE_I18N = True
USE_TZ = True
# One date and one date-time format per language (portal/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = read(env.path, "MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# In development static files come straight from the apps and static/ (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    # Uploads are written whole or not at all (a full disk leaves no half file).
    "default": {"BACKEND": "portal.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email goes through Django's mail layer; console by default in development, and named in
# production, never the console: the log would hold every password-reset link and nobody
# would receive anything.
EMAIL_URL = env.str("EMAIL_URL", default="").strip()
if not EMAIL_URL:
    if not SECRETS_OPTIONAL:
        stop(
            "EMAIL_URL is not set; set it to the mail server, e.g. "
            "smtp+tls://<user>:<password>@smtp.example.org:587."
        )
    EMAIL_URL = "consolemail://"
try:
    EMAIL_CONFIG = environ.Env.email_url_config(EMAIL_URL)
except (ValueError, environ.ImproperlyConfigured) as exc:
    stop(f"EMAIL_URL has a value that cannot be read ({exc}).")
if (
    EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    and not SECRETS_OPTIONAL
):
    stop(
        "EMAIL_URL is consolemail://, which writes every email (password-reset links "
        "included) in the log and sends none; set the mail server in production."
    )
globals().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = read(env.path, "EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Soft-landing portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How many times the outbox tries an email before it is marked failed and shown to managers.
PORTAL_EMAIL_MAX_ATTEMPTS = read(env.int, "PORTAL_EMAIL_MAX_ATTEMPTS", default=5)
if PORTAL_EMAIL_MAX_ATTEMPTS < 1:
    stop(f"PORTAL_EMAIL_MAX_ATTEMPTS must be at least 1, not {PORTAL_EMAIL_MAX_ATTEMPTS}.")
# The address people open the portal at: every link in an email starts with it. bin/run sets
# it from its port; production must say it (the web request that causes an email is not
# there when a worker or beat sends it).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="").strip().rstrip("/")
if not PORTAL_BASE_URL:
    if not SECRETS_OPTIONAL:
        stop(
            "PORTAL_BASE_URL is not set; set it to the address people open the portal at, "
            "e.g. https://portal.example.org (emails link to it)."
        )
    PORTAL_BASE_URL = "http://127.0.0.1:8000"
elif not PORTAL_BASE_URL.startswith(("http://", "https://")):
    stop(f"PORTAL_BASE_URL must start with https:// or http://, not {PORTAL_BASE_URL!r}.")

# Celery: unset broker means tasks run inline, so the portal works on its own.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish while the broker is down gives up quickly; the outbox sweep retries later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# The one beat schedule: every periodic job of the portal is declared here.
CELERY_BEAT_SCHEDULE = {
    "send-pending-emails": {
        "task": "portal.send_pending_emails",
        "schedule": 60.0,
    },
    # Drafts get one email 72 hours and one 24 hours before their deadline.
    "remind-draft-applications": {
        "task": "applications.remind_drafts",
        "schedule": 15 * 60.0,
    },
    # Work a broker outage left behind: submissions never screened, scores never refreshed.
    "screen-waiting-applications": {
        "task": "applications.screen_waiting",
        "schedule": 10 * 60.0,
    },
    "refresh-stale-scores": {
        "task": "applications.refresh_stale_scores",
        "schedule": 10 * 60.0,
    },
    # Reviewers with reviews still to give: one email 72 hours and one 24 hours before due.
    "remind-reviewers": {
        "task": "applications.remind_reviewers",
        "schedule": 15 * 60.0,
    },
    # Selection runs an outage left queued; offers past their deadline free their seats.
    "requeue-stalled-selection-runs": {
        "task": "applications.requeue_stalled_runs",
        "schedule": 10 * 60.0,
    },
    "expire-offers": {
        "task": "applications.expire_offers",
        "schedule": 15 * 60.0,
    },
    # Stays: arrival in seven days, check-ins due and overdue, departures due; each once.
    "remind-stays": {
        "task": "placements.remind_stays",
        "schedule": 60 * 60.0,
    },
    # The banks publish once a working day (the Bank of Canada at 16:30 Toronto time, the
    # ECB around 16:00 CET); the import adds only days not yet recorded, so a late or twice
    # run changes nothing. Offline portals upload the files on the exchange rates page.
    "import-bank-of-canada-rates": {
        "task": "placements.import_rates",
        "schedule": crontab(hour=18, minute=0),
        "kwargs": {"source": "boc"},
    },
    "import-ecb-rates": {
        "task": "placements.import_rates",
        "schedule": crontab(hour=18, minute=10),
        "kwargs": {"source": "ecb"},
    },
    # Host desk invoices are drawn once a month is over or a stay has ended; drafts are
    # redrawn until a manager sends them.
    # Program reports and dossiers whose task an outage lost are queued again.
    "requeue-stalled-documents": {
        "task": "outcomes.requeue_stalled_documents",
        "schedule": 10 * 60.0,
    },
    # The managers' kept work counts, counted again at night (a count that went wrong, rows
    # deleted with a person say, is mended by morning).
    "recount-work": {
        "task": "applications.recount_work",
        "schedule": crontab(hour=3, minute=15),
    },
    "generate-desk-invoices": {
        "task": "placements.generate_desk_invoices",
        "schedule": crontab(hour=2, minute=30),
    },
    # API tokens past their expiry are forgotten (they are refused from that moment anyway).
    # Tokens of forms that added a record (a double click adds it once) are kept a month.
    "forget-sent-forms": {
        "task": "portal.forget_sent_forms",
        "schedule": 24 * 60 * 60.0,
    },
    "delete-expired-api-tokens": {
        "task": "portal.delete_expired_api_tokens",
        "schedule": 60 * 60.0,
    },
    # Placements that ended get their outcome reports (end of stay, 3, 6 and 12 months).
    "schedule-outcome-reports": {
        "task": "outcomes.schedule_ended_placements",
        "schedule": 60 * 60.0,
    },
    # Outcome reports: reminders before, on and after the due date, and the managers told
    # of reports overdue past the grace period; each once.
    "remind-outcome-reports": {
        "task": "outcomes.remind_reports",
        "schedule": 60 * 60.0,
    },
}

# The REST API (portal/api/, each app's api.py; docs/architecture.md, "The REST API").
# Proxies in front of the portal that append the client's address to X-Forwarded-For (0: the
# portal is reached directly and REMOTE_ADDR is the client; 1: one proxy, e.g. nginx).
PORTAL_PROXIES = read(env.int, "PORTAL_PROXIES", default=0)
if PORTAL_PROXIES < 0:
    stop(f"PORTAL_PROXIES must be 0 or more, not {PORTAL_PROXIES}.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.SignedIn"],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.AddressThrottle",
        "portal.api.throttling.TokenThrottle",
    ],
    # The client's address for the per-address limit: REMOTE_ADDR with no proxy; behind N
    # proxies, the address the Nth proxy from us added to X-Forwarded-For. Never None, which
    # would make DRF trust the whole header the client sent.
    "NUM_PROXIES": PORTAL_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.handle",
    "PAGE_SIZE": 50,
}
# Requests per token and per address ("120/minute"; "" for no limit), counted in the cache.
PORTAL_API_RATES = {
    "token": env.str("PORTAL_API_RATE_TOKEN", default="120/minute").strip() or None,
    "address": env.str("PORTAL_API_RATE_ADDRESS", default="300/minute").strip() or None,
}
for _kind, _rate in PORTAL_API_RATES.items():
    # Read as Django REST framework reads it (a number, "/", a unit it knows by its first
    # letter): a value it would misread fails every API request, or counts per minute.
    _count, _slash, _unit = (_rate or "1/s").partition("/")
    if not (_count.isdigit() and _unit in {"s", "second", "m", "minute", "h", "hour", "d", "day"}):
        stop(
            f"PORTAL_API_RATE_{_kind.upper()} must be a number of requests per second, "
            f"minute, hour or day, e.g. 120/minute, or empty for no limit, not {_rate!r}."
        )
del _kind, _rate, _count, _slash, _unit
SPECTACULAR_SETTINGS = {
    "TITLE": "Soft-landing portal API",
    "DESCRIPTION": (
        "Intakes, hosts and markets for anyone; placements and desk invoices for host "
        "partners; your account and API tokens. Send a token from your account page as "
        "`Authorization: Bearer slp_...`. Limits: "
        f"{PORTAL_API_RATES['token'] or 'none'} per token and "
        f"{PORTAL_API_RATES['address'] or 'none'} per address; over a limit the answer is "
        "429 with Retry-After (seconds). Every error is JSON: "
        '{"code", "message", "fields"}.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"CountryEnum": "portal.api.schema.country_choices"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_responses",
    ],
}

# Production hardening: on whenever DEBUG is off, so `check --deploy` passes.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = read_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = read(env.int, "SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The language a visitor chose (django_language) travels as the session does: HTTPS only,
# out of scripts' reach, not sent by other sites' requests.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): the portal's own files only, so a text that escaped
# escaping still cannot run. No inline script and no inline style (templates carry neither:
# tests/portal/test_csp.py checks; the charts are SVG and htmx injects no <style>, see
# templates/portal/_site_head.html); images may be data: URIs (the two-factor QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Sessions are read from the cache and written through to the database (a cache flush
# signs nobody out), so a page does not query for its session. Only with a cache every
# process shares (CACHE_URL), or the one-process development server: with a cache per
# process, a log-out in one would not reach the others' copies.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL or DEBUG
    else "django.contrib.sessions.backends.db"
)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    stop(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
