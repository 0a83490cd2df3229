"""Settings for every environment, driven by environment variables.

Defaults make `allied demo` work with nothing configured (SQLite file in the working
directory). Production sets ALLIED_ENV=production (see settings_production.py).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ALLIED_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("ALLIED_SECRET_KEY", "dev-insecure-change-me-" + "x" * 40)
DEBUG = env_bool("ALLIED_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLIED_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ALLIED_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("ALLIED_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allied.core",
    "allied.program",
    "allied.accounts",
    "allied.partners",
    "allied.tiering",
    "allied.recruitment",
    "allied.onboarding",
    "allied.customers",
    "allied.deals",
    "allied.leads",
    "allied.ledger",
    "allied.funds",
    "allied.incentives",
    "allied.payouts",
    "allied.mapping",
    "allied.learning",
    "allied.library",
    "allied.web",
    "allied.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allied.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "allied.config.urls"
WSGI_APPLICATION = "allied.config.wsgi.application"

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
                "allied.web.context.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'allied.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Session hardening: short idle lifetime, HttpOnly, SameSite, rotated on login by Django.
SESSION_COOKIE_AGE = int(os.environ.get("ALLIED_SESSION_SECONDS", 60 * 60 * 8))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_SAVE_EVERY_REQUEST = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login lockout: this many failures per account or per IP within the window locks it out.
ALLIED_LOGIN_MAX_FAILURES = int(os.environ.get("ALLIED_LOGIN_MAX_FAILURES", 5))
ALLIED_LOGIN_WINDOW_SECONDS = int(os.environ.get("ALLIED_LOGIN_WINDOW_SECONDS", 15 * 60))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ALLIED_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ALLIED_LOGO_MAX_BYTES = int(os.environ.get("ALLIED_LOGO_MAX_BYTES", 1024 * 1024))

# The embeddable lead form (/forms/lead/): which sites may frame it, and its spam limits.
ALLIED_LEAD_FORM_FRAME_ANCESTORS = os.environ.get("ALLIED_LEAD_FORM_FRAME_ANCESTORS", "*")
ALLIED_LEAD_FORM_MIN_SECONDS = int(os.environ.get("ALLIED_LEAD_FORM_MIN_SECONDS", 3))
ALLIED_LEAD_FORM_MAX_AGE_SECONDS = int(os.environ.get("ALLIED_LEAD_FORM_MAX_AGE_SECONDS", 24 * 3600))
ALLIED_LEAD_FORM_PER_IP_PER_HOUR = int(os.environ.get("ALLIED_LEAD_FORM_PER_IP_PER_HOUR", 20))

EMAIL_BACKEND = os.environ.get("ALLIED_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("ALLIED_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ALLIED_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ALLIED_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ALLIED_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ALLIED_EMAIL_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("ALLIED_FROM_EMAIL", "Allied <noreply@vendor.example>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ALLIED_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ALLIED_LOG_LEVEL", "WARNING")},
}
