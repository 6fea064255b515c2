"""In a real browser, Arabic in an English page reads right to left: a title, a question and a
paragraph of the purpose, each on its own, while the page around them stays left to right."""

from meetings.models import DiscussionQuestion, Session

ARABIC = "مساعدة الضحايا في المناطق الريفية"


def direction(page, selector):
    return page.eval_on_selector(selector, "e => getComputedStyle(e).direction")


def test_arabic_reads_right_to_left_inside_the_english_page(site, page):
    session = Session.objects.exclude(questions=None).exclude(purpose="").first()
    session.title = ARABIC
    session.purpose = ARABIC + ".\n\nThe same in English."
    session.save()
    DiscussionQuestion.objects.filter(pk=session.questions.first().pk).update(text=ARABIC + "؟")

    page.goto(site + session.get_absolute_url())

    assert direction(page, "h1") == "rtl"
    assert direction(page, f"article.session p:has-text('{ARABIC}.')") == "rtl"
    assert direction(page, "article.session p:has-text('The same in English.')") == "ltr"
    assert direction(page, f"li:has-text('{ARABIC}؟')") == "rtl"
    assert direction(page, "main") == "ltr"
