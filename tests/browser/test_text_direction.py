"""In a real browser, Arabic in an English page reads right to left: a title, a question and a
paragraph of the purpose, each on its own, while the page around them stays left to right."""

import factories
import pytest

ARABIC = "مساعدة الضحايا في المناطق الريفية"

pytestmark = pytest.mark.django_db(transaction=True)


def direction(page, selector):
    return page.eval_on_selector(selector, "e => getComputedStyle(e).direction")


def test_arabic_reads_right_to_left_inside_the_english_page(live_server, page):
    session = factories.SessionFactory(title=ARABIC, purpose=ARABIC + ".\n\nThe same in English.")
    factories.DiscussionQuestionFactory(session=session, text=ARABIC + "؟")

    page.goto(live_server.url + session.get_absolute_url())

    assert direction(page, "h1") == "rtl"
    assert direction(page, f"article.session p:has-text('{ARABIC}.')") == "rtl"
    assert direction(page, "article.session p:has-text('The same in English.')") == "ltr"
    assert direction(page, f"li:has-text('{ARABIC}؟')") == "rtl"
    assert direction(page, "main") == "ltr"
