"""Production settings: only tightens the base. Requires XINYE_SECRET_KEY, XINYE_FIELD_KEY, XINYE_ALLOWED_HOSTS."""

import os

from django.core.exceptions import ImproperlyConfigured

from xinye.settings import *  # noqa: F403

for _name in ("XINYE_SECRET_KEY", "XINYE_FIELD_KEY", "XINYE_ALLOWED_HOSTS"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("XINYE_SSL_REDIRECT", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# __Host- cookies: the browser accepts them only over HTTPS, for this host alone (no Domain) and path /, so a
# sibling subdomain cannot set or overwrite them (issue 18 item 9).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-django_language"
LANGUAGE_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING["root"]["level"] = os.environ.get("XINYE_LOG_LEVEL", "INFO")  # noqa: F405
