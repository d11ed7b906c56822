"""The WSGI entry point: `gunicorn config.wsgi` (production settings unless DJANGO_DEBUG=true
or DJANGO_SETTINGS_MODULE says otherwise)."""

import os

from django.core.wsgi import get_wsgi_application

import config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", config.settings_module())
application = get_wsgi_application()
