"""sitemap.xml: every public page, drafts left out."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import queries
from .models import Action, ActionPlan, NewsPost, WorkPlan


class PagesSitemap(Sitemap):
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


class MeetingsSitemap(Sitemap):
    def items(self):
        return queries._meetings()


class ProgrammesSitemap(Sitemap):
    def items(self):
        return queries._programmes()


class SessionsSitemap(Sitemap):
    def items(self):
        return queries.public_sessions().select_related("programme__meeting")


class PlansSitemap(Sitemap):
    def items(self):
        return ActionPlan.objects.all()


class ActionsSitemap(Sitemap):
    def items(self):
        return Action.objects.select_related("plan")


class WorkPlansSitemap(Sitemap):
    def items(self):
        return WorkPlan.objects.published()


class NewsSitemap(Sitemap):
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
