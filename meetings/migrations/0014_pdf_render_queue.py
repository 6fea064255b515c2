"""Programme PDFs are rendered by the task queue's worker: each render's tries, next try and
worker are kept on its row, and a download that finds no current PDF leaves one request. ISU
editors see the renders in the admin (view) and may ask for one again (change)."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "ISU editor"
CODENAMES = ["view_programmepdf", "change_programmepdf"]


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

    dependencies = [
        ('meetings', '0013_schema_in_migrations'),
    ]

    operations = [
        migrations.AddField(
            model_name='programmepdf',
            name='next_try_at',
            field=models.DateTimeField(blank=True, help_text='When a failed or interrupted render is tried again; empty when no more tries are due.', null=True, verbose_name='next try'),
        ),
        migrations.AddField(
            model_name='programmepdf',
            name='revision',
            field=models.PositiveIntegerField(blank=True, help_text='The published revision it shows, if the programme has one.', null=True, verbose_name='revision'),
        ),
        migrations.AddField(
            model_name='programmepdf',
            name='tries',
            field=models.PositiveSmallIntegerField(default=0, help_text='Renders of this version begun so far.', verbose_name='tries'),
        ),
        migrations.AddField(
            model_name='programmepdf',
            name='worker',
            field=models.CharField(blank=True, help_text='The machine and process of the worker rendering it.', max_length=200, verbose_name='rendered by'),
        ),
        migrations.CreateModel(
            name='ProgrammePDFRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('fr', 'Français'), ('es', 'Español')], max_length=8, verbose_name='language')),
                ('generation', models.PositiveBigIntegerField(help_text="The content's generation the PDF was asked for at.", verbose_name='generation')),
                ('requested_at', models.DateTimeField(verbose_name='requested')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pdf_requests', to='meetings.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'programme PDF request',
                'verbose_name_plural': 'programme PDF requests',
                'ordering': ['-requested_at'],
                'constraints': [models.UniqueConstraint(fields=('programme', 'language'), name='programme_pdf_request_one_per_language')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
