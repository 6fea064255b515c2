"""In a real browser, a quote (an action's words, <q>) takes the quotation marks of the page's
language: “…” in English, « … » with no-break spaces inside in French, «…» in Spanish."""

import factories
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def marks(page):
    """The quotation marks the page's quote opens and closes with, outer then inner."""
    return page.eval_on_selector(
        "main q",
        "q => getComputedStyle(q).quotes",
    )


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", '"\u201c" "\u201d" "\u2018" "\u2019"'),
        ("/fr", '"\u00ab\u00a0" "\u00a0\u00bb" "\u201c" "\u201d"'),
        ("/es", '"\u00ab" "\u00bb" "\u201c" "\u201d"'),
    ],
)
def test_an_actions_words_are_quoted_with_the_page_languages_marks(
    live_server, page, prefix, expected
):
    session = factories.SessionFactory()
    session.actions.set([factories.ActionFactory(text="Test words of the action.")])
    factories.show_published(session.programme)

    page.goto(live_server.url + prefix + session.get_absolute_url())

    assert marks(page) == expected
