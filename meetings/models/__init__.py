"""The domain of DESIGN.md, one module per part; import models from `meetings.models`."""

from .common import PublishableQuerySet, Status
from .coordination import Activity, Mandate, Milestone, Obligation, WorkPlan
from .news import NewsCategory, NewsPost
from .pdfs import ContentVersion, MeetingVersion, ProgrammePDF
from .plans import Action, ActionPlan
from .programmes import (
    DiscussionQuestion,
    Document,
    Meeting,
    Presentation,
    Programme,
    Session,
)
from .reference import Convention, Organisation, Person, Room, State, Venue
from .revisions import ProgrammeRevision

__all__ = [
    "Action",
    "ActionPlan",
    "Activity",
    "ContentVersion",
    "Convention",
    "DiscussionQuestion",
    "Document",
    "Mandate",
    "Meeting",
    "MeetingVersion",
    "Milestone",
    "NewsCategory",
    "NewsPost",
    "Obligation",
    "Organisation",
    "Person",
    "Presentation",
    "Programme",
    "ProgrammePDF",
    "ProgrammeRevision",
    "PublishableQuerySet",
    "Room",
    "Session",
    "State",
    "Status",
    "Venue",
    "WorkPlan",
]
