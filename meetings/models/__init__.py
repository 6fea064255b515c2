"""The domain of DESIGN.md, one module per part; import models from `meetings.models`."""

from .caching import MeetingGeneration, SharedGeneration
from .common import Edition, PublicQuerySet, Publishable, Status
from .coordination import Activity, Mandate, Milestone, Obligation, Office, WorkPlan
from .news import NewsCategory, NewsPost
from .notices import NoticeMail, NoticeSubscription
from .plans import Action, ActionPlan
from .programmes import (
    DiscussionQuestion,
    Document,
    Meeting,
    Presentation,
    Programme,
    Session,
)
from .publishing import ProgrammePDF, ProgrammePDFRequest, ProgrammeRevision
from .reference import Convention, Organisation, Party, Person, Room, State, Venue
from .remote import Recording, UNLanguage
from .speakers import Panellist, Statement

# Rows the site keeps about its own work, not content: no history, no backup, no page shows
# them, and writing them changes no generation. The notices' subscriptions are among them: an
# address was given to this site to be sent notices, kept until its owner unsubscribes; a
# history or a backup would keep it after that (and a restore of an older backup would send
# to it again).
BOOKKEEPING = (
    MeetingGeneration,
    SharedGeneration,
    ProgrammePDF,
    ProgrammePDFRequest,
    NoticeSubscription,
    NoticeMail,
)

__all__ = [
    "BOOKKEEPING",
    "Action",
    "ActionPlan",
    "Activity",
    "Convention",
    "DiscussionQuestion",
    "Document",
    "Mandate",
    "Meeting",
    "MeetingGeneration",
    "Milestone",
    "NewsCategory",
    "NewsPost",
    "NoticeMail",
    "NoticeSubscription",
    "Obligation",
    "Office",
    "Organisation",
    "Panellist",
    "Party",
    "Person",
    "Presentation",
    "Programme",
    "ProgrammePDF",
    "ProgrammePDFRequest",
    "ProgrammeRevision",
    "Recording",
    "PublicQuerySet",
    "Publishable",
    "Room",
    "Session",
    "SharedGeneration",
    "State",
    "Statement",
    "Status",
    "UNLanguage",
    "Edition",
    "Venue",
    "WorkPlan",
]
