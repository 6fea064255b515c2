"""Thin views: read the request, call one query from `queries`, render one template."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format

from . import queries
from .models import Meeting, Status


def _preview(request):
    """Staff who can edit content may see drafts; nobody else ever does."""
    user = request.user
    return user.is_authenticated and user.is_staff and user.is_active


def _is_draft(*objects):
    return any(getattr(obj, "status", Status.PUBLISHED) != Status.PUBLISHED for obj in objects)


def _meeting_crumbs(meeting, current=False):
    """Breadcrumbs as seed 000 shows them: 'Intersessional meetings > May 2012'."""
    return [
        (meeting.get_kind_display(), reverse("meetings:meeting_list") + f"?kind={meeting.kind}"),
        (date_format(meeting.start_date, "F Y"), None if current else meeting.get_absolute_url()),
    ]


def home(request):
    return render(request, "meetings/home.html", queries.home_page())


def meeting_list(request):
    convention = request.GET.get("convention", "")
    kind = request.GET.get("kind", "")
    if kind not in Meeting.Kind.values:
        kind = ""
    meetings = queries.meeting_list(convention=convention, kind=kind)
    context = {
        "meetings": meetings,
        "kinds": Meeting.Kind.choices,
        "selected_convention": convention,
        "selected_kind": kind,
    }
    return render(request, "meetings/meeting_list.html", context)


def meeting_detail(request, meeting):
    meeting = queries.meeting_page(meeting, preview=_preview(request))
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "is_draft": _is_draft(meeting),
            "crumbs": _meeting_crumbs(meeting, current=True),
        },
    )


def programme_detail(request, meeting, programme):
    programme = queries.programme_page(meeting, programme, preview=_preview(request))
    return render(
        request,
        "meetings/programme_detail.html",
        {
            "programme": programme,
            "meeting": programme.meeting,
            "is_draft": _is_draft(programme, programme.meeting),
            "crumbs": [*_meeting_crumbs(programme.meeting), (programme.title, None)],
        },
    )


def session_detail(request, meeting, programme, session):
    session = queries.session_page(meeting, programme, session, preview=_preview(request))
    programme = session.programme
    return render(
        request,
        "meetings/session_detail.html",
        {
            "session": session,
            "programme": programme,
            "meeting": programme.meeting,
            "is_draft": _is_draft(programme, programme.meeting),
            "crumbs": [
                (programme.meeting.title, programme.meeting.get_absolute_url()),
                (programme.title, programme.get_absolute_url()),
                (session.title, None),
            ],
        },
    )


def action_plan_list(request):
    return render(request, "meetings/action_plan_list.html", {"plans": queries.action_plan_list()})


def action_plan_detail(request, plan):
    return render(
        request, "meetings/action_plan_detail.html", {"plan": queries.action_plan_page(plan)}
    )


def action_detail(request, plan, number):
    return render(request, "meetings/action_detail.html", queries.action_page(plan, number))


def coordination(request):
    return render(request, "meetings/coordination.html", queries.coordination_page())


def work_plan_detail(request, slug):
    work_plan = queries.work_plan_page(slug, preview=_preview(request))
    return render(
        request,
        "meetings/work_plan_detail.html",
        {"work_plan": work_plan, "is_draft": _is_draft(work_plan)},
    )


def news_list(request):
    return render(request, "meetings/news_list.html", {"posts": queries.news_list()})


def news_detail(request, slug):
    post = queries.news_page(slug, preview=_preview(request))
    return render(request, "meetings/news_detail.html", {"post": post, "is_draft": _is_draft(post)})


def document_list(request):
    return render(request, "meetings/document_list.html", {"documents": queries.document_list()})
