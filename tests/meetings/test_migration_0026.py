"""Migration 0026 gives the seed's CCM activities and work plan the coordinators their sources
name where an installation holds exactly the States the old fixture's row numbers gave it, and
leaves alone what staff changed."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command

from meetings.models import Activity, State, WorkPlan

MIGRATION = importlib.import_module("meetings.migrations.0026_seed_activity_coordinators")


def codes(entry):
    return {state.iso_code for state in entry.coordinators.all()}


@pytest.mark.django_db
def test_the_seeded_entries_holding_the_old_fixtures_states_get_those_their_sources_name():
    call_command("loaddata", "seeds", verbosity=0)
    work_plan_2024 = Activity.objects.get(year=2024, month=1)
    workshop = Activity.objects.get(year=2016, month=5)
    edited = Activity.objects.get(year=2021, month=11)
    work_plan = WorkPlan.objects.get(slug="ccm-victim-assistance-2023-2024")
    # As the old fixture left a new installation: the States then numbered 4, 5, 6, 11, 12.
    work_plan_2024.coordinators.set(State.objects.filter(iso_code__in=["AI", "AX"]))
    workshop.coordinators.set(State.objects.filter(iso_code__in=["AS", "AL", "AI", "AQ"]))
    work_plan.coordinators.set(State.objects.filter(iso_code__in=["AI", "AX"]))
    # One staff corrected by hand already, to States of their own choosing.
    edited.coordinators.set(State.objects.filter(iso_code__in=["AL", "CL"]))

    MIGRATION.name_the_right_coordinators(apps, None)

    assert codes(work_plan_2024) == {"AT", "PA"}
    assert codes(workshop) == {"AU", "CL", "AT", "IQ"}
    assert codes(work_plan) == {"AT", "PA"}
    assert codes(edited) == {"AL", "CL"}
    # Those the fixture already gave right stay so.
    assert codes(Activity.objects.get(year=2020, month=1)) == {"ES", "MX"}
