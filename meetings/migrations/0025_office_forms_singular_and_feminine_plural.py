"""An office's forms for one holder and for several women (issue 24): "Australie (Philip
Kimpton), Coprésident…", not "Coprésidents"; "Corapporteuses : Nicaragua (Mme …) et Norvège
(Mme …)", not "Corapporteurs". The seed's offices, and the Rapporteur and Co-Rapporteurs offices
staff add, get these forms in English, French and Spanish (their standard UN names) where an
installation holds the English name and has no form yet; fixtures/seeds.json has the same."""

from django.db import migrations, models

VA_FR = "du Comité permanent sur l'assistance aux victimes"
VA_ES = "del Comité Permanente sobre Asistencia a las Víctimas"

# The English name that finds the office: the forms it is given where empty.
FORMS = {
    "Co-Chairs of the Standing Committee on Victim Assistance": {
        "singular_name": "Co-Chair of the Standing Committee on Victim Assistance",
        "singular_name_fr": f"Coprésident {VA_FR}",
        "singular_name_es": f"Copresidente {VA_ES}",
        "feminine_name_fr": f"Coprésidente {VA_FR}",
        "feminine_name_es": f"Copresidenta {VA_ES}",
        "feminine_plural_name_fr": f"Coprésidentes {VA_FR}",
        "feminine_plural_name_es": f"Copresidentas {VA_ES}",
    },
    "Coordinators on Victim Assistance": {
        "singular_name": "Coordinator on Victim Assistance",
        "singular_name_fr": "Coordonnateur pour l'assistance aux victimes",
        "singular_name_es": "Coordinador para la asistencia a las víctimas",
        "feminine_name_fr": "Coordonnatrice pour l'assistance aux victimes",
        "feminine_name_es": "Coordinadora para la asistencia a las víctimas",
        "feminine_plural_name_fr": "Coordonnatrices pour l'assistance aux victimes",
        "feminine_plural_name_es": "Coordinadoras para la asistencia a las víctimas",
    },
    "Coordinators on International Cooperation and Assistance": {
        "singular_name": "Coordinator on International Cooperation and Assistance",
        "singular_name_fr": "Coordonnateur pour la coopération et l'assistance internationales",
        "singular_name_es": "Coordinador para la cooperación y asistencia internacionales",
        "feminine_name_fr": "Coordonnatrice pour la coopération et l'assistance internationales",
        "feminine_name_es": "Coordinadora para la cooperación y asistencia internacionales",
        "feminine_plural_name_fr": (
            "Coordonnatrices pour la coopération et l'assistance internationales"
        ),
        "feminine_plural_name_es": "Coordinadoras para la cooperación y asistencia internacionales",
    },
    "President": {
        "feminine_name_fr": "Présidente",
        "feminine_name_es": "Presidenta",
    },
    "Rapporteur": {
        "name_fr": "Rapporteur",
        "name_es": "Relator",
        "feminine_name_fr": "Rapporteuse",
        "feminine_name_es": "Relatora",
    },
    "Co-Rapporteurs": {
        "name_fr": "Corapporteurs",
        "name_es": "Correlatores",
        "singular_name": "Co-Rapporteur",
        "singular_name_fr": "Corapporteur",
        "singular_name_es": "Correlator",
        "feminine_name_fr": "Corapporteuse",
        "feminine_name_es": "Correlatora",
        "feminine_plural_name_fr": "Corapporteuses",
        "feminine_plural_name_es": "Correlatoras",
    },
}


def fill_forms(apps, schema_editor):
    Office = apps.get_model("meetings", "Office")
    for office in Office.objects.filter(name__in=FORMS):
        empty = {k: v for k, v in FORMS[office.name].items() if not getattr(office, k)}
        if empty:
            Office.objects.filter(pk=office.pk).update(**empty)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0024_names_in_french_and_spanish'),
    ]

    operations = [
        migrations.AddField(
            model_name='office',
            name='feminine_plural_name',
            field=models.CharField(blank=True, help_text="Where a language writes the office differently for women, as a meeting's page heads holders who are all women: “Corapporteuses”, “Correlatoras”; empty: the name above.", max_length=200, verbose_name='name for several women holding it'),
        ),
        migrations.AddField(
            model_name='office',
            name='feminine_plural_name_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name for several women holding it (Spanish)'),
        ),
        migrations.AddField(
            model_name='office',
            name='feminine_plural_name_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name for several women holding it (French)'),
        ),
        migrations.AddField(
            model_name='office',
            name='singular_name',
            field=models.CharField(blank=True, help_text='As a row naming one holder shows the office, e.g. “Co-Chair”, “Coprésident”, “Copresidente”; empty: the name above.', max_length=200, verbose_name='name for one holder'),
        ),
        migrations.AddField(
            model_name='office',
            name='singular_name_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name for one holder (Spanish)'),
        ),
        migrations.AddField(
            model_name='office',
            name='singular_name_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name for one holder (French)'),
        ),
        migrations.AlterField(
            model_name='office',
            name='feminine_name',
            field=models.CharField(blank=True, help_text='Where a language writes the office differently for a woman, as a row naming one holder shows it: “Coprésidente”, “Copresidenta”. Used for a person whose titles are feminine; empty: the name for one holder.', max_length=200, verbose_name='name for a woman holding it'),
        ),
        migrations.AlterField(
            model_name='office',
            name='name',
            field=models.CharField(help_text="As a meeting's page heads several holders, e.g. “Co-Chairs” or “Rapporteur”.", max_length=200, unique=True, verbose_name='name'),
        ),
        migrations.RunPython(fill_forms, migrations.RunPython.noop),
    ]
