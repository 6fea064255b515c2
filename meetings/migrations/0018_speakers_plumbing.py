"""Statements by delegation and panellists are content inside a meeting (issue 19):

1. A write to them, or to the files a statement links, counts as a change to the meeting they
   lie in (migration 0013's generations), so the cached pages that show them are made again.
2. The statements entered before as presentations of the kind "statement" with a delegation
   become Statement rows (their file linked to the statement), in every copy of the programme
   alike: one place for a delegation's statement, which the public page, PDF, JSON and search
   read. A "statement" presentation without a delegation (a person's) stays a presentation.
3. ISU editors add, change, delete and view them, as every other content model.
"""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "ISU editor"
CODENAMES = [
    f"{action}_{model}"
    for model in ("statement", "panellist")
    for action in ("add", "change", "delete", "view")
]


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
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="meetings", codename__in=CODENAMES)
        )

SCHEMA = importlib.import_module("meetings.migrations.0013_schema_in_migrations")

_TO_STATEMENT = (
    "JOIN meetings_statement st ON st.id = r.key "
    f"JOIN meetings_session s ON s.id = st.session_id {SCHEMA._SESSION_TO_PROGRAMME}"
)
# table: (the column leading to the meeting, the joins from it to the programme `p`)
TABLES = {
    "meetings_statement": ("session_id", SCHEMA._TO_SESSION),
    "meetings_panellist": ("session_id", SCHEMA._TO_SESSION),
    "meetings_statement_documents": ("statement_id", _TO_STATEMENT),
}


def generation_triggers():
    sql, reverse = [], []
    for table, (column, joins) in TABLES.items():
        sql.append(
            f"CREATE TRIGGER bumps_every_meeting_generation AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION meetings_bump_every_meeting_generation()"
        )
        reverse.append(f"DROP TRIGGER IF EXISTS bumps_every_meeting_generation ON {table}")
        for event, images in SCHEMA.ROWS_OF.items():
            rows = " UNION ".join(f"SELECT {column} AS key FROM {i.lower()}_rows" for i in images)
            bumps = (
                f"INSERT INTO {SCHEMA.MEETING_GENERATION} (meeting_id, number) "
                f"SELECT DISTINCT p.meeting_id, 1 FROM ({rows}) r {joins} "
                "ORDER BY 1 ON CONFLICT (meeting_id) DO UPDATE SET number = "
                f"{SCHEMA.MEETING_GENERATION}.number + 1"
            )
            forward, backward = SCHEMA._statement_trigger(table, event, "bumps_meetings", bumps)
            sql += forward
            reverse += backward
    return sql, reverse


GROUP_STATEMENTS = 30  # Statement.Group.STATEMENTS


def presentations_to_statements(apps, schema_editor):
    Presentation = apps.get_model("meetings", "Presentation")
    Statement = apps.get_model("meetings", "Statement")
    by_delegation = Presentation.objects.filter(kind="statement").exclude(
        delegation_state__isnull=True, delegation_organisation__isnull=True
    )
    for shown in by_delegation.order_by("session_id", "position", "pk"):
        statement = Statement.objects.create(
            session_id=shown.session_id,
            group=GROUP_STATEMENTS,
            position=shown.position,
            state_id=shown.delegation_state_id,
            # A presentation could name both; a statement is by one delegation: the State.
            organisation_id=None if shown.delegation_state_id else shown.delegation_organisation_id,
        )
        if shown.document_id:
            statement.documents.add(shown.document_id)
        shown.delete()


def statements_to_presentations(apps, schema_editor):
    Presentation = apps.get_model("meetings", "Presentation")
    Statement = apps.get_model("meetings", "Statement")
    for statement in Statement.objects.order_by("session_id", "group", "position", "pk"):
        Presentation.objects.create(
            session_id=statement.session_id,
            kind="statement",
            position=statement.position,
            delegation_state_id=statement.state_id,
            delegation_organisation_id=statement.organisation_id,
            document=statement.documents.order_by("pk").first(),
        )
    Statement.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0017_every_state_in_three_languages"),
    ]

    operations = [
        migrations.RunSQL(*generation_triggers()),
        migrations.RunPython(presentations_to_statements, statements_to_presentations),
        migrations.RunPython(grant, revoke),
    ]
