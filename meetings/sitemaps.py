"""sitemap.xml: an index of one sitemap per kind of page, each in pages of PER_PAGE addresses,
so that no response grows with the archive; every public page, drafts left out."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import queries
from .models import Action, ActionPlan, NewsPost, WorkPlan

PER_PAGE = 1000


class PagedSitemap(Sitemap):
    limit = PER_PAGE


class PagesSitemap(PagedSitemap):
    def items(self):
        return [
            "meetings:home",
            "meetings:meeting_list",
            "meetings:action_plan_list",
            "meetings:coordination",
            "meetings:news_list",
            "meetings:document_list",
        ]

    def location(self, name):
        return reverse(name)


class MeetingsSitemap(PagedSitemap):
    def items(self):
        return queries._meetings()


class ProgrammesSitemap(PagedSitemap):
    def items(self):
        return queries._programmes()


class SessionsSitemap(PagedSitemap):
    def items(self):
        return queries.public_sessions().select_related("programme__meeting")


class PlansSitemap(PagedSitemap):
    def items(self):
        return ActionPlan.objects.all()


class ActionsSitemap(PagedSitemap):
    def items(self):
        return Action.objects.select_related("plan")


class WorkPlansSitemap(PagedSitemap):
    def items(self):
        return WorkPlan.objects.published()


class NewsSitemap(PagedSitemap):
    def items(self):
        return NewsPost.objects.published()

    def lastmod(self, post):
        return post.posted_on


SITEMAPS = {
    "pages": PagesSitemap,
    "meetings": MeetingsSitemap,
    "programmes": ProgrammesSitemap,
    "sessions": SessionsSitemap,
    "plans": PlansSitemap,
    "actions": ActionsSitemap,
    "work-plans": WorkPlansSitemap,
    "news": NewsSitemap,
}
