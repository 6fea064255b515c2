"""Thin views: read the request, call one query from `queries`, render one template."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import date_format
from django.utils.http import content_disposition_header, http_date, urlencode
from django.utils.translation import gettext as _

from meetings import languages, queries, search
from meetings.addresses import absolute
from meetings.caching import pages
from meetings.models import Document, Meeting, Programme
from meetings.models.common import may_view_drafts
from meetings.publishing import bundles, pdf, revisions
from meetings.publishing.revisions import with_changes

from . import agenda, calendar, opendata, zones


def _title(obj):
    """The title in the page's language (the English where it has no translation)."""
    return languages.text(obj, "title")[0]


def _crumb(obj, field="title"):
    """A breadcrumb's label: the title (or `field`) in the page's language, or the English
    marked as such."""
    return languages.html(obj, field)


def _is_draft(*objects):
    return not all(obj.is_public for obj in objects)


def _working_copy(programme, changes=False):
    """For staff reading the working copy of a published programme: it, and (`changes`) what
    publishing it would change."""
    if not programme.is_working_copy or programme.revision is None:
        return {}
    context = {"working_copy": programme}
    if changes:
        context["unpublished"] = revisions.unpublished_changes(programme)
    return context


SLUG_OR_NAME = re.compile(r"[-\w]{1,100}")


def _lookup(request, name):
    """A filter value that names a row (a meeting's slug, a convention's short name), or "" when
    absent. A value that cannot name one (a NUL byte, punctuation, 10,000 characters) comes back
    as None, which matches nothing, and never reaches the database."""
    value = request.GET.get(name, "")
    return value if value == "" or SLUG_OR_NAME.fullmatch(value) else None


def _choice(request, name, allowed):
    """A filter value from the query string, or "" when it is absent or not one we know."""
    value = request.GET.get(name, "")
    return value if value in allowed else ""


def _dates(meeting, first=None, last=None):
    first_text, last_text = languages.day_texts(
        first or meeting.start_date, last or meeting.end_date
    )
    if first_text is None:
        return last_text
    return _("%(first)s to %(last)s") % {"first": first_text, "last": last_text}


def _city(meeting):
    """ ", Genève": the meeting's city in the page's language, for a description."""
    return f", {languages.text(meeting.venue, 'city')[0]}" if meeting.venue else ""


def _meta(title, description, kind="website"):
    """What a shared link shows (Open Graph) and the page's description."""
    return {"title": title, "description": description, "type": kind}


def _meeting_crumbs(meeting, current=False):
    """Breadcrumbs as seed 000 shows them: 'Intersessional Meetings > May 2012'."""
    return [
        (meeting.get_kind_display(), reverse("meetings:meeting_list") + f"?kind={meeting.kind}"),
        (
            date_format(meeting.start_date, _("F Y")),
            None if current else meeting.get_absolute_url(),
        ),
    ]


def robots_txt(request):
    """Crawlers are welcome on the public pages, not in the back office."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /markdownx/",
        "Disallow: /search/",
        f"Sitemap: {absolute(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def home(request):
    return render(request, "meetings/home.html", queries.home_page())


def meeting_list(request):
    kind = _choice(request, "kind", Meeting.Kind.values)
    # An unknown convention matches no meeting, and the page says so.
    convention = _lookup(request, "convention")
    context = queries.meeting_list(convention=convention, kind=kind, page=request.GET.get("page"))
    context.update(
        kinds=Meeting.Kind.choices,
        filtered=convention != "" or bool(kind),
        selected_kind=kind,
        crumbs=[(_("Meetings"), None)],
    )
    return render(request, "meetings/meeting_list.html", context)


def meeting_detail(request, meeting):
    meeting = queries.meeting_page(meeting, user=request.user)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "is_draft": _is_draft(meeting),
            # A meeting over ("No documents.", not "No documents yet."); the page cache keeps
            # a copy only for the day it was made (meetings.caching.pages).
            "ended": meeting.end_date < timezone.localdate(),
            "crumbs": _meeting_crumbs(meeting, current=True),
            "meta": _meta(
                _title(meeting),
                _("%(dates)s%(where)s. %(kind)s of the %(convention)s.")
                % {
                    "dates": _dates(meeting),
                    "where": _city(meeting),
                    "kind": meeting.get_kind_display(),
                    "convention": languages.text(meeting.convention, "full_name")[0],
                },
            ),
        },
    )


def programme_detail(request, meeting, programme):
    programme = queries.programme_page(meeting, programme, user=request.user)
    days = queries.programme_days(programme.sessions.all())
    # The boxes of the agenda form a personal agenda's "change" link ticks (the page cache
    # keeps no copy of the page with them: meetings/caching/pages.py).
    ticked = set(request.GET.getlist("session"))
    dated = [day.date for day in days if day.date]
    meeting = programme.meeting
    when = _dates(meeting, min(dated, default=None), max(dated, default=None))
    where = _city(meeting)
    return render(
        request,
        "meetings/programme_detail.html",
        {
            "programme": programme,
            "meeting": meeting,
            "days": days,
            "meta": _meta(
                f"{_title(programme)}, {when}",
                _(
                    "%(meeting)s%(where)s: the programme with its sessions, rooms, presenters "
                    "and the questions to prepare."
                )
                % {"meeting": _title(meeting), "where": where},
            ),
            "is_draft": _is_draft(programme, meeting),
            **_working_copy(programme, changes=True),
            "crumbs": [*_meeting_crumbs(meeting), (_crumb(programme), None)],
            "ticked": ticked,
        },
    )


def _agenda_problem(request, programme, message, status):
    """A page saying why no agenda is shown, with the way back to the programme's form."""
    meeting = programme.meeting
    return render(
        request,
        "meetings/agenda_problem.html",
        {
            "programme": programme,
            "meeting": meeting,
            "message": message,
            "crumbs": [
                *_meeting_crumbs(meeting),
                (_crumb(programme), programme.get_absolute_url()),
                (_("My agenda"), None),
            ],
        },
        status=status,
    )


def agenda_form(request, meeting, programme):
    """The programme page's "Make my agenda" form: a redirect to the agenda's one address, or
    a page saying what is wrong with the choice (nothing ticked, a value that names no session).
    Nothing is stored: the address is the agenda."""
    found = queries.programme_download(meeting, programme, user=request.user)
    chosen = request.GET.getlist("session")
    code = agenda.code_of(chosen)
    if code is None:
        if chosen:
            message = _(
                "This choice names sessions this programme does not have: the form may have "
                "been changed. Tick the sessions again on the programme's page."
            )
        else:
            message = _("No session was ticked. Tick at least one on the programme's page.")
        return _agenda_problem(request, found, message, status=400)
    url = agenda.address(found, code)
    zone = request.GET.get("tz", "")
    if zones.is_known(zone):
        url += "?" + urlencode({"tz": zone})
    return redirect(url)


def _agenda(request, meeting, programme, code, timeline=False):
    """(queries.Agenda, None), or (None, the response to give instead): a redirect to the one
    address of a choice written otherwise (unsorted, repeated), or a 404 page saying the code
    names nothing."""
    names = agenda.names(code)
    canonical = agenda.code_of(names) if names is not None else None
    if canonical is not None and canonical != code:
        url = reverse(request.resolver_match.view_name, args=[meeting, programme, canonical])
        query = request.META.get("QUERY_STRING")
        return None, redirect(url + (f"?{query}" if query else ""), permanent=True)
    if canonical is None:
        found = queries.programme_download(meeting, programme, user=request.user)
        return None, _agenda_unknown(request, found)
    prefixes = [agenda.uid_prefix(name) for name in names]
    chosen = queries.agenda(meeting, programme, prefixes, user=request.user, timeline=timeline)
    if chosen.unknown:
        return None, _agenda_unknown(request, chosen.programme)
    return chosen, None


def _agenda_unknown(request, programme):
    message = _(
        "This agenda's address is incomplete, or names sessions this programme never had. "
        "Make your agenda again on the programme's page."
    )
    return _agenda_problem(request, programme, message, status=404)


def agenda_page(request, meeting, programme, code):
    """A personal agenda: the chosen sessions as the programme shows them now, those a
    revision removed said to be removed, its calendar, and their times also in a second time
    zone of the visitor's choosing (`tz`, one of zones.KNOWN: any other is a 400 with a
    message, of which the page cache keeps no copy)."""
    chosen, response = _agenda(request, meeting, programme, code)
    if response is not None:
        return response
    programme, meeting = chosen.programme, chosen.programme.meeting
    zone = request.GET.get("tz", "")
    unknown_zone = bool(zone) and not zones.is_known(zone)
    if unknown_zone:
        zone = ""
    for session in chosen.sessions:
        session.second_zone = zones.zoned(session, meeting.time_zone, zone) if zone else None
    language = request.LANGUAGE_CODE
    kept = [("session", agenda.session_name(s.uid)) for s in chosen.sessions]
    change_url = programme.get_absolute_url() + (f"?{urlencode(kept)}" if kept else "")
    response = render(
        request,
        "meetings/agenda.html",
        {
            "programme": programme,
            "meeting": meeting,
            "agenda": chosen,
            "days": queries.programme_days(chosen.sessions),
            "ics_url": agenda.calendar_address(programme, code),
            "change_url": change_url + "#agenda",
            "zone": zone,
            "unknown_zone": unknown_zone,
            "zone_label": zones.label(zone, language) if zone else "",
            "zone_offset": zones.offset_text(zones.offset_on(zone, meeting.start_date))
            if zone
            else "",
            "meeting_offset": zones.offset_text(
                zones.offset_on(meeting.time_zone, meeting.start_date)
            ),
            "zone_choices": zones.choices(meeting.start_date, language),
            "is_draft": _is_draft(programme, meeting),
            **_working_copy(programme),
            "meta": _meta(
                _("My agenda: %(programme)s") % {"programme": _title(programme)},
                _("The sessions a delegate chose of %(programme)s, %(meeting)s.")
                % {"programme": _title(programme), "meeting": _title(meeting)},
            ),
            "crumbs": [
                *_meeting_crumbs(meeting),
                (_crumb(programme), programme.get_absolute_url()),
                (_("My agenda"), None),
            ],
        },
        status=400 if unknown_zone else 200,
    )
    response.zone_checked = True  # the page cache may keep a copy per zone offered
    return response


def agenda_ics(request, meeting, programme, code):
    """A personal agenda as a calendar to subscribe to: it follows each published revision."""
    chosen, response = _agenda(request, meeting, programme, code, timeline=True)
    if response is not None:
        return response
    programme = chosen.programme
    data = calendar.agenda_calendar(chosen, absolute)
    name = f"{programme.file_stem}-agenda"
    return _calendar_response(request, data, name, _is_draft(programme, programme.meeting))


def programme_changes(request, meeting, programme):
    programme, revisions = queries.programme_changes(meeting, programme)
    return render(
        request,
        "meetings/programme_changes.html",
        {
            "programme": programme,
            "meeting": programme.meeting,
            "revisions": with_changes(revisions),
            "crumbs": [
                *_meeting_crumbs(programme.meeting),
                (_crumb(programme), programme.get_absolute_url()),
                (_("Changes"), None),
            ],
        },
    )


def programme_revision(request, meeting, programme, number):
    """The programme as its revision `number` published it, read only."""
    shown, current = queries.programme_revision(meeting, programme, number)
    days = queries.programme_days(shown.sessions.all())
    meeting = current.meeting
    shown.meeting = meeting  # the same meeting, loaded once
    latest = current.revision
    return render(
        request,
        "meetings/programme_revision.html",
        {
            "programme": shown,
            "current": current,
            "latest": latest,
            "meeting": meeting,
            "days": days,
            "meta": _meta(
                _("%(programme)s, revision %(number)s")
                % {"programme": _title(shown), "number": number},
                _("The programme as revision %(number)s published it.") % {"number": number},
            ),
            "crumbs": [
                *_meeting_crumbs(meeting),
                (_crumb(current), current.get_absolute_url()),
                (
                    _("Changes"),
                    reverse("meetings:programme_changes", args=[meeting.slug, current.slug]),
                ),
                (_("Revision %(number)s") % {"number": number}, None),
            ],
        },
    )


def programme_revision_pdf(request, meeting, programme, number):
    """The PDF of an earlier revision as it was published: the first made of it in this
    language, kept in storage; rendered by the worker only where none was ever made."""
    shown = queries.revision_download(meeting, programme, number)
    language = request.LANGUAGE_CODE
    stored = pdf.first_pdf(shown, language)
    if stored is None:
        pdf.request_render(shown, language)
        stored = pdf.first_pdf(shown, language)
    if stored is not None:
        return stored_pdf_response(request, stored)
    return _pdf_unavailable(request, shown, pdf.pending(shown, language))


def programme_pdf(request, meeting, programme):
    """The stored PDF of a published programme, never rendered here: the task queue's worker
    renders it (meetings/publishing/tasks.py). Until it has, the last good PDF, marked as such,
    or a "being prepared" page; staff get a preview of the working copy, rendered by the worker
    too."""
    language = request.LANGUAGE_CODE
    if may_view_drafts(request.user, Programme):
        return _pdf_preview(request, queries.programme_page(meeting, programme, user=request.user))
    # One query; after it, meetings.caching.pages answers repeats of this address by itself.
    stored = pdf.current_pdf(meeting, programme, language)
    if stored is not None:
        return stored_pdf_response(request, stored)
    found = queries.programme_download(meeting, programme, user=request.user)
    pdf.request_render(found, language)
    # A queue that runs its tasks at once (tests, a shell) has stored it by now.
    stored = pdf.current_pdf(meeting, programme, language)
    if stored is not None:
        return stored_pdf_response(request, stored)
    stored = pdf.last_good_pdf(found, language)
    if stored is not None:
        return stored_pdf_response(request, stored, current=False)
    return _pdf_unavailable(request, found, pdf.pending(found, language))


def _pdf_preview(request, programme):
    """A staff preview of a working copy: its PDF once the worker rendered it, else a page
    saying it is being prepared, or why it failed (POST: try again)."""
    found = pdf.preview(programme, retry=request.method == "POST")
    if request.method == "POST":
        return redirect(request.path)
    if found.ready:
        return found.response()
    context = {"programme": programme, "meeting": programme.meeting, "busy": True}
    return found.waiting_response(request, "meetings/pdf_unavailable.html", context)


def _json_response(data, name, draft=False):
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{name}.json"'
    if draft:
        patch_cache_control(response, private=True, no_store=True)
    return response


def programme_schedule_json(request, meeting, programme):
    """The programme in the c3voc schedule.json shape pretalx exports
    (docs/schedule.schema.json)."""
    programme = queries.programme_page(meeting, programme, user=request.user)
    data = opendata.schedule(programme, absolute, programme.revision)
    name = programme.file_stem
    return _json_response(data, name, _is_draft(programme))


def programme_json(request, meeting, programme):
    """Everything the site holds about the programme, in its own shape
    (docs/programme.schema.json)."""
    programme = queries.programme_page(meeting, programme, user=request.user)
    data = opendata.programme_data(programme, absolute, programme.revision)
    name = programme.file_stem
    return _json_response(data, name, _is_draft(programme))


def action_plans_json(request):
    """The action plans with their actions (docs/action-plans.schema.json)."""
    data = opendata.action_plans(queries.action_plans_with_actions(), absolute)
    return _json_response(data, "action-plans")


def _calendar_response(request, data, name, draft):
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    if draft:
        patch_cache_control(response, private=True, no_store=True)
    return response


def programme_ics(request, meeting, programme):
    """The programme's timed sessions as an iCalendar file."""
    programme = queries.programme_page(meeting, programme, user=request.user)
    data = calendar.programme_calendar(programme, absolute)
    name = programme.file_stem
    return _calendar_response(request, data, name, _is_draft(programme))


def session_ics(request, meeting, programme, session):
    session = queries.session_calendar(meeting, programme, session, user=request.user)
    data = calendar.session_calendar(session, absolute)
    name = f"{session.programme.file_stem}-{session.slug}"
    draft = _is_draft(session.programme)
    return _calendar_response(request, data, name, draft)


def meeting_ics(request, meeting):
    meeting, programmes = queries.meeting_calendar(meeting, user=request.user)
    data = calendar.meeting_calendar(meeting, programmes, absolute)
    name = f"{meeting.convention.short_name}-{meeting.start_date:%Y-%m}-{meeting.slug}"
    return _calendar_response(request, data, name, _is_draft(meeting, *programmes))


# A programme PDF is a few dozen KB: answered whole, so that meetings.caching.pages keeps it
# for the next downloads. A larger one is streamed from storage every time.
PDF_WHOLE_MAX_BYTES = 4 * 1024 * 1024


def stored_pdf_response(request, stored, current=True):
    """The stored file, named for what it is, answering conditional requests with 304. Not
    `current`: the last good PDF while a newer one is prepared, named for its revision (or the
    day it was made) and kept by no cache, since the next download may get the newer one."""
    etag = f'"{stored.fingerprint[:32]}"'
    last_modified = stored.finished_at.timestamp()
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
    if not_modified is not None:
        return not_modified
    name = pdf.file_name(stored.programme, stored.language, older=None if current else stored)
    if stored.size_bytes is not None and stored.size_bytes <= PDF_WHOLE_MAX_BYTES:
        with stored.file.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, name)
    else:
        response = FileResponse(
            stored.file.open("rb"), content_type="application/pdf", filename=name
        )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)  # when it was made
    if stored.revision:
        response["X-PDF-Revision"] = str(stored.revision)
    response["X-PDF-Status"] = "current" if current else "last-good"
    if current:
        # Set here too: a large PDF is streamed, and the cache middleware leaves streams alone.
        pages.with_public_caching(response)
    else:
        patch_cache_control(response, no_store=True)
    return response


def _pdf_unavailable(request, programme, pending):
    """503 with Retry-After: the PDF is being prepared, or could not be."""
    response = render(
        request,
        "meetings/pdf_unavailable.html",
        {
            "programme": programme,
            "meeting": programme.meeting,
            "busy": not pending.failed,
            "retrying": pending.retrying,
        },
        status=503,
    )
    response["Retry-After"] = str(pending.retry_after)
    patch_cache_control(response, no_store=True)
    return response


def _session_description(session, programme):
    """'Parallel programme, Intersessional Meetings, 22 May 2012 at 10:00.'"""
    where = f"{_title(programme)}, {_title(programme.meeting)}"
    if session.date and session.start_time:
        return _("%(where)s, %(date)s at %(time)s.") % {
            "where": where,
            "date": languages.day_format(session.date, _("j F Y")),
            "time": languages.time_text(session.start_time),
        }
    if session.date:
        return f"{where}, {languages.day_format(session.date, _('j F Y'))}."
    return f"{where}."


def session_detail(request, meeting, programme, session):
    try:
        session = queries.session_page(meeting, programme, session, user=request.user)
    except Http404:
        removed = queries.removed_session(meeting, programme, session)
        if removed is None:
            raise
        return _session_removed(request, removed)
    programme = session.programme
    return render(
        request,
        "meetings/session_detail.html",
        {
            "session": session,
            "programme": programme,
            "meeting": programme.meeting,
            "meta": _meta(
                _title(session),
                _session_description(session, programme),
            ),
            "is_draft": _is_draft(programme),
            **_working_copy(programme),
            "crumbs": [
                *_meeting_crumbs(programme.meeting),
                (_crumb(programme), programme.get_absolute_url()),
                (_crumb(session), None),
            ],
        },
    )


def session_statements(request, meeting, programme, session):
    """ "Download statements": the stored zip of a published agenda item's public statement
    files, built once by the task queue's worker (meetings/publishing/bundles.py); 503 with
    Retry-After until it is; 404 for a draft, or an item without statement files."""
    session = queries.statement_bundle_session(meeting, programme, session)
    name, found = bundles.stored_bundle(session)
    if not found:
        raise Http404(_("This item has no statement files."))
    if name is None:
        response = render(
            request,
            "meetings/statements_unavailable.html",
            {"session": session, "programme": session.programme},
            status=503,
        )
        response["Retry-After"] = "10"
        patch_cache_control(response, no_store=True)
        return response
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        content_type="application/zip",
        filename=bundles.file_name(session, session.programme),
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _session_removed(request, session):
    """410 Gone: the address of a session a revision removed (from a printed programme or a
    calendar) says so, and where it last appeared."""
    current = session.current
    return render(
        request,
        "meetings/session_removed.html",
        {
            "session": session,
            "programme": current,
            "meeting": current.meeting,
            "crumbs": [
                *_meeting_crumbs(current.meeting),
                (_crumb(current), current.get_absolute_url()),
                (_crumb(session), None),
            ],
        },
        status=410,
    )


def action_plan_list(request):
    return render(
        request,
        "meetings/action_plan_list.html",
        {"plans": queries.action_plan_list(), "crumbs": [(_("Action plans"), None)]},
    )


def action_plan_detail(request, plan):
    plan = queries.action_plan_page(plan)
    crumbs = [
        (_("Action plans"), reverse("meetings:action_plan_list")),
        (_crumb(plan, "name"), None),
    ]
    return render(request, "meetings/action_plan_detail.html", {"plan": plan, "crumbs": crumbs})


def action_detail(request, plan, number):
    context = queries.action_page(plan, number, page=request.GET.get("page"))
    plan = context["action"].plan
    context["crumbs"] = [
        (_("Action plans"), reverse("meetings:action_plan_list")),
        (_crumb(plan, "name"), plan.get_absolute_url()),
        (_("Action #%(number)s") % {"number": number}, None),
    ]
    return render(request, "meetings/action_detail.html", context)


def coordination(request):
    context = queries.coordination_page()
    context["crumbs"] = [(_("Coordination"), None)]
    return render(request, "meetings/coordination.html", context)


def work_plan_detail(request, slug):
    context = queries.work_plan_page(slug, user=request.user)
    work_plan = context["work_plan"]
    context.update(
        is_draft=_is_draft(work_plan),
        crumbs=[(_("Coordination"), reverse("meetings:coordination")), (_crumb(work_plan), None)],
    )
    return render(request, "meetings/work_plan_detail.html", context)


def news_list(request):
    return render(
        request,
        "meetings/news_list.html",
        {"posts": queries.news_list(page=request.GET.get("page")), "crumbs": [(_("News"), None)]},
    )


def news_detail(request, slug):
    post = queries.news_page(slug, user=request.user)
    crumbs = [(_("News"), reverse("meetings:news_list")), (_crumb(post), None)]
    return render(
        request,
        "meetings/news_detail.html",
        {
            "post": post,
            "is_draft": _is_draft(post),
            "crumbs": crumbs,
            "meta": _meta(
                _title(post),
                _("Posted %(date)s.") % {"date": languages.day_format(post.posted_on, _("j F Y"))},
                "article",
            ),
        },
    )


def document_file(request, pk, name):
    """A document's PDF, inline, under a name the site makes, with headers that stop a browser
    from reading it as anything but a PDF or framing it. Documents of a draft meeting or
    programme answer 404 to the public; an outdated name redirects to the current one."""
    documents = Document.objects.visible(request.user)
    document = get_object_or_404(documents.exclude(file=""), pk=pk)
    if name != document.download_name:
        return redirect(document.get_absolute_url(), permanent=True)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file of this document is missing.")) from None
    response = FileResponse(handle, content_type="application/pdf", filename=document.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    if may_view_drafts(request.user, Document) and not document.is_public:
        # A draft's file, for a user allowed to see it: kept by no shared cache.
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=3600)
    return response


def search_page(request):
    """Search results: never cached by a crawler's index (robots.txt) and never an error."""
    context = search.search_page(
        raw_query=request.GET.get("q", ""),
        convention=request.GET.get("convention", ""),
        year=request.GET.get("year", ""),
        kind=request.GET.get("kind", ""),
        page=request.GET.get("page"),
        user=request.user,
    )
    query = context["query"]
    title = _("Search: %(text)s") % {"text": query.text} if query else _("Search")
    context.update(
        crumbs=[(_("Search"), None)],
        meta=_meta(
            title,
            _(
                "Search the programmes, sessions, "
                "questions, action plans, work plans, news and documents."
            ),
        ),
    )
    return render(request, "meetings/search.html", context)


def document_list(request):
    kind = _choice(request, "kind", Document.Kind.values)
    language = _choice(request, "language", Document.Language.values)
    # An unknown or draft meeting's slug matches no public document, and the page says so.
    meeting = _lookup(request, "meeting")
    context = queries.document_list(
        meeting=meeting, kind=kind, language=language, page=request.GET.get("page")
    )
    context.update(
        kinds=Document.Kind.choices,
        languages=Document.Language.choices,
        selected_meeting=meeting,
        selected_kind=kind,
        selected_language=language,
        filtered=meeting != "" or bool(kind or language),
        crumbs=[(_("Documents"), None)],
    )
    return render(request, "meetings/document_list.html", context)
