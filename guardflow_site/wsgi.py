"""WSGI entry point (for tools that want one; Guardflow is served over ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")
application = get_wsgi_application()
