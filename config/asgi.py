"""The ASGI entry point (production settings unless DJANGO_DEBUG=true or DJANGO_SETTINGS_MODULE
says otherwise)."""

import os

from django.core.asgi import get_asgi_application

import config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", config.settings_module())
application = get_asgi_application()
