"""The JSON API under /api/v1/ (django-ninja). Stub: to be written."""

from ninja import NinjaAPI

api = NinjaAPI(title="forlob API", version="1", urls_namespace="api")
