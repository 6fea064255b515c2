from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and programmes"

    def ready(self):
        from . import addresses  # noqa: F401 - registers the deployment check of SITE_URL
