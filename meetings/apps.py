from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and programmes"

    def ready(self):
        from .db_triggers import install_triggers

        post_migrate.connect(install_triggers, sender=self, dispatch_uid="meetings_triggers")
