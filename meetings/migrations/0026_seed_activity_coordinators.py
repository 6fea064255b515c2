"""The seed's CCM activities and work plan get the coordinators their sources name (issue 24).

fixtures/seeds.json named the coordinators by row number ([4, 5]), meant as the numbers the
seed's own States once had. Since migration 0017 loads every State, a new installation numbers
them otherwise, and the seed loaded there gave the 2024 work plan to Anguilla and the Åland
Islands. The fixture now names them by ISO code. An installation that loaded the old fixture
after migration 0017 holds, for each seeded entry, exactly the States the migrations had
numbered so; those entries, found by their convention, date and opening words, and only while
they still hold exactly those States, get the right ones. Anything staff changed is left alone."""

from django.db import migrations

# (year, month, opening words): (what the old fixture gave a new installation, what the source
# names). The States numbered 4 to 12 in a new installation: AI AX AL AD AE AR AM AS AQ.
ACTIVITIES = {
    (2024, 1, "Work Plan by Austria and Panama"): ({"AI", "AX"}, ["AT", "PA"]),
    (2021, 11, "Concept Note by Chile and Mexico"): ({"AL", "AD"}, ["CL", "MX"]),
    (2020, 11, "CCM Coordinators on Victim Assistance, Mexico and Spain"): (
        {"AD", "AE"},
        ["MX", "ES"],
    ),
    (2020, 1, "Concept Note by Spain and Mexico"): ({"AE", "AD"}, ["ES", "MX"]),
    (2018, 11, "Concept Note by Ireland and Spain"): ({"AR", "AE"}, ["IE", "ES"]),
    (2017, 12, "Concept Note by Ireland and Italy"): ({"AR", "AM"}, ["IE", "IT"]),
    (2017, 9, "Italy, CCM Co-coordinator on Victim Assistance"): ({"AM"}, ["IT"]),
    (2017, 6, "Italy, CCM Coordinator on Victim Assistance"): ({"AM"}, ["IT"]),
    (2016, 11, "Concept Note by Italy and Chile"): ({"AM", "AL"}, ["IT", "CL"]),
    (2016, 5, "CCM Coordinators on Victim Assistance (Australia and Chile)"): (
        {"AS", "AL", "AI", "AQ"},
        ["AU", "CL", "AT", "IQ"],
    ),
}
WORK_PLAN = ("ccm-victim-assistance-2023-2024", {"AI", "AX"}, ["AT", "PA"])


def _correct(entry, wrong, right, State):
    held = {state.iso_code for state in entry.coordinators.all()}
    states = list(State.objects.filter(iso_code__in=right))
    if held == wrong and len(states) == len(right):
        entry.coordinators.set(states)


def name_the_right_coordinators(apps, schema_editor):
    Activity = apps.get_model("meetings", "Activity")
    WorkPlan = apps.get_model("meetings", "WorkPlan")
    State = apps.get_model("meetings", "State")
    for (year, month, opening), (wrong, right) in ACTIVITIES.items():
        for activity in Activity.objects.filter(
            convention__short_name="CCM", year=year, month=month, text__startswith=opening
        ):
            _correct(activity, wrong, right, State)
    slug, wrong, right = WORK_PLAN
    for work_plan in WorkPlan.objects.filter(slug=slug):
        _correct(work_plan, wrong, right, State)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0025_office_forms_singular_and_feminine_plural"),
    ]

    operations = [
        migrations.RunPython(name_the_right_coordinators, migrations.RunPython.noop),
    ]
