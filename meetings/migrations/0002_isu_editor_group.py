"""The "ISU editor" group: full rights over the meeting-programme content, nothing else.

Editors add, change, delete and view every model of this app. They get no rights over users,
groups or permissions: those stay with superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "ISU editor"

EDITOR_MODELS = [
    "action", "actionplan", "activity", "convention", "discussionquestion", "document",
    "mandate", "meeting", "milestone", "newscategory", "newspost", "obligation",
    "organisation", "person", "presentation", "programme", "room", "session", "state",
    "venue", "workplan",
]  # fmt: skip


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now.
    meetings_config = apps.get_app_config("meetings")
    meetings_config.models_module = True
    create_permissions(meetings_config, apps=apps, verbosity=0)
    meetings_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}"
        for model in EDITOR_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="meetings", codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
