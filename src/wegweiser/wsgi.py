"""WSGI config for Wegweiser.

It exposes the WSGI callable as a module-level variable named ``application``
(e.g. ``gunicorn wegweiser.wsgi``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")

application = get_wsgi_application()
