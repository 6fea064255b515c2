"""ISU editors may publish programme revisions (add) and read them (view); a published
revision is a record, so nobody edits or deletes it through the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "ISU editor"
CODENAMES = ["add_programmerevision", "view_programmerevision"]


def grant(apps, schema_editor):
    meetings_config = apps.get_app_config("meetings")
    meetings_config.models_module = True
    create_permissions(meetings_config, apps=apps, verbosity=0)
    meetings_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_programme_revisions")]

    operations = [migrations.RunPython(grant, revoke)]
