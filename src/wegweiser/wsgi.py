"""WSGI config for Wegweiser.

It exposes the WSGI callable as a module-level variable named ``application``
(e.g. ``gunicorn wegweiser.wsgi``).

Garbage collection: a request makes tens of thousands of short-lived objects, and with Python's
default thresholds the cyclic collector ran several times per page and walked the loaded
application (modules, models, compiled templates) each time it reached the older generations
(bench/instructions.py: 2.5 % of a case page's instructions). The objects that exist once the
application is loaded live as long as the process; ``gc.freeze()`` takes them out of the
collector's walks, and a larger first threshold lets a page's garbage be freed by reference
counting before the collector looks at it. Cycles are still collected, only less often.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegweiser.settings")

application = get_wsgi_application()

gc.collect()
gc.freeze()
gc.set_threshold(20_000, 20, 20)
