from django.urls import path

from . import feeds, notices, views

app_name = "meetings"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<slug:meeting>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<slug:meeting>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "meetings/<slug:meeting>/<slug:programme>/",
        views.programme_detail,
        name="programme_detail",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/programme.pdf",
        views.programme_pdf,
        name="programme_pdf",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/changes/",
        views.programme_changes,
        name="programme_changes",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/changes/<int:number>/",
        views.programme_revision,
        name="programme_revision",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/changes/<int:number>/programme.pdf",
        views.programme_revision_pdf,
        name="programme_revision_pdf",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/notices/",
        notices.programme_notices,
        name="programme_notices",
    ),
    path("notices/<slug:token>/confirm/", notices.notices_confirm, name="notices_confirm"),
    path(
        "notices/<slug:token>/unsubscribe/",
        notices.notices_unsubscribe,
        name="notices_unsubscribe",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/schedule.json",
        views.programme_schedule_json,
        name="programme_schedule_json",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/programme.json",
        views.programme_json,
        name="programme_json",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/programme.ics",
        views.programme_ics,
        name="programme_ics",
    ),
    # A personal agenda: the form's redirect, the agenda's page and its calendar.
    path(
        "meetings/<slug:meeting>/<slug:programme>/agenda/",
        views.agenda_form,
        name="agenda_form",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/agenda/<str:code>/",
        views.agenda_page,
        name="agenda",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/agenda/<str:code>/agenda.ics",
        views.agenda_ics,
        name="agenda_ics",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/sessions/<slug:session>/",
        views.session_detail,
        name="session_detail",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/sessions/<slug:session>/statements.zip",
        views.session_statements,
        name="session_statements",
    ),
    path(
        "meetings/<slug:meeting>/<slug:programme>/sessions/<slug:session>/session.ics",
        views.session_ics,
        name="session_ics",
    ),
    path("action-plans/", views.action_plan_list, name="action_plan_list"),
    path("action-plans.json", views.action_plans_json, name="action_plans_json"),
    path("action-plans/<slug:plan>/", views.action_plan_detail, name="action_plan_detail"),
    path("action-plans/<slug:plan>/<int:number>/", views.action_detail, name="action_detail"),
    path("coordination/", views.coordination, name="coordination"),
    path("coordination/work-plans/<slug:slug>/", views.work_plan_detail, name="work_plan_detail"),
    path("news/", views.news_list, name="news_list"),
    path("news/feed.atom", feeds.NewsFeed(), name="news_feed"),
    path("meetings/changes.atom", feeds.RevisionFeed(), name="revision_feed"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<int:pk>/<str:name>", views.document_file, name="document_file"),
    path("search/", views.search_page, name="search"),
]
