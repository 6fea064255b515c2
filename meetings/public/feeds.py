"""Atom feeds: news posts, and programme revisions (so a delegate's feed reader says when a
programme changed). Published content only; bodies go through the one sanitising renderer;
addresses at SITE_URL."""

import datetime

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings import languages
from meetings.addresses import absolute
from meetings.markdown import render_markdown
from meetings.models import NewsPost, ProgrammeRevision
from meetings.publishing import revisions
from meetings.publishing.revisions import changes

FEED_LENGTH = 30


def _midday(day):
    return datetime.datetime.combine(day, datetime.time(12), timezone.get_current_timezone())


class SiteFeed(Feed):
    """A feed whose addresses are all absolute, at SITE_URL: Django's Feed keeps absolute ones
    as they are, and would put the request's host in front of the others. The feed's author,
    the ISUs, is the author of every entry that names none (RFC 4287 wants one for each)."""

    feed_type = Atom1Feed
    url_name = list_url_name = None
    author_name = _("The Implementation Support Units of the APMBC and the CCM")

    def link(self):
        return absolute(reverse(self.list_url_name))

    def feed_url(self):
        return absolute(reverse(self.url_name))

    def item_link(self, item):
        return absolute(item.get_absolute_url())


class NewsFeed(SiteFeed):
    url_name, list_url_name = "meetings:news_feed", "meetings:news_list"
    title = _("Victim assistance meetings: news")
    subtitle = _("News of the victim-assistance work of the APMBC and the CCM.")

    def items(self):
        posts = NewsPost.objects.public().prefetch_related("categories")
        return posts.order_by("-posted_on", "-pk")[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return render_markdown(post.body)

    def item_pubdate(self, post):
        return _midday(post.posted_on)  # posts carry a day; midday keeps it on that day anywhere

    def item_updateddate(self, post):
        return _midday(post.posted_on)

    def item_categories(self, post):
        return [str(category) for category in post.categories.all()]


class RevisionFeed(SiteFeed):
    url_name, list_url_name = "meetings:revision_feed", "meetings:meeting_list"
    title = _("Victim assistance meetings: programme changes")
    subtitle = _("Each published revision of a programme, with its note and what changed.")

    def items(self):
        revisions = (
            ProgrammeRevision.objects.public()
            .select_related("programme__meeting__convention")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        revisions = list(revisions)
        # What changed is measured against the revision before each one (one more query).
        wanted = {(r.programme_id, r.number - 1) for r in revisions}
        previous = {
            (r.programme_id, r.number): r.snapshot
            for r in ProgrammeRevision.objects.filter(
                programme_id__in={p for p, _ in wanted}, number__in={n for _, n in wanted}
            )
        }
        for revision in revisions:
            before = previous.get((revision.programme_id, revision.number - 1))
            revision.changes = changes(before, revision.snapshot)
        return revisions

    def item_title(self, revision):
        """The programme and its meeting, so that two meetings' programmes of one name (each
        meeting has its "Standing Committee …") are told apart."""
        return gettext("%(programme)s, %(meeting)s: revision %(number)s") % {
            # As the revision published it: the working copy may be retitled since.
            "programme": revisions.title(revision.snapshot)
            or languages.text(revision.programme, "title")[0],
            "meeting": languages.text(revision.programme.meeting, "title")[0],
            "number": revision.number,
        }

    def item_description(self, revision):
        # The list the Changes page shows, its words removed and added labelled in brackets: a
        # feed reader shows no style sheet of ours to hide the labels a screen reader reads.
        # The note in the feed's language; the English standing in for a missing translation is
        # marked lang="en" on its paragraph (the summary's other words are in the feed's own).
        note, english = languages.text(revision, "note")
        return format_html(
            "{}{}",
            languages.marked(note, english, "p") if english else format_html("<p>{}</p>", note),
            render_to_string(
                "meetings/_changes.html", {"changes": revision.changes, "labels_shown": True}
            ),
        )

    def item_pubdate(self, revision):
        return revision.published_at

    def item_author_name(self, revision):
        convention = revision.programme.meeting.convention
        return gettext("Implementation Support Unit, %(convention)s") % {
            "convention": languages.text(convention, "full_name")[0]
        }

    def item_categories(self, revision):
        """The convention and the meeting, so a reader can sort the changes by either."""
        meeting = revision.programme.meeting
        return [str(meeting.convention), languages.text(meeting, "title")[0]]

    def item_updateddate(self, revision):
        return revision.published_at
