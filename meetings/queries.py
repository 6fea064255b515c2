"""One named query per page, with the joins that page needs, so views stay thin.

`preview=True` (staff only, decided by the view) lets drafts through; otherwise a draft
meeting, programme, work plan or news post, and everything inside a draft, is never returned.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from .models import (
    Action,
    ActionPlan,
    Activity,
    DiscussionQuestion,
    Document,
    Mandate,
    Meeting,
    NewsPost,
    Presentation,
    Programme,
    Session,
    Status,
    WorkPlan,
)

PUBLISHED = Status.PUBLISHED


def _meetings(preview):
    meetings = Meeting.objects.select_related("convention", "venue")
    return meetings if preview else meetings.published()


def _programmes(preview):
    programmes = Programme.objects.select_related("meeting__convention", "meeting__venue")
    if preview:
        return programmes
    return programmes.filter(status=PUBLISHED, meeting__status=PUBLISHED)


def public_sessions():
    """Sessions whose programme and meeting are both published."""
    return Session.objects.filter(programme__status=PUBLISHED, programme__meeting__status=PUBLISHED)


def home_page():
    """Latest meetings, current office holders, latest news: 3 queries."""
    return {
        "meetings": list(_meetings(False)[:6]),
        "mandates": current_mandates(),
        "news": list(NewsPost.objects.published()[:3]),
    }


def current_mandates():
    """For each convention and office, the holders of the latest year on record.

    One query over a table that grows by a few rows a year; the latest holders are kept in Python.
    """
    latest = {}
    holders = []
    for mandate in Mandate.objects.select_related("state", "person", "convention"):
        key = (mandate.convention_id, mandate.role)
        latest.setdefault(key, mandate.start_year)
        if mandate.start_year == latest[key]:
            holders.append(mandate)
    return holders


def meeting_list(convention=None, kind=None):
    meetings = _meetings(False)
    if convention:
        meetings = meetings.filter(convention__short_name=convention)
    if kind:
        meetings = meetings.filter(kind=kind)
    return meetings


def meeting_page(slug, preview=False):
    programmes = Programme.objects.all() if preview else Programme.objects.published()
    return get_object_or_404(
        _meetings(preview).prefetch_related(
            Prefetch("programmes", queryset=programmes),
            Prefetch("documents", queryset=Document.objects.order_by("title", "language")),
        ),
        slug=slug,
    )


def session_prefetches():
    return [
        "actions__plan",
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related(
                "document", "delegation_state", "delegation_organisation"
            ).prefetch_related("presenters__organisation", "organisations"),
        ),
        Prefetch("questions", queryset=DiscussionQuestion.objects.all()),
    ]


def programme_page(meeting_slug, programme_slug, preview=False):
    """The programme with everything its page shows, in a fixed number of queries."""
    sessions = Session.objects.select_related("room__venue").prefetch_related(*session_prefetches())
    return get_object_or_404(
        _programmes(preview).prefetch_related(
            Prefetch("sessions", queryset=sessions),
            Prefetch("convened_by", queryset=Mandate.objects.select_related("state", "person")),
            "documents",
        ),
        meeting__slug=meeting_slug,
        slug=programme_slug,
    )


def session_page(meeting_slug, programme_slug, session_slug, preview=False):
    programme = get_object_or_404(
        _programmes(preview), meeting__slug=meeting_slug, slug=programme_slug
    )
    session = get_object_or_404(
        Session.objects.select_related("room__venue").prefetch_related(*session_prefetches()),
        programme=programme,
        slug=session_slug,
    )
    session.programme = programme  # already loaded with its meeting: saves two queries
    return session


def action_plan_list():
    return ActionPlan.objects.select_related("convention")


def action_plan_page(slug):
    return get_object_or_404(
        ActionPlan.objects.select_related("convention").prefetch_related("actions"), slug=slug
    )


def action_page(plan_slug, number):
    """The action, and every published session, work plan and activity that serves it."""
    action = get_object_or_404(
        Action.objects.select_related("plan__convention"), plan__slug=plan_slug, number=number
    )
    sessions = (
        public_sessions()
        .filter(actions=action)
        .select_related("programme__meeting")
        .order_by("-date", "position")
    )
    return {
        "action": action,
        "sessions": list(sessions),
        "work_plans": list(WorkPlan.objects.published().filter(actions=action)),
        "activities": list(Activity.objects.filter(actions=action)),
    }


def coordination_page():
    return {
        "mandates": list(Mandate.objects.select_related("state", "person", "convention")),
        "activities": list(
            Activity.objects.select_related("convention", "document").prefetch_related(
                "coordinators", "actions__plan"
            )
        ),
        "work_plans": list(WorkPlan.objects.published().select_related("convention")),
    }


def work_plan_page(slug, preview=False):
    work_plans = WorkPlan.objects.all() if preview else WorkPlan.objects.published()
    return get_object_or_404(
        work_plans.select_related("convention", "document").prefetch_related(
            "coordinators", "actions__plan", "milestones"
        ),
        slug=slug,
    )


def news_list():
    return NewsPost.objects.published().prefetch_related("categories")


def news_page(slug, preview=False):
    posts = NewsPost.objects.all() if preview else NewsPost.objects.published()
    return get_object_or_404(
        posts.select_related("meeting").prefetch_related("categories"), slug=slug
    )


def document_list():
    """Documents not tied to a draft meeting or programme."""
    return (
        Document.objects.exclude(meeting__status=Status.DRAFT)
        .exclude(programme__status=Status.DRAFT)
        .exclude(programme__meeting__status=Status.DRAFT)
        .select_related("meeting", "programme")
    )
