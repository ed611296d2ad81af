import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forlob.web.settings")
application = get_wsgi_application()

# gunicorn imports this module in each worker, after its fork: the first patient's page
# should not wait for Polars, the catalogue and the calendar to load
from forlob.web.warmup import warm_up  # noqa: E402

warm_up()
