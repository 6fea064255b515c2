"""The helpers that shape query results for the pages."""

import datetime
from types import SimpleNamespace

import factories
from bs4 import BeautifulSoup

from meetings.queries import document_sets, programme_days, quarter_columns


def test_quarter_columns_keep_empty_quarters_so_time_stays_to_scale():
    milestones = [
        SimpleNamespace(year=2023, quarter=4, text="a"),
        SimpleNamespace(year=2024, quarter=3, text="b"),
        SimpleNamespace(year=2023, quarter=4, text="c"),
    ]
    columns = quarter_columns(milestones)
    assert [c.label for c in columns] == ["Q4 2023", "Q1 2024", "Q2 2024", "Q3 2024"]
    assert [[m.text for m in c.milestones] for c in columns] == [["a", "c"], [], [], ["b"]]
    assert quarter_columns([]) == []


def test_programme_days_group_sessions_by_day_with_undated_last():
    day = datetime.date(2012, 5, 22)
    sessions = [SimpleNamespace(date=day), SimpleNamespace(date=day), SimpleNamespace(date=None)]
    days = programme_days(sessions)
    assert [(d.date, len(d.sessions)) for d in days] == [(day, 2), (None, 1)]


def test_document_sets_join_languages_of_one_symbol_only():
    docs = [
        SimpleNamespace(pk=1, symbol="X/1", revision="", language="en"),
        SimpleNamespace(pk=2, symbol="X/1", revision="", language="fr"),
        SimpleNamespace(pk=3, symbol="X/1", revision="Rev.1", language="en"),
        SimpleNamespace(pk=4, symbol="", revision="", language="en"),
        SimpleNamespace(pk=5, symbol="", revision="", language="en"),
    ]
    assert [[d.pk for d in s.documents] for s in document_sets(docs)] == [[1, 2], [3], [4], [5]]


def test_the_work_plan_chart_puts_each_milestone_in_its_quarter(client, db):
    work_plan = factories.WorkPlanFactory(start_year=2030, end_year=2031)
    for year, quarter, text in [
        (2031, 3, "Test milestone d"),
        (2030, 4, "Test milestone a"),
        (2031, 1, "Test milestone b"),
        (2031, 1, "Test milestone c"),
    ]:
        factories.MilestoneFactory(work_plan=work_plan, year=year, quarter=quarter, text=text)
    page = BeautifulSoup(client.get(work_plan.get_absolute_url()).content, "html.parser")
    chart = page.select_one("ol.quarter-chart")
    assert chart["aria-labelledby"] == "timeline"
    shown = {
        item.h3.get_text(" ", strip=True): [li.get_text(strip=True) for li in item.select("li")]
        for item in chart.find_all("li", recursive=False)
    }
    assert shown == {
        "Q4 2030": ["Test milestone a"],
        "Q1 2031": ["Test milestone b", "Test milestone c"],
        "Q2 2031": [],  # nothing planned: the quarter keeps its column
        "Q3 2031": ["Test milestone d"],
    }
    assert list(shown) == ["Q4 2030", "Q1 2031", "Q2 2031", "Q3 2031"]
