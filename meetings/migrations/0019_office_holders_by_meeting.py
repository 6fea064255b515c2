"""Offices staff add (with French and Spanish names) and each meeting's office holders: a
Mandate is now a term with real first and last days, in an office, optionally at a meeting and
in the order that meeting gives.

The four fixed roles become four offices. A source giving only years is held as whole calendar
years: a term "2016-2017" runs from 1 January 2016 to 31 December 2017, and one with no last
year (then "still in office") ends on 31 December of its first year, so that no term is current
for ever. A holder convening programmes of one meeting only becomes one of that meeting's office
holders, in the order of its id (the order it was entered).
"""

import datetime

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "ISU editor"
OFFICE_CODENAMES = [f"{action}_office" for action in ("add", "change", "delete", "view")]

# The roles of migration 0001 and the offices they become, with their order on a meeting's page.
ROLE_OFFICES = {
    "co_chair_va": ("Co-Chairs of the Standing Committee on Victim Assistance", 10),
    "president": ("President", 20),
    "va_coordinator": ("Coordinators on Victim Assistance", 30),
    "ica_coordinator": ("Coordinators on International Cooperation and Assistance", 40),
}

SHARED_TRIGGER = (
    "CREATE TRIGGER bumps_shared_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON meetings_office FOR EACH STATEMENT EXECUTE FUNCTION meetings_bump_shared_generation()"
)


def grant(apps, schema_editor):
    """ISU editors add, change, delete and view offices, as every content model (0002)."""
    meetings_config = apps.get_app_config("meetings")
    meetings_config.models_module = True
    create_permissions(meetings_config, apps=apps, verbosity=0)
    meetings_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="meetings", codename__in=OFFICE_CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(codename__in=OFFICE_CODENAMES))


def years_to_terms(apps, schema_editor):
    Mandate = apps.get_model("meetings", "Mandate")
    Office = apps.get_model("meetings", "Office")
    Programme = apps.get_model("meetings", "Programme")
    offices = {}
    positions = {}
    for mandate in Mandate.objects.order_by("pk"):
        if mandate.role not in offices:
            name, position = ROLE_OFFICES.get(mandate.role, (mandate.role, 90))
            offices[mandate.role], _ = Office.objects.get_or_create(
                name=name, defaults={"position": position}
            )
        mandate.office = offices[mandate.role]
        mandate.start_date = datetime.date(mandate.start_year, 1, 1)
        mandate.end_date = datetime.date(mandate.end_year or mandate.start_year, 12, 31)
        meetings = set(
            Programme.objects.filter(convened_by=mandate).values_list("meeting_id", flat=True)
        )
        if len(meetings) == 1:
            mandate.meeting_id = meetings.pop()
            key = (mandate.meeting_id, mandate.office_id)
            mandate.position = positions[key] = positions.get(key, -1) + 1
        mandate.save()


def terms_to_years(apps, schema_editor):
    Mandate = apps.get_model("meetings", "Mandate")
    roles = {name: role for role, (name, _) in ROLE_OFFICES.items()}
    for mandate in Mandate.objects.select_related("office"):
        mandate.role = roles.get(mandate.office.name, mandate.office.name[:20])
        mandate.start_year = mandate.start_date.year
        mandate.end_year = mandate.end_date.year
        mandate.save()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0018_speakers_plumbing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Office",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As a meeting's page heads its holders, e.g. “Co-Chairs” or “Rapporteur”.",
                        max_length=200,
                        unique=True,
                        verbose_name="name",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Order among the offices a meeting's page lists.",
                        verbose_name="position",
                    ),
                ),
                (
                    "name_fr",
                    models.CharField(
                        blank=True, default="", max_length=200, verbose_name="name (French)"
                    ),
                ),
                (
                    "name_es",
                    models.CharField(
                        blank=True, default="", max_length=200, verbose_name="name (Spanish)"
                    ),
                ),
            ],
            options={
                "verbose_name": "office",
                "verbose_name_plural": "offices",
                "ordering": ["position", "name"],
            },
        ),
        # Like every content table outside a meeting (migration 0013), its writes count for
        # every page's cached copy.
        migrations.RunSQL(
            SHARED_TRIGGER, "DROP TRIGGER IF EXISTS bumps_shared_generation ON meetings_office"
        ),
        migrations.RunPython(grant, revoke),
        migrations.AddField(
            model_name="mandate",
            name="meeting",
            field=models.ForeignKey(
                blank=True,
                help_text="The meeting at which the State held the office, if it is one of its own.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="office_holders",
                to="meetings.meeting",
                verbose_name="meeting",
            ),
        ),
        migrations.AddField(
            model_name="mandate",
            name="position",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Order among the holders of the office.",
                verbose_name="position",
            ),
        ),
        migrations.AddField(
            model_name="mandate",
            name="office",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="holders",
                to="meetings.office",
                verbose_name="office",
            ),
        ),
        migrations.AddField(
            model_name="mandate",
            name="start_date",
            field=models.DateField(blank=True, null=True, verbose_name="term from"),
        ),
        migrations.AddField(
            model_name="mandate",
            name="end_date",
            field=models.DateField(blank=True, null=True, verbose_name="term until"),
        ),
        # So that a step back can add them again to rows, before filling them in.
        migrations.AlterField(
            model_name="mandate",
            name="start_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="from (year)"),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="role",
            field=models.CharField(max_length=20, null=True, verbose_name="office"),
        ),
        migrations.RunPython(years_to_terms, terms_to_years),
        migrations.RemoveConstraint(
            model_name="mandate",
            name="mandate_ends_after_start",
        ),
        migrations.RemoveField(
            model_name="mandate",
            name="end_year",
        ),
        migrations.RemoveField(
            model_name="mandate",
            name="role",
        ),
        migrations.RemoveField(
            model_name="mandate",
            name="start_year",
        ),
        migrations.AlterField(
            model_name="mandate",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="holders",
                to="meetings.office",
                verbose_name="office",
            ),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="start_date",
            field=models.DateField(
                blank=True,
                help_text="The first day of the term; for a meeting's holder, the meeting's if empty.",
                verbose_name="term from",
            ),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="end_date",
            field=models.DateField(
                blank=True,
                help_text="The last day of the term; for a meeting's holder, the meeting's if empty.",
                verbose_name="term until",
            ),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="convention",
            field=models.ForeignKey(
                blank=True,
                help_text="For a meeting's office holder, the meeting's.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mandates",
                to="meetings.convention",
                verbose_name="convention",
            ),
        ),
        migrations.AlterModelOptions(
            name="mandate",
            options={
                "ordering": [
                    "-start_date",
                    "convention_id",
                    "office__position",
                    "office_id",
                    "position",
                ],
                "verbose_name": "office holder",
                "verbose_name_plural": "office holders",
            },
        ),
        migrations.AddConstraint(
            model_name="mandate",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))),
                name="mandate_ends_on_or_after_start",
                violation_error_message="The term cannot end before it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="mandate",
            constraint=models.UniqueConstraint(
                fields=("meeting", "office", "position"),
                name="mandate_one_holder_per_position",
                violation_error_message="Two holders of this office at this meeting have the same position: give each its own.",
            ),
        ),
    ]
