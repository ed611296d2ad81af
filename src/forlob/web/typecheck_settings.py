"""The settings mypy's Django plugin reads (pyproject.toml, [tool.django-stubs]): the app's own
settings in demo mode, so type checking needs no secret key and no database."""

import os

os.environ.setdefault("FORLOB_DEMO", "1")

from forlob.web.settings import *  # noqa: E402,F403
