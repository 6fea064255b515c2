"""Following a programme or a session from afar, and its recordings (issue 20, item 4):

1. Programmes and sessions get a link to follow them remotely (https only), whether they are
   hybrid, and the UN languages they are interpreted into; sessions get their recordings.
2. A write to a recording counts as a change to the meeting it lies in (migration 0013's
   generations), so the cached pages that show it are made again.
3. ISU editors add, change, delete and view recordings, as every other content model.
"""

import importlib

import django.core.validators
import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import meetings.models.common
import meetings.models.remote

GROUP = "ISU editor"
CODENAMES = [f"{action}_recording" for action in ("add", "change", "delete", "view")]
SPEAKERS = importlib.import_module("meetings.migrations.0018_speakers_plumbing")


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


def generation_triggers():
    """Migration 0018's triggers, on the recordings' table."""
    tables = SPEAKERS.TABLES
    try:
        SPEAKERS.TABLES = {"meetings_recording": ("session_id", SPEAKERS.SCHEMA._TO_SESSION)}
        return SPEAKERS.generation_triggers()
    finally:
        SPEAKERS.TABLES = tables


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0027_actions_presenters_and_holders_searched"),
    ]

    operations = [
        migrations.CreateModel(
            name="Recording",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("video", "Video (UN Web TV)"),
                            ("audio", "Audio (UN Geneva Digital Recordings Portal)"),
                        ],
                        default="video",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("floor", "Floor (the speakers' own languages)"),
                            ("ar", "Arabic"),
                            ("zh", "Chinese"),
                            ("en", "English"),
                            ("fr", "French"),
                            ("ru", "Russian"),
                            ("es", "Spanish"),
                        ],
                        default="floor",
                        help_text="The floor, or the language of the interpretation recorded.",
                        max_length=5,
                        verbose_name="language",
                    ),
                ),
                (
                    "url",
                    meetings.models.remote.HttpsURLField(
                        help_text="e.g. https://webtv.un.org/en/asset/… or https://conf.unog.ch/digitalrecordings/…",
                        max_length=500,
                        validators=[
                            django.core.validators.URLValidator(
                                code="not_https",
                                message="Enter a full web address starting with https://, e.g. https://webtv.un.org/…",
                                schemes=["https"],
                            )
                        ],
                        verbose_name="address",
                    ),
                ),
            ],
            options={
                "verbose_name": "recording",
                "verbose_name_plural": "recordings",
                "ordering": [
                    "session_id",
                    models.OrderBy(models.F("kind"), descending=True),
                    models.OrderBy(
                        models.Case(
                            models.When(language="floor", then=models.Value(-1)),
                            models.When(language="ar", then=models.Value(0)),
                            models.When(language="zh", then=models.Value(1)),
                            models.When(language="en", then=models.Value(2)),
                            models.When(language="fr", then=models.Value(3)),
                            models.When(language="ru", then=models.Value(4)),
                            models.When(language="es", then=models.Value(5)),
                            default=models.Value(99),
                        )
                    ),
                    "pk",
                ],
            },
            bases=(meetings.models.common.Publishable, models.Model),
        ),
        migrations.AddField(
            model_name="programme",
            name="hybrid",
            field=models.BooleanField(
                default=False,
                help_text="Delegates take part in the room and online.",
                verbose_name="hybrid",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="interpretation",
            field=meetings.models.remote.LanguagesField(
                blank=True,
                default=list,
                help_text="The languages delegates can listen in.",
                size=None,
                verbose_name="interpretation into",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="remote_url",
            field=meetings.models.remote.HttpsURLField(
                blank=True,
                help_text="An https:// address where delegates follow it online (UN Web TV, a webinar).",
                max_length=500,
                validators=[
                    django.core.validators.URLValidator(
                        code="not_https",
                        message="Enter a full web address starting with https://, e.g. https://webtv.un.org/…",
                        schemes=["https"],
                    )
                ],
                verbose_name="link to follow remotely",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="hybrid",
            field=models.BooleanField(
                blank=True,
                help_text="Delegates take part in the room and online. Unknown: as its programme.",
                null=True,
                verbose_name="hybrid",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="interpretation",
            field=meetings.models.remote.LanguagesField(
                blank=True,
                default=list,
                help_text="None ticked: as its programme.",
                size=None,
                verbose_name="interpretation into",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="remote_url",
            field=meetings.models.remote.HttpsURLField(
                blank=True,
                help_text="An https:// address where delegates follow it online (UN Web TV, a webinar).",
                max_length=500,
                validators=[
                    django.core.validators.URLValidator(
                        code="not_https",
                        message="Enter a full web address starting with https://, e.g. https://webtv.un.org/…",
                        schemes=["https"],
                    )
                ],
                verbose_name="link to follow remotely",
            ),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("remote_url", ""), ("remote_url__startswith", "https://"), _connector="OR"
                ),
                name="programme_remote_url_https",
                violation_error_message="A link must be a web address starting with https://.",
            ),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("interpretation__contained_by", ["ar", "zh", "en", "fr", "ru", "es"])
                ),
                name="programme_interpretation_un_languages",
                violation_error_message="Interpretation is into the six UN languages only.",
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("remote_url", ""), ("remote_url__startswith", "https://"), _connector="OR"
                ),
                name="session_remote_url_https",
                violation_error_message="A link must be a web address starting with https://.",
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("interpretation__contained_by", ["ar", "zh", "en", "fr", "ru", "es"])
                ),
                name="session_interpretation_un_languages",
                violation_error_message="Interpretation is into the six UN languages only.",
            ),
        ),
        migrations.AddField(
            model_name="recording",
            name="session",
            field=models.ForeignKey(
                limit_choices_to={"programme__edition": "working"},
                on_delete=django.db.models.deletion.CASCADE,
                related_name="recordings",
                to="meetings.session",
                verbose_name="session",
            ),
        ),
        migrations.AddConstraint(
            model_name="recording",
            constraint=models.UniqueConstraint(
                fields=("session", "kind", "language"),
                name="recording_one_per_session_kind_language",
                violation_error_message="This session already has a recording of this kind in this language.",
            ),
        ),
        migrations.AddConstraint(
            model_name="recording",
            constraint=models.CheckConstraint(
                condition=models.Q(("url__startswith", "https://")),
                name="recording_url_https",
                violation_error_message="A link must be a web address starting with https://.",
            ),
        ),
        migrations.AddConstraint(
            model_name="recording",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("language", "floor"),
                    ("language__in", ["ar", "zh", "en", "fr", "ru", "es"]),
                    _connector="OR",
                ),
                name="recording_language_known",
                violation_error_message="A recording is of the floor or of a UN language.",
            ),
        ),
        migrations.RunSQL(*generation_triggers()),
        migrations.RunPython(grant, revoke),
    ]
