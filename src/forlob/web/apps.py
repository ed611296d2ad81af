from django.apps import AppConfig


class ForlobWebConfig(AppConfig):
    name = "forlob.web"
    label = "forlob"
    verbose_name = "forlob"
    default_auto_field = "django.db.models.BigAutoField"
