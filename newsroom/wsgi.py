import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the process: kept out of the garbage collector's full
# scans, which otherwise walk all of it again and again, as pauses in whichever request is running.
gc.freeze()
