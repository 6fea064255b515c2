"""The back office: everything an ISU editor needs to prepare a programme without leaving it."""

import re

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField
from reversion.admin import VersionAdmin

from meetings import markdown, queries
from meetings.admin.autocomplete import AutocompletesNamedAtOnce
from meetings.copying import copy_programme
from meetings.languages import size_text
from meetings.models import (
    Action,
    ActionPlan,
    Activity,
    Convention,
    DiscussionQuestion,
    Document,
    Edition,
    Mandate,
    Meeting,
    Milestone,
    NewsCategory,
    NewsPost,
    Obligation,
    Office,
    Organisation,
    Panellist,
    Party,
    Person,
    Presentation,
    Programme,
    ProgrammePDF,
    ProgrammeRevision,
    Recording,
    Room,
    Session,
    State,
    Statement,
    Status,
    Venue,
    WorkPlan,
    translations,
)
from meetings.models.common import may_view_drafts
from meetings.publishing import bundles, notices, pdf, revisions, tasks

from . import floor, history
from .text import InvisibleIsEmpty

# History and edit conflicts (meetings/admin/history.py) ----------------------------------------

# Registered before the admin classes below, which would otherwise register the models
# themselves with only their inlines to follow.
history.register_content_models()


def _with_loaded_state(fieldsets):
    """The fieldsets with the conflict check's hidden field in the first one."""
    names = [name for _, options in fieldsets for name in options["fields"]]
    if "loaded_state" in names or not fieldsets:
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], "loaded_state"]}), *rest]


class ConflictChecked:
    """An admin or inline whose forms (and rows) refuse to save over someone else's change."""

    form = history.ConflictCheckedForm
    formset = history.ConflictCheckedFormSet  # an inline's rows

    def get_fieldsets(self, request, obj=None):
        return _with_loaded_state(super().get_fieldsets(request, obj))


class TranslationsBesideEachOther:
    """Puts a model's French and Spanish texts (meetings/models/translations.py) in a fieldset of
    their own, each field's two languages on one row, under the English fields."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        names = getattr(self.model, "translated_fields", ())
        if not names:
            return fieldsets
        pairs = [tuple(translations.names(name)) for name in names]
        translated = {field for pair in pairs for field in pair}
        english = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in translated]})
            for title, options in fieldsets
        ]
        return [
            *english,
            (
                _("In French and Spanish"),
                {
                    "fields": pairs,
                    "description": _(
                        "Optional. Where a text has no translation, the French or Spanish page "
                        "shows the English, with a note saying so."
                    ),
                },
            ),
        ]


class MarkdownLimited:
    """Markdown fields refuse a text past the renderer's limits (meetings/markdown.py) with a
    message naming the limit; the form keeps what was typed."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, MarkdownxField) and formfield is not None:
            formfield.validators.append(markdown.check_limits)
        return formfield


class ActionsLabelled:
    """A choice of actions offers each with its plan and title ("CAP #28 (Cartagena Action Plan
    2010-2014): monitor and evaluate ..."), not a bare "CAP #28"."""

    def _labelled(self, formfield):
        queryset = getattr(formfield, "queryset", None)
        if queryset is not None and queryset.model is Action:
            formfield.queryset = queryset.select_related("plan")
            formfield.label_from_instance = Action.label
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._labelled(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._labelled(super().formfield_for_manytomany(db_field, request, **kwargs))


class LabelledAutocomplete(AutocompleteJsonView):
    """The admin's autocomplete (one view for the whole site): each result as its model's admin
    labels it (`autocomplete_label`), else as str() gives it."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {**result, "text": label(obj)} if label else result


admin.site.autocomplete_view = lambda request: LabelledAutocomplete.as_view(admin_site=admin.site)(
    request
)


class RankedSearch:
    """A search (the autocomplete's among them) lists first what one of `ranked_fields` holds
    exactly, then what one of `first_fields` begins with, then what any other begins with, then
    the rest: "Sudan" offers Sudan before South Sudan, "Guinea" Guinea-Bissau before Equatorial
    Guinea ("Guinea Ecuatorial" in Spanish). A leading "the " is not searched for ("the Sudan").
    Each line of a field of `lines_fields` (other names, one a line) ranks as a name would. "&"
    is searched for as written and as "and": "Bosnia & Herzegovina" finds Bosnia and
    Herzegovina."""

    ranked_fields = ()
    first_fields = ()
    lines_fields = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term[:4].lower() == "the " and len(term) > 4:
            term = term[4:].strip()
        found, may_have_duplicates = super().get_search_results(request, queryset, term)
        if "&" in term:
            spelt = " ".join(term.replace("&", " and ").split())
            with_and, duplicates = super().get_search_results(request, queryset, spelt)
            found, may_have_duplicates = found | with_and, may_have_duplicates or duplicates
            terms = [term, spelt]
        else:
            terms = [term]
        if term:
            return self._ranked(request, found, terms), may_have_duplicates
        return found, may_have_duplicates

    def _ranked(self, request, queryset, terms):
        exact, first, prefix = Q(), Q(), Q()
        for term in terms:
            for name in self.ranked_fields:
                if name in self.lines_fields:  # a line of it: (?n) makes ^ and $ lines'
                    line = re.escape(term)
                    is_exact = Q(**{f"{name}__iregex": rf"(?n)^{line}$"})
                    starts = Q(**{f"{name}__iregex": rf"(?n)^{line}"})
                else:
                    is_exact = Q(**{f"{name}__iexact": term})
                    starts = Q(**{f"{name}__istartswith": term})
                exact |= is_exact
                prefix |= starts
                if name in self.first_fields:
                    first |= starts
        rank = Case(
            When(exact, then=Value(0)),
            When(first, then=Value(1)),
            When(prefix, then=Value(2)),
            default=Value(3),
        )
        ordering = [*self.get_ordering(request), *self.model._meta.ordering, "pk"]
        return queryset.annotate(search_rank=rank).order_by("search_rank", *ordering)


class ContentAdmin(
    AutocompletesNamedAtOnce,
    ConflictChecked,
    MarkdownLimited,
    TranslationsBesideEachOther,
    ActionsLabelled,
    VersionAdmin,
):
    """Every content model's admin: each save is kept as a version (History, with Revert;
    Recover deleted on the list), and a save over someone else's change is refused."""

    history_latest_first = True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None and self.has_add_permission(request):
                # Deleted by someone else since this form was opened: what was typed comes
                # back as the form to add it again (posting there), not lost in a redirect.
                request.deleted_meanwhile = True
                add = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_add")
                return self.add_view(request, add, extra_context)
            history.keep_baseline(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Its save adds it to the revision with all its version follows (a programme's sessions
        # and theirs): read at once, not row by row.
        with history.followed_at_once(obj):
            super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "deleted_meanwhile", False):
            form = type(form.__name__, (form,), {"deleted_meanwhile": True})
        return form

    def delete_model(self, request, obj):
        history.keep_state(obj, request.user, history.DELETION_COMMENT)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # the list's "Delete selected"
        for obj in queryset:
            history.keep_state(obj, request.user, history.DELETION_COMMENT)
        super().delete_queryset(request, queryset)


class MarkdownContentAdmin(ContentAdmin, MarkdownxModelAdmin):
    """A content admin whose text fields are edited with the markdown editor and preview."""


class NamedWithConvention(admin.RelatedFieldListFilter):
    """A filter by a related row whose name starts with its convention (a work plan), the
    conventions read with the rows rather than one query each."""

    def field_choices(self, field, request, model_admin):
        rows = field.related_model._default_manager.select_related("convention")
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


def year_filter(field_path, years=None):
    """A list filter offering the years present in `field_path` (a date field), or those
    `years(request, model_admin)` gives (newest first)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = "year"

        def lookups(self, request, model_admin):
            if years is not None:
                return [(str(year), str(year)) for year in years(request, model_admin)]
            found = model_admin.get_queryset(request).dates(field_path, "year", order="DESC")
            return [(str(d.year), str(d.year)) for d in found]

        def queryset(self, request, queryset):
            if self.value() and self.value().isdigit():
                return queryset.filter(**{f"{field_path}__year": int(self.value())})
            return queryset

    YearFilter.title = _("year")
    return YearFilter


def session_years(request, model_admin):
    """The years of the meetings whose working programmes have dated sessions, newest first:
    a session falls within its meeting's dates, and a meeting is found by its programmes' few
    sessions (an index), where the sessions' own years took reading every one."""
    dated = Session.objects.filter(
        programme__meeting=OuterRef("pk"),
        programme__edition=Edition.WORKING,
        date__isnull=False,
    )
    spans = Meeting.objects.filter(Exists(dated)).values_list("start_date", "end_date")
    found = {year for start, end in spans for year in range(start.year, end.year + 1)}
    return sorted(found, reverse=True)


# Reference data ---------------------------------------------------------------------------


# A web address typed without a scheme means https (Django 6's default, chosen now).
URL_AS_HTTPS = {models.URLField: {"assume_scheme": "https"}}
# Times as programmes write them, "10:15", never "10:15:00" (typed either way, both are taken).
TIME_AS_HH_MM = {models.TimeField: {"widget": widgets.AdminTimeWidget(format="%H:%M")}}


class PartyInline(AutocompletesNamedAtOnce, ConflictChecked, admin.TabularInline):
    model = Party
    extra = 1
    autocomplete_fields = ["state"]


@admin.register(Convention)
class ConventionAdmin(ContentAdmin):
    formfield_overrides = URL_AS_HTTPS
    list_display = ["short_name", "full_name", "isu_email"]
    search_fields = ["short_name", "full_name"]
    inlines = [PartyInline]


# Every name a State is known by, in every language: what its search and autocomplete match.
STATE_NAMES = [
    "name",
    "name_fr",
    "name_es",
    "short_name",
    "short_name_fr",
    "short_name_es",
    "official_name",
    "other_names",
    "iso_code",
    "iso3_code",
]


@admin.register(State)
class StateAdmin(RankedSearch, ContentAdmin):
    list_display = ["name", "short_name", "name_fr", "name_es", "iso_code", "iso3_code"]
    list_filter = ["party_to__convention"]
    search_fields = [name if "iso" not in name else f"={name}" for name in STATE_NAMES]
    ranked_fields = STATE_NAMES
    first_fields = ["name", "short_name", "other_names"]
    lines_fields = ["other_names"]


@admin.register(Party)
class PartyAdmin(ContentAdmin):
    list_display = ["state", "convention", "since"]
    list_filter = ["convention"]
    list_select_related = ["state", "convention"]
    search_fields = [f"state__{name}" for name in STATE_NAMES]
    autocomplete_fields = ["state"]


@admin.register(Organisation)
class OrganisationAdmin(RankedSearch, ContentAdmin):
    formfield_overrides = URL_AS_HTTPS
    list_display = ["name", "acronym", "name_fr", "name_es"]
    search_fields = ["name", "name_fr", "name_es", "acronym"]
    ranked_fields = ["acronym", "name", "name_fr", "name_es"]
    first_fields = ["acronym", "name"]


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    list_display = ["name", "honorific", "function", "organisation", "state"]
    list_filter = ["state", "organisation"]
    list_select_related = ["organisation", "state"]
    search_fields = ["name", "function", "organisation__acronym", "organisation__name"]
    autocomplete_fields = ["organisation", "state"]


class RoomInline(AutocompletesNamedAtOnce, ConflictChecked, admin.TabularInline):
    model = Room
    extra = 1


@admin.register(Venue)
class VenueAdmin(ContentAdmin):
    list_display = ["name", "address", "city"]
    list_filter = ["city"]
    search_fields = ["name", "address", "city"]
    inlines = [RoomInline]


@admin.register(Room)
class RoomAdmin(ContentAdmin):
    list_display = ["name", "floor", "venue"]
    list_filter = ["venue"]
    list_select_related = ["venue"]
    search_fields = ["name", "floor", "venue__name", "venue__city"]
    autocomplete_fields = ["venue"]


# Action plans ------------------------------------------------------------------------------


class ActionInline(AutocompletesNamedAtOnce, ConflictChecked, admin.TabularInline):
    model = Action
    extra = 1
    fields = ["number", "title", "text", "source"]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(MarkdownContentAdmin):
    list_display = ["name", "short_name", "convention", "start_year", "end_year"]
    list_filter = ["convention"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(ContentAdmin):
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan__convention", "plan"]
    list_select_related = ["plan"]
    search_fields = ["plan__short_name", "plan__name", "number", "title", "text"]
    autocomplete_fields = ["plan"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")

    def autocomplete_label(self, action):
        return action.label()


# Meetings and programmes -------------------------------------------------------------------


class OfficeHolderFormSet(history.ConflictCheckedFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The meeting itself, even one not saved yet: a row left without term dates or
        # convention takes the meeting's (Mandate.clean).
        form.instance.meeting = self.instance
        return form


class OfficeHolderInline(AutocompletesNamedAtOnce, ConflictChecked, admin.TabularInline):
    """A meeting's office holders, one compact row each, in the order the meeting gives."""

    model = Mandate
    fk_name = "meeting"
    formset = OfficeHolderFormSet
    extra = 1
    # A detail (a President's "Eleventh Meeting of the States Parties") is edited on the
    # holder's own page: the meeting says it here.
    fields = ["office", "position", "state", "person", "start_date", "end_date"]
    autocomplete_fields = ["office", "state", "person"]
    # The browser's own date picker: one line, where the admin's adds "Today | calendar" below.
    formfield_overrides = {
        models.DateField: {
            "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        },
    }
    verbose_name = _("office holder at this meeting")
    verbose_name_plural = _("office holders at this meeting")

    class Media:
        css = {"all": ["css/admin-office-holders.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            # Only "add" (a new person or office, in a popup) beside each choice: one line.
            widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return formfield

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("office", "state", "person", "convention")
            .order_by("office__position", "office__name", "position")
        )


@admin.register(Meeting)
class MeetingAdmin(MarkdownContentAdmin):
    list_display = ["title", "convention", "kind", "start_date", "end_date", "status"]
    list_filter = ["convention", "kind", year_filter("start_date"), "status"]
    list_select_related = ["convention"]
    search_fields = ["title", "slug", "venue__city"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["venue"]
    date_hierarchy = "start_date"
    inlines = [OfficeHolderInline]


class FitsTheScreen:
    """The admin's own style sheet: tables of inline rows fit a 1,366 px screen."""

    class Media:
        css = {"all": ["css/admin.css"]}


class SessionInline(AutocompletesNamedAtOnce, FitsTheScreen, ConflictChecked, admin.TabularInline):
    model = Session
    formfield_overrides = TIME_AS_HH_MM
    extra = 1
    fields = ["position", "date", "start_time", "end_time", "title", "slug", "kind", "room"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["room"]
    show_change_link = True  # presentations and questions are edited on the session's page


class PublishRevisionForm(InvisibleIsEmpty, forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One or two lines delegates will read on the Changes page, e.g. “Scene-setting "
            "presenters of sessions one and two swapped”."
        ),
    )
    note_fr = forms.CharField(
        label=_("What changed, in French"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: the French page shows the English, marked, where it is empty."),
    )
    note_es = forms.CharField(
        label=_("What changed, in Spanish"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: the Spanish page shows the English, marked, where it is empty."),
    )
    # The revision this form was opened after: publishing after another editor published meanwhile
    # would publish what this editor has not seen.
    since = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, meeting, may_publish_meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.meeting_is_draft = meeting.status != Status.PUBLISHED
        if self.meeting_is_draft and may_publish_meeting:
            self.fields["publish_meeting"] = forms.BooleanField(
                label=_("Publish the meeting too"),
                required=False,
                help_text=_(
                    "“%(meeting)s” is a draft: delegates see its programmes only once it is "
                    "published."
                )
                % {"meeting": meeting},
            )

    def clean(self):
        cleaned = super().clean()
        if self.meeting_is_draft and not cleaned.get("publish_meeting"):
            if "publish_meeting" in self.fields:
                message = _(
                    "The meeting “%(meeting)s” is a draft, so delegates would not see this "
                    "programme. Tick “Publish the meeting too”, or publish the meeting first."
                )
            else:
                message = _(
                    "The meeting “%(meeting)s” is a draft, so delegates would not see this "
                    "programme, and you may not publish meetings: ask someone who may."
                )
            raise forms.ValidationError(message % {"meeting": self.meeting})
        return cleaned


class ProgrammeRevisionInline(admin.TabularInline):
    """Published revisions, read only: a revision is a record of what was published."""

    model = ProgrammeRevision
    fk_name = "programme"
    fields = ["number", "published_at", "publisher", "note", "as_published"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        # What each row names, read with the rows; not the snapshot each holds of the whole
        # programme, which the row does not show (a programme saved with 30 revisions spent a
        # tenth of its save decoding them).
        return (
            super()
            .get_queryset(request)
            .select_related("programme__meeting", "published_by")
            .defer("snapshot")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("published by"))
    def publisher(self, revision):
        """Who published it, by name, not linked: the link led editors, who may not view
        users, to a 403 page."""
        user = revision.published_by
        if user is None:
            return "-"
        return user.get_full_name() or user.get_username()

    @admin.display(description=_("as published"))
    def as_published(self, revision):
        """The public page of the programme as this revision published it."""
        if not revision.copy_id:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            revision.get_absolute_url(),
            _("Revision %(number)s") % {"number": revision.number},
        )


class CopyProgrammeForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.select_related("convention"),
        label=_("Copy into meeting"),
        help_text=_("Sessions keep their day within the meeting: day one stays day one."),
    )
    slug = forms.SlugField(
        label=_("Slug of the copy"),
        required=False,
        help_text=_("Leave empty to keep the same address as the original."),
    )


def _forget_copies(pks):
    """Before the programmes `pks` are deleted, and their published copies with them: their
    revisions stop naming those copies. The state kept for recovering a programme
    (history.keep_state) then brings its revisions back without copies that are gone, instead
    of pointing at deleted rows, which failed the recovery. Undone if the deletion is."""
    ProgrammeRevision.objects.filter(programme_id__in=pks).update(copy=None)


@admin.register(Programme)
class ProgrammeAdmin(MarkdownContentAdmin):
    list_display = ["title", "meeting", "convention", "status", "session_count"]
    list_filter = [
        ("meeting__convention", admin.RelatedOnlyFieldListFilter),
        "meeting",
        year_filter("meeting__start_date"),
        "status",
    ]
    list_select_related = ["meeting__convention"]
    search_fields = ["title", "slug", "meeting__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["meeting", "convened_by"]
    inlines = [SessionInline, ProgrammeRevisionInline]
    actions = ["copy_programme_action", "render_pdfs_action"]
    change_form_template = "admin/meetings/programme/change_form.html"

    def get_queryset(self, request):
        # Staff edit working copies; the published copies are made by publishing.
        working = super().get_queryset(request).filter(edition=Edition.WORKING)
        return working.annotate(_session_count=Count("sessions"))

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Its rendered PDFs go with it (the worker makes them; nobody deletes one alone): they
        # do not make the deletion need a permission nobody has.
        pdfs = str(ProgrammePDF._meta.verbose_name)
        perms_needed = {name for name in perms_needed if str(name) != pdfs}
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        _forget_copies([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        _forget_copies([programme.pk for programme in queryset])
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        programme = self.get_object(request, unquote(object_id))
        if programme is not None and request.method == "GET":
            extra_context.update(
                unpublished=revisions.unpublished_changes(programme),
                latest_revision=programme.revisions.first(),
                notice_counts=notices.counts(programme.pk),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("convention"), ordering="meeting__convention")
    def convention(self, obj):
        return obj.meeting.convention

    @admin.display(description=_("sessions"), ordering="_session_count")
    def session_count(self, obj):
        return obj._session_count

    @admin.action(description=_("Copy this programme into another meeting"), permissions=["add"])
    def copy_programme_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one programme to copy."), level=messages.WARNING
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:meetings_programme_copy", args=[queryset.get().pk])
        )

    @admin.action(description=_("Render the PDFs of the selected programmes"))
    def render_pdfs_action(self, request, queryset):
        """Queued for the worker, never rendered in this request; failed renders are tried
        again at once."""
        queued, drafts = 0, 0
        copies = Programme.objects.filter(working__in=queryset, edition=Edition.PUBLISHED)
        published = {copy.working_id: copy for copy in copies.select_related("meeting")}
        for programme in queryset:
            copy = published.get(programme.pk)
            if copy is None or not copy.is_published_revision:
                drafts += 1
                continue
            for language, _name in settings.LANGUAGES:
                tasks.enqueue_render(copy.pk, language, force=True)
                queued += 1
        message = format_html(
            'Queued {} PDF renders; <a href="{}">Programme PDFs</a> shows how they went.',
            queued,
            reverse("admin:meetings_programmepdf_changelist"),
        )
        if drafts:
            message = format_html(
                "{} {} draft(s) skipped: a draft has no public PDF.", message, drafts
            )
        self.message_user(request, message, messages.SUCCESS if queued else messages.WARNING)

    def get_urls(self):
        copy = path(
            "<int:pk>/copy/",
            self.admin_site.admin_view(self.copy_view),
            name="meetings_programme_copy",
        )
        preview = path(
            "<int:pk>/pdf/",
            self.admin_site.admin_view(self.pdf_preview_view),
            name="meetings_programme_pdf_preview",
        )
        publish = path(
            "<int:pk>/publish/",
            self.admin_site.admin_view(self.publish_view),
            name="meetings_programme_publish",
        )
        discard = path(
            "<int:pk>/discard/",
            self.admin_site.admin_view(self.discard_view),
            name="meetings_programme_discard",
        )
        return [copy, preview, publish, discard, *super().get_urls()]

    def discard_view(self, request, pk):
        """Put the working copy back as its latest revision published it (POST; GET asks)."""
        programme = get_object_or_404(self.get_queryset(request).select_related("meeting"), pk=pk)
        if not self.has_change_permission(request, programme):
            raise PermissionDenied
        unpublished = revisions.unpublished_changes(programme)
        if not unpublished:
            if unpublished is None:
                said = _(
                    "“%(programme)s” has never been published: there is no revision to go back to."
                )
            else:
                said = _("“%(programme)s” has no unpublished changes: there is nothing to discard.")
            self.message_user(request, said % {"programme": programme}, messages.WARNING)
            return HttpResponseRedirect(
                reverse("admin:meetings_programme_change", args=[programme.pk])
            )
        form = forms.Form(request.POST or None)
        if request.method == "POST" and form.is_valid():
            history.keep_baseline(programme, request.user)
            with reversion.create_revision():
                revisions.discard(
                    programme,
                    before_deleting=lambda document: history.keep_state(
                        document, request.user, history.DELETION_COMMENT
                    ),
                )
                latest = programme.revisions.first()
                comment = f"Unpublished changes discarded: back to revision {latest.number}"
                history.describe(programme, request.user, comment)
            self.message_user(
                request,
                _(
                    "The unpublished changes are discarded: “%(programme)s” is as revision "
                    "%(number)s published it."
                )
                % {"programme": programme, "number": latest.number},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:meetings_programme_change", args=[programme.pk])
            )
        return self._form_page(
            request,
            "discard.html",
            programme,
            form,
            _("Discard unpublished changes"),
            unpublished=unpublished,
            latest_revision=programme.revisions.first(),
        )

    def publish_view(self, request, pk):
        """Publish the programme as its next numbered revision, with a note of what changed."""
        if not request.user.has_perm("meetings.add_programmerevision"):
            raise PermissionDenied
        programme = get_object_or_404(
            Programme.objects.filter(edition=Edition.WORKING).select_related("meeting"), pk=pk
        )
        latest = programme.revisions.first()
        form = PublishRevisionForm(
            request.POST or None,
            initial={"since": latest.number if latest else 0},
            meeting=programme.meeting,
            may_publish_meeting=request.user.has_perm("meetings.change_meeting"),
        )
        if request.method == "POST" and form.is_valid():
            publish_meeting = form.cleaned_data.get("publish_meeting", False)
            history.keep_baseline(programme, request.user)
            try:
                # Only what staff edit is kept: the copies publishing makes are not content of
                # the history (it would offer them for recovery, and reverting to this version
                # would put them back as they were made, empty).
                with transaction.atomic(), reversion.create_revision(manage_manually=True):
                    revision = revisions.publish(
                        programme,
                        form.cleaned_data["note"],
                        request.user,
                        publish_meeting,
                        after=form.cleaned_data["since"],
                    )
                    # The note's French and Spanish, with it before any PDF is rendered.
                    translated_note = {
                        name: form.cleaned_data[name] for name in translations.names("note")
                    }
                    ProgrammeRevision.objects.filter(pk=revision.pk).update(**translated_note)
                    comment = f"Published revision {revision.number}: {revision.note}"
                    history.describe(programme, request.user, comment)
                    if publish_meeting:
                        history.describe(programme.meeting, request.user, comment)
                # Its PDFs rendered now, not at the first download: until each is ready, a
                # download gets the revision before's, marked as such.
                for language, _name in settings.LANGUAGES:
                    tasks.enqueue_render(revision.copy_id, language)
                bundles.enqueue_for_copy(revision.copy_id)  # and its statements' zips
            except revisions.AddressTaken:
                form.add_error(
                    None,
                    _(
                        "Another programme of this meeting is published at the address "
                        "“%(slug)s”: give this one another slug, or withdraw that one first."
                    )
                    % {"slug": programme.slug},
                )
            except revisions.PublishedMeanwhile as meanwhile:
                latest = meanwhile.revision
                form = PublishRevisionForm(
                    initial={
                        "since": latest.number if latest else 0,
                        **{
                            name: form.cleaned_data[name]
                            for name in ("note", *translations.names("note"))
                        },
                    },
                    meeting=programme.meeting,
                    may_publish_meeting=request.user.has_perm("meetings.change_meeting"),
                )
                if latest is None:  # the revisions the form was read with were taken back
                    said = _(
                        "Nothing published: the programme's revisions changed since this page "
                        "was opened. Below is what is unpublished now; publish again if it is "
                        "what you mean to publish."
                    )
                else:
                    said = _(
                        "Nothing published: revision %(number)s was published meanwhile by "
                        "%(who)s (“%(note)s”). Below is what is unpublished now; publish again "
                        "if it is what you mean to publish."
                    ) % {
                        "number": latest.number,
                        "who": latest.published_by or _("another editor"),
                        "note": latest.note,
                    }
                self.message_user(request, said, messages.ERROR)
            except revisions.MeetingIsDraft:
                # Set back to draft since the form was read: said, and nothing published.
                form = PublishRevisionForm(
                    request.POST,
                    meeting=Meeting.objects.get(pk=programme.meeting_id),
                    may_publish_meeting=request.user.has_perm("meetings.change_meeting"),
                )
                form.is_valid()
            else:
                self.message_user(
                    request,
                    format_html(
                        'Published “{}” as revision {}. <a href="{}">See it as delegates do</a>.',
                        programme,
                        revision.number,
                        revision.get_absolute_url(),  # the copy delegates read, read only
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:meetings_programme_change", args=[programme.pk])
                )
        return self._form_page(
            request,
            "publish.html",
            programme,
            form,
            _("Publish a revision"),
            next_number=(latest.number if latest else 0) + 1,
            unpublished=revisions.unpublished_changes(programme),
            latest_revision=latest,
        )

    def _form_page(self, request, template, programme, form, title, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": programme,
            "form": form,
            "title": title,
            **extra,
        }
        return TemplateResponse(request, f"admin/meetings/programme/{template}", context)

    def pdf_preview_view(self, request, pk):
        """The programme as it is now, drafts included, rendered by the task queue's worker: its
        PDF once ready, else a page saying it is being prepared, or why it failed (POST: try
        again). Kept apart from the public PDFs."""
        # Before the lookup: whether a programme exists is not told to a user who may not see it.
        if not may_view_drafts(request.user, Programme):
            raise PermissionDenied
        programme = get_object_or_404(
            queries.programmes_in_full().filter(edition=Edition.WORKING), pk=pk
        )
        found = pdf.preview(programme, retry=request.method == "POST")
        if request.method == "POST":
            return HttpResponseRedirect(request.path)
        if found.ready:
            return found.response()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": programme,
            "title": _("PDF preview"),
        }
        return found.waiting_response(request, "admin/meetings/programme/pdf_preview.html", context)

    def copy_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        programme = get_object_or_404(self.get_queryset(request).select_related("meeting"), pk=pk)
        form = CopyProgrammeForm(request.POST or None, initial={"slug": programme.slug})
        if request.method == "POST" and form.is_valid():
            try:
                with reversion.create_revision():
                    copy = copy_programme(
                        programme, form.cleaned_data["meeting"], form.cleaned_data["slug"]
                    )
                    comment = f"Copied from “{programme}” ({programme.meeting})"
                    history.describe(copy, request.user, comment)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    format_html(
                        "Copied “{}” into {} as a draft, with {} sessions.",
                        programme,
                        copy.meeting,
                        copy.sessions.count(),
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:meetings_programme_change", args=[copy.pk])
                )
        return self._form_page(request, "copy.html", programme, form, _("Copy this programme"))


# The PDFs of a working copy's published copies, of every revision: the programme's page links
# to them (templates/admin/meetings/programme/change_form.html).
PDFS_OF_PROGRAMME = "programme__working__id__exact"


@admin.register(ProgrammePDF)
class ProgrammePDFAdmin(admin.ModelAdmin):
    """The rendered PDFs and the renders under way or failed, read only: the worker makes them.
    "Render again now" asks it to try a failed or stuck one at once."""

    list_display = [
        "programme",
        "language",
        "state_shown",
        "tries",
        "next_try_at",
        "started_at",
        "finished_at",
        "revision",
        "short_error",
    ]
    list_filter = ["state", "language"]
    list_select_related = ["programme__meeting"]
    search_fields = ["programme__title", "programme__meeting__title", "fingerprint"]
    date_hierarchy = "started_at"
    actions = ["render_again_action"]
    fields = [
        "programme",
        "language",
        "state_shown",
        "tries",
        "next_try_at",
        "error",
        "worker",
        "started_at",
        "finished_at",
        "seconds",
        "revision",
        "pages",
        "size_bytes",
        "file",
        "fingerprint",
        "checked_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("state"), ordering="state")
    def state_shown(self, obj):
        if obj.state == ProgrammePDF.State.RENDERING and pdf.worker_gone(obj):
            return _("Rendering, but its worker has stopped: taken over at the next try")
        return obj.get_state_display()

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return obj.error[:120]

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == PDFS_OF_PROGRAMME or super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_render_permission(self, request):
        return request.user.has_perm("meetings.change_programmepdf")

    @admin.action(description=_("Render again now"), permissions=["render"])
    def render_again_action(self, request, queryset):
        wanted = set(queryset.values_list("programme_id", "language"))
        for programme_id, language in sorted(wanted):
            tasks.enqueue_render(programme_id, language, force=True)
        self.message_user(
            request,
            f"Asked the worker to render {len(wanted)} PDF(s) again; this list shows how it went.",
            messages.SUCCESS,
        )


class PresentationInline(AutocompletesNamedAtOnce, ConflictChecked, admin.StackedInline):
    model = Presentation
    extra = 0
    # A delegation's statement is a Statement, entered in "Who took the floor" above.
    fields = [
        "position",
        "kind",
        "title",
        *translations.names("title"),
        "presenters",
        "organisations",
        "document",
    ]
    autocomplete_fields = ["presenters", "organisations", "document"]

    def get_queryset(self, request):  # each row's chosen people and organisations, at once
        return super().get_queryset(request).prefetch_related("presenters", "organisations")


class DiscussionQuestionInline(
    AutocompletesNamedAtOnce, FitsTheScreen, ConflictChecked, admin.TabularInline
):
    model = DiscussionQuestion
    extra = 1
    fields = ["position", "audience", "text", *translations.names("text")]


class PanellistInline(
    AutocompletesNamedAtOnce, FitsTheScreen, ConflictChecked, admin.TabularInline
):
    """A panellist on one row, as the source gives them: "Ms. | Kerryn Clarke | Programme
    Manager | COPE | Lao PDR"."""

    model = Panellist
    fields = ["position", "role", "title", "name", "post", "organisation", "state"]
    autocomplete_fields = ["organisation", "state"]

    def get_extra(self, request, obj=None, **kwargs):
        # Rows to fill for a panel that has none yet; a single blank one otherwise.
        if obj is not None and obj.kind == Session.Kind.PANEL and not obj.panellists.exists():
            return 4
        return 0

    def get_queryset(self, request):  # what each row's name says, read with the rows
        return super().get_queryset(request).select_related("organisation", "state")


class RecordingInline(
    AutocompletesNamedAtOnce, FitsTheScreen, ConflictChecked, admin.TabularInline
):
    """Its recordings, once held: UN Web TV's video, the Digital Recordings Portal's audio of
    the floor and of each interpretation."""

    model = Recording
    extra = 0
    fields = ["kind", "language", "url"]


@admin.register(Session)
class SessionAdmin(FitsTheScreen, MarkdownContentAdmin):
    formfield_overrides = {**MarkdownContentAdmin.formfield_overrides, **TIME_AS_HH_MM}
    list_display = ["title", "programme", "date", "start_time", "kind"]
    list_filter = [
        # Every convention (two), not only those with sessions: that asked every session.
        "programme__meeting__convention",
        "programme__meeting",
        year_filter("date", years=session_years),
        "kind",
        "programme__status",
    ]
    list_select_related = ["programme__meeting"]
    search_fields = ["title", "purpose", "programme__title", "questions__text"]
    # "N results (Show all)": not a count of every session of the archive on each page.
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["programme", "room", "actions"]
    inlines = [PresentationInline, PanellistInline, DiscussionQuestionInline, RecordingInline]
    form = floor.FloorForm
    fieldsets = [
        (None, {"fields": ["programme", "title", "slug", "kind"]}),
        (_("When and where"), {"fields": ["date", "start_time", "end_time", "position", "room"]}),
        (_("Content"), {"fields": ["purpose", "actions", "questions_intro"]}),
        (
            _("Following it remotely"),
            {
                "fields": ["remote_url", "hybrid", "interpretation"],
                "description": _("Empty: as its programme."),
            },
        ),
        (
            _("Who took the floor"),
            {
                "fields": [*(floor.field_name(g) for g in floor.GROUPS), "statement_files"],
                "description": floor.LIST_HELP,
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(programme__edition=Edition.WORKING)

    def get_search_results(self, request, queryset, search_term):
        """As the admin's search (each word in one of search_fields), each field's matches
        read on their own, by its trigram index (migration 0031), and the sessions found by
        their keys, rather than every session of the archive joined with its questions, made
        distinct, and tried."""
        words = [
            unescape_string_literal(w) if w.startswith(('"', "'")) and w[0] == w[-1] else w
            for w in smart_split(search_term)
        ]
        for word in words:
            sessions, questions = Session.objects.order_by(), DiscussionQuestion.objects.order_by()
            found = (
                sessions.filter(title__icontains=word)
                .values("pk")
                .union(
                    sessions.filter(purpose__icontains=word).values("pk"),
                    sessions.filter(programme__title__icontains=word).values("pk"),
                    questions.filter(text__icontains=word).values("session_id"),
                )
            )
            queryset = queryset.filter(pk__in=found)
        return queryset, False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.save_floor(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if request.method == "POST" and form.is_bound:  # come back with an error (any form's)
            form.ask_for_files_again()
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Statement)
class StatementAdmin(ContentAdmin):
    """One statement alone (the session's page enters them by the list)."""

    list_display = ["__str__", "session", "group"]
    list_filter = ["group", "session__programme__meeting"]
    list_select_related = [
        "session",
        "state",
        "organisation",
        "on_behalf_of_state",
        "on_behalf_of_organisation",
    ]
    search_fields = ["state__name", "organisation__name", "organisation__acronym"]
    autocomplete_fields = [
        "session",
        "state",
        "organisation",
        "on_behalf_of_state",
        "on_behalf_of_organisation",
        "documents",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(session__programme__edition=Edition.WORKING)


@admin.register(Panellist)
class PanellistAdmin(ContentAdmin):
    list_display = ["__str__", "session"]
    list_filter = ["session__programme__meeting"]
    list_select_related = ["session", "state", "organisation"]
    search_fields = ["name", "post", "organisation__name"]
    autocomplete_fields = ["session", "organisation", "state"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(session__programme__edition=Edition.WORKING)


@admin.register(Recording)
class RecordingAdmin(ContentAdmin):
    list_display = ["__str__", "session", "url"]
    list_filter = ["kind", "language", "session__programme__meeting"]
    list_select_related = ["session"]
    search_fields = ["url", "session__title"]
    autocomplete_fields = ["session"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(session__programme__edition=Edition.WORKING)


@admin.register(Presentation)
class PresentationAdmin(ContentAdmin):
    list_display = ["__str__", "session", "kind"]
    list_filter = ["kind", "session__programme__meeting"]
    list_select_related = ["session"]
    search_fields = ["title", "session__title", "presenters__name", "organisations__acronym"]
    autocomplete_fields = [
        "session",
        "presenters",
        "organisations",
        "delegation_state",
        "delegation_organisation",
        "document",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(session__programme__edition=Edition.WORKING)


@admin.register(DiscussionQuestion)
class DiscussionQuestionAdmin(ContentAdmin):
    list_display = ["__str__", "audience", "session"]
    list_filter = ["audience", "session__programme__meeting"]
    list_select_related = ["session"]
    search_fields = ["text", "session__title"]
    autocomplete_fields = ["session"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(session__programme__edition=Edition.WORKING)


@admin.register(Document)
class DocumentAdmin(ContentAdmin):
    list_display = ["title", "kind", "language", "size", "symbol", "meeting", "available"]
    list_filter = ["kind", "language", "meeting__convention", "meeting"]
    list_select_related = ["meeting"]
    search_fields = ["title", "symbol"]
    autocomplete_fields = ["meeting", "programme"]
    readonly_fields = ["size"]

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return size_text(obj.size_bytes) or "-"

    @admin.display(description=_("file held"), boolean=True)
    def available(self, obj):
        return obj.is_available


# Coordination -------------------------------------------------------------------------------


@admin.register(Office)
class OfficeAdmin(ContentAdmin):
    list_display = [
        "name",
        "name_fr",
        "name_es",
        "singular_name_fr",
        "feminine_name_fr",
        "feminine_plural_name_fr",
        "position",
    ]
    search_fields = ["name", "name_fr", "name_es"]


@admin.register(Mandate)
class MandateAdmin(ContentAdmin):
    list_display = [
        "state",
        "office",
        "detail",
        "convention",
        "meeting",
        "start_date",
        "end_date",
        "person",
    ]
    list_filter = ["convention", "office", year_filter("start_date")]
    list_select_related = ["state", "convention", "person", "office", "meeting"]
    search_fields = ["state__name", "person__name", "detail", "office__name", "meeting__title"]
    autocomplete_fields = ["meeting", "office", "state", "person"]


class MilestoneInline(AutocompletesNamedAtOnce, ConflictChecked, admin.TabularInline):
    model = Milestone
    extra = 1
    fields = ["year", "quarter", "position", "text", *translations.names("text")]


@admin.register(WorkPlan)
class WorkPlanAdmin(MarkdownContentAdmin):
    list_display = ["title", "convention", "start_year", "end_year", "status"]
    list_filter = ["convention", "start_year", "status"]
    list_select_related = ["convention"]
    search_fields = ["title", "subtitle", "group"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["coordinators", "actions", "document"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(ContentAdmin):
    list_display = ["__str__", "work_plan", "year", "quarter"]
    list_filter = [("work_plan", NamedWithConvention), "year", "quarter"]
    list_select_related = ["work_plan__convention"]
    search_fields = ["text", "work_plan__title"]
    autocomplete_fields = ["work_plan"]


@admin.register(Activity)
class ActivityAdmin(MarkdownContentAdmin):
    list_display = ["__str__", "convention", "year", "month"]
    list_filter = ["convention", "year"]
    list_select_related = ["convention"]
    search_fields = ["text"]
    autocomplete_fields = ["coordinators", "meeting", "actions", "document"]


@admin.register(Obligation)
class ObligationAdmin(ContentAdmin):
    list_display = ["state", "convention", "article", "as_of_year", "as_of_month"]
    list_filter = ["convention", "article", "as_of_year"]
    list_select_related = ["state", "convention"]
    search_fields = ["state__name"]
    autocomplete_fields = ["state"]


# News ---------------------------------------------------------------------------------------


@admin.register(NewsCategory)
class NewsCategoryAdmin(ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(NewsPost)
class NewsPostAdmin(MarkdownContentAdmin):
    list_display = ["title", "posted_on", "status"]
    list_filter = ["status", year_filter("posted_on"), "categories"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories", "meeting"]
    date_hierarchy = "posted_on"
