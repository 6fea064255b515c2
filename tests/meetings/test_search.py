"""Site search (meetings/search.py): what a delegate finds, and how PostgreSQL finds it (the
stored words of each model, their indexes, and what keeps them)."""

import datetime
import re

import factories
import pytest
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection
from django.db.models import F, Func, TextField
from django.db.models.functions import Cast
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings import search
from meetings.models import (
    Action,
    DiscussionQuestion,
    Meeting,
    Person,
    Programme,
    Session,
    State,
    Status,
)


def results(client, **params):
    """The result links of a search page, and its status line."""
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    status = re.search(r'<p role="status" id="search-status">(.*?)</p>', html, re.S)
    links = re.findall(r'<a class="result-title" href="([^"]+)">', html)
    return links, status.group(1) if status else "", html


def a_session(meeting, title, **fields):
    """A session of `meeting`, in its programme "p" (made with the first session)."""
    programme = Programme.objects.filter(meeting=meeting, slug="p", edition="working").first()
    if programme is None:
        programme = factories.ProgrammeFactory(meeting=meeting, title="Programme", slug="p")
    return factories.SessionFactory(programme=programme, title=title, **fields)


@pytest.fixture
def survivors(meeting):
    """Made-up content of several kinds that speaks of survivors; returns its session."""
    session = a_session(meeting, "Test session for survivors")
    factories.DiscussionQuestionFactory(session=session, text="How do survivors take part?")
    factories.ActionFactory(title="Test action for survivors")
    factories.NewsPostFactory(title="Test news for survivors")
    factories.DocumentFactory(title="Test document for survivors")
    return session


@pytest.fixture
def one_of_each_kind(meeting):
    """A published row of each kind search finds, with words in its title and body fields."""
    meeting.summary = "Test summary of the meeting."
    meeting.save()
    programme = factories.ProgrammeFactory(
        meeting=meeting, background="Test background.", focus="Test focus."
    )
    session = factories.SessionFactory(
        programme=programme, purpose="Test purpose.", questions_intro="Test introduction."
    )
    factories.DiscussionQuestionFactory(session=session, text="Test question for survivors?")
    session.actions.add(factories.ActionFactory(text="Test words of the action."))
    factories.WorkPlanFactory(
        subtitle="Test subtitle",
        background="Test background.",
        objectives="Test objectives.",
        activities="Test activities.",
        expected_outputs="Test outputs.",
        budget_and_partners="Test partners.",
    )
    factories.NewsPostFactory()
    factories.DocumentFactory(symbol="TEST/2030/1")


# -- the seed content: every question and action of the sources finds its session ---------------


@pytest.mark.django_db
def test_every_seed_question_finds_its_session(client, seeds):
    questions = list(DiscussionQuestion.objects.public().select_related("session"))
    assert len(questions) >= 10
    for question in questions:
        links, status, _ = results(client, q=question.text, kind="questions")
        assert question.get_absolute_url() in links, (question.text, status)


@pytest.mark.django_db
def test_a_seed_session_is_found_by_the_words_of_the_actions_it_serves(client, seeds):
    served = [
        (session, action)
        for session in Session.objects.public().prefetch_related("actions")
        for action in session.actions.all()
        if action.text
    ]
    assert served
    for session, action in served:
        words = " ".join(action.text.split()[:8])
        links, status, _ = results(client, q=words, kind="sessions")
        assert session.get_absolute_url() in links, (action, status)


# -- what a delegate finds -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_is_found_by_words_of_its_title_with_them_marked(client, meeting):
    session = a_session(meeting, "How the test community keeps its promise to survivors")
    links, status, html = results(client, q="promise survivors")
    assert session.get_absolute_url() in links
    assert re.search(r"<mark>survivors</mark>", html, re.I)
    assert "result" in status


@pytest.mark.django_db
def test_results_are_grouped_by_kind_with_counts(client, survivors):
    _, status, html = results(client, q="survivors")
    headings = re.findall(r'<h2 id="kind-([\w-]+)">([^<]+) <span class="count">\((\d+)\)', html)
    kinds = [key for key, _, _ in headings]
    assert {"sessions", "questions"} <= set(kinds)
    assert kinds == [k.key for k in search.KINDS if k.key in kinds]  # the kinds' order
    total = sum(int(count) for _, _, count in headings)
    assert status.startswith(f"{total} results")


@pytest.mark.django_db
def test_a_word_found_more_often_than_ranked_ranks_the_newest_and_says_there_are_more(
    client, meeting, monkeypatch
):
    monkeypatch.setattr(search, "RANKED", 2)
    sessions = [
        a_session(
            meeting, f"Test day {n} for survivors", date=meeting.start_date + datetime.timedelta(n)
        )
        for n in range(4)
    ]
    links, status, html = results(client, q="survivors", kind="sessions")
    assert status.startswith("More than 2 results for")
    assert "only the 2 newest are counted" in " ".join(html.split())
    # The newest two, and the one more that tells there are more; never the oldest.
    assert links[:3] and set(links) == {s.get_absolute_url() for s in sessions[1:]}
    _, status, html = results(client, q="survivors")
    assert 'Sessions <span class="count">(more than 2)</span>' in html
    assert "The 2 newest sessions found" in html
    monkeypatch.setattr(search, "RANKED", 4)
    links, status, html = results(client, q="survivors", kind="sessions", page=1)
    assert status.startswith("4 results for") and "newest are counted" not in html


@pytest.mark.django_db
def test_search_asks_the_same_queries_whether_or_not_a_kind_finds_anything(
    client, survivors, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page rendered, not read from the cache

    def queries_of(words):
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": words})
        return len(captured)

    # The filters, a query a kind and the count of every change: documents are looked for
    # among the public library's, read by the first search after a change and kept.
    assert queries_of("survivors") == 4 + len(search.KINDS)
    assert queries_of("survivors") == queries_of("Zanzibarian") == 3 + len(search.KINDS)


@pytest.mark.django_db
def test_each_kind_finds_its_candidates_once_and_counts_them_all_while_showing_a_few(
    client, meeting, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    sessions = [
        a_session(meeting, f"Test session {n} for survivors") for n in range(search.PER_KIND + 2)
    ]
    with CaptureQueriesContext(connection) as captured:
        links, status, html = results(client, q="survivors")
    assert 'Sessions <span class="count">(5)</span>' in html
    shown = {s.get_absolute_url() for s in sessions} & set(links)
    assert len(shown) == search.PER_KIND
    # The newest matches are looked for once a kind: not again in a subquery counting them.
    session_query = next(
        q["sql"]
        for q in captured
        if "ts_headline" in q["sql"] and '"meetings_session"."title"' in q["sql"]
    )
    assert session_query.count('"meetings_session"."id" = ANY(ARRAY(') == 1
    # The actions matching are found once, first, for the walk of the sessions serving them,
    # and once for the rank, which probes each candidate's links for them: never the set of
    # every session serving them, read whole (thousands of links on the archive).
    assert session_query.count('"action_id" = ANY(ARRAY(') == 2
    assert '"meetings_session"."id" IN (SELECT' not in session_query
    assert "COUNT(*) FROM (" not in session_query
    assert "COUNT(*) OVER ()" in session_query
    # The page of sessions alone counts as many.
    _, status, _ = results(client, q="survivors", kind="sessions")
    assert status.startswith("5 results for")


# -- hostile and odd queries ----------------------------------------------------------------------

HOSTILE = [
    '"unclosed quote',
    "'; DROP TABLE meetings_session; --",
    "survivors & | ! : * ( ) <-> \\",
    "-survivors",
    "survivors OR or AND NOT",
    "réadaptation psychosociale àéîõü",
    "x" * 10_000,
    "!!! ??? ...",
    "a\x00b",
    "\u202esurvivors",
    "<script>alert(1)</script>",
    "%_%",
    "the of and",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_query_gives_results_or_a_clear_nothing_found(client, survivors, query):
    links, status, html = results(client, q=query)
    assert status, "the page always says what it found"
    assert links or "Nothing found" in status or "Type a word" in status
    assert "<script>alert(1)</script>" not in html


@pytest.mark.django_db
def test_a_query_of_only_punctuation_asks_for_a_word(client, survivors):
    _, status, _ = results(client, q="?!... --- ***")
    assert status.startswith("Type a word to search for")


@pytest.mark.django_db
def test_a_very_long_query_is_cut_and_says_so(client, survivors):
    _, once, _ = results(client, q="survivors")
    _, status, html = results(client, q="survivors " * 2000)
    assert "only its first 200 characters were searched" in html
    assert "results" in status and status.split()[0] == once.split()[0]  # the same finds


def test_cleaning_removes_control_and_bidi_characters():
    query = search.clean_query("  sur\x00vi\u202evors\r\n  and\tmore ")
    assert query.text == "sur vi vors and more"
    assert not query.truncated
    assert search.clean_query("x" * 201).truncated


@pytest.mark.django_db
def test_bad_filter_values_and_page_numbers_are_ignored(client, survivors):
    for params in [
        {"convention": "\x00", "year": "2012'--", "kind": "../etc", "page": "-1"},
        {"year": "99999999999999999999", "page": "1e9"},
        {"kind": "sessions", "page": "999999"},
        {"year": "²"},  # a digit to str.isdigit(), not to int()
        {"year": "9" * 5000, "kind": "sessions", "page": "9" * 5000},
    ]:
        links, status, _ = results(client, q="survivors", **params)
        assert links, (params, status)


# -- what is found, what is not -------------------------------------------------------------------


@pytest.mark.django_db
def test_drafts_and_everything_inside_them_are_never_found(client, meeting):
    hidden = factories.MeetingFactory(
        convention=meeting.convention, title="Zanzibarian draft meeting", status=Status.DRAFT
    )
    session = a_session(hidden, "Zanzibarian session")
    factories.DiscussionQuestionFactory(session=session, text="Zanzibarian question?")
    factories.NewsPostFactory(title="Zanzibarian news", status=Status.DRAFT)
    links, status, _ = results(client, q="zanzibarian")
    assert links == [] and "Nothing found" in status

    hidden.status = Status.PUBLISHED
    hidden.save()
    Programme.objects.filter(meeting=hidden).update(status=Status.PUBLISHED)
    links, _, _ = results(client, q="zanzibarian")
    assert hidden.get_absolute_url() in links
    assert session.get_absolute_url() in links


@pytest.mark.django_db
def test_a_visitor_finds_a_document_while_it_is_public_and_only_then(client, meeting):
    """A visitor's documents are looked for among the public library's ids, kept until the
    content changes: a change of what shows a document is seen by the next search."""
    hidden = factories.MeetingFactory(
        convention=meeting.convention, title="A meeting", status=Status.DRAFT
    )
    document = factories.DocumentFactory(title="Zanzibarian report", meeting=hidden)

    def found():
        with CaptureQueriesContext(connection) as captured:
            links, _, _ = results(client, q="zanzibarian", kind="documents")
        searched = [q["sql"] for q in captured if "ts_headline" in q["sql"]]
        # The public rule (EXISTS over five tables) is not built nor planned for it.
        assert len(searched) == 1 and "EXISTS" not in searched[0], searched
        return document.get_absolute_url() in links

    assert not found()
    hidden.status = Status.PUBLISHED
    hidden.save()
    assert found()
    hidden.status = Status.DRAFT
    hidden.save()
    assert not found()
    # Staff without the right to view drafts read what visitors read.
    staff = Client()
    staff.force_login(factories.UserFactory(is_staff=True))
    assert document.get_absolute_url() not in results(staff, q="zanzibarian", kind="documents")[0]
    # Staff who may view drafts find it, through the rule itself.
    editor = Client()
    editor.force_login(factories.EditorFactory())
    assert document.get_absolute_url() in results(editor, q="zanzibarian", kind="documents")[0]


@pytest.mark.django_db
def test_a_session_is_found_by_its_questions_and_actions_as_they_are_edited(client, meeting):
    session = a_session(meeting, "Plain title")
    url = session.get_absolute_url()

    def found():
        return url in results(client, q="zanzibarian", kind="sessions")[0]

    assert not found()
    question = factories.DiscussionQuestionFactory(session=session, text="Zanzibarian question?")
    assert found()
    DiscussionQuestion.objects.filter(pk=question.pk).update(text="Another question?")
    factories.show_published(session.programme)
    assert not found()
    action = factories.ActionFactory(title="An action")
    session.actions.add(action)
    factories.show_published(session.programme)
    assert not found()
    # An action's own words: the published copy's session serves the same action.
    Action.objects.filter(pk=action.pk).update(text="Zanzibarian text of the action.")
    assert found()
    session.actions.clear()
    factories.show_published(session.programme)
    assert not found()


@pytest.mark.django_db
def test_markup_in_content_is_shown_as_text_with_the_match_marked(client, meeting):
    a_session(meeting, "<img src=x onerror=alert(1)> Zanzibarian", purpose="**Zanzibarian** aim")
    _, _, html = results(client, q="zanzibarian")
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>Zanzibarian</mark>" in html
    assert "**" not in html.split('id="kind-sessions"')[1]


@pytest.mark.django_db
def test_filters_by_convention_and_year(client, meeting):
    later = factories.MeetingFactory(
        convention=factories.ConventionFactory(short_name="CCM"),
        start_date=datetime.date(2031, 9, 1),
        end_date=datetime.date(2031, 9, 3),
    )
    first = a_session(meeting, "Zanzibarian one")
    second = a_session(later, "Zanzibarian two")
    links, _, _ = results(client, q="zanzibarian", kind="sessions")
    assert set(links) == {first.get_absolute_url(), second.get_absolute_url()}
    assert results(client, q="zanzibarian", kind="sessions", convention="CCM")[0] == [
        second.get_absolute_url()
    ]
    assert results(client, q="zanzibarian", kind="sessions", year="2030")[0] == [
        first.get_absolute_url()
    ]
    links, status, _ = results(client, q="zanzibarian", convention="CCM", year="2030")
    assert links == [] and "with these filters" in status


@pytest.mark.django_db
def test_one_kind_is_paginated(client, meeting):
    sessions = [a_session(meeting, f"Zanzibarian {n}", slug=f"s{n}") for n in range(25)]
    links, status, html = results(client, q="zanzibarian")
    assert len(links) == search.PER_KIND
    assert "All 25 sessions found" in html

    first, _, html = results(client, q="zanzibarian", kind="sessions")
    assert len(first) == search.PER_PAGE
    assert "Page 1 of 2" in html and 'rel="next"' in html
    second, _, html = results(client, q="zanzibarian", kind="sessions", page="2")
    assert len(second) == 5 and 'rel="prev"' in html
    assert set(first) | set(second) == {s.get_absolute_url() for s in sessions}


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_body_match(client, meeting):
    body = a_session(meeting, "Other", slug="body", purpose="Zanzibarian in the purpose only")
    title = a_session(meeting, "Zanzibarian in the title", slug="title")
    links, _, _ = results(client, q="zanzibarian", kind="sessions")
    assert links == [title.get_absolute_url(), body.get_absolute_url()]


@pytest.mark.django_db
def test_actions_without_a_title_are_listed_by_number(client):
    action = factories.ActionFactory(title="", text="Test words of an action, quoted in full.")
    _, _, html = results(client, q=" ".join(action.text.split()[:6]), kind="actions")
    assert f"{action.plan.name}, Action #{action.number}" in html
    action.plan.name_fr = "Plan d’action d’essai"
    action.plan.save()
    french = client.get("/fr/search/", {"q": "Test words of an action", "kind": "actions"})
    assert f"Plan d’action d’essai, action n° {action.number}" in french.content.decode()


# -- PostgreSQL's indexes and the stored words ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("one_of_each_kind")
def test_postgresql_uses_each_kinds_index():
    query = search.clean_query("survivors")
    with connection.cursor() as cursor:  # tiny tables: leave the planner only bitmap scans
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
    for kind in search.KINDS:
        plan = kind.model.objects.filter(search_vector=query.tsquery()).explain()
        assert f"search_{kind.model._meta.model_name}" in plan, (kind.key, plan)


# The column of words the database keeps from other tables, added to a model's stored vector.
WORDS_KEPT = {
    Session: "question_words",
    Action: "plan_words",
    Meeting: "holder_words",
    Programme: "holder_words",
}


@pytest.mark.django_db
@pytest.mark.usefixtures("one_of_each_kind")
def test_the_stored_words_are_those_of_the_fields_each_model_names():
    """What PostgreSQL stores in `search_vector` is what `Searched` says the model is found by
    (and the words kept from other tables: a session's questions and speakers, an action's
    plan and number, a meeting's or programme's office holders)."""
    for kind in search.KINDS:
        searched = kind.model.searched
        parts = [
            SearchVector(*searched.with_translations(names), weight=weight, config="english")
            for names, weight in ((searched.title, "A"), (searched.body, "B"))
            if names
        ]
        expected = parts[0] if len(parts) == 1 else parts[0] + parts[1]
        if kind.model in WORDS_KEPT:
            expected = Func(
                expected,
                F(WORDS_KEPT[kind.model]),
                arg_joiner=" || ",
                template="(%(expressions)s)",
                output_field=SearchVectorField(),
            )
        pairs = kind.model.objects.annotate(
            computed=Cast(expected, TextField()), stored=Cast("search_vector", TextField())
        ).values_list("computed", "stored")
        assert pairs, kind.key
        for computed, stored in pairs:
            assert computed == stored, kind.key


@pytest.mark.django_db
def test_the_stored_words_follow_an_edit(meeting):
    session = a_session(meeting, "Test session")
    assert not results(Client(), q="zanzibarian")[0]
    Session.objects.filter(pk=session.pk).update(purpose="Now Zanzibarian.")  # no save() signal
    assert Session.objects.filter(pk=session.pk, search_vector="zanzibarian").exists()
    factories.show_published(session.programme)
    assert results(Client(), q="zanzibarian")[0] == [session.get_absolute_url()]


@pytest.mark.django_db
def test_a_sessions_question_words_are_those_of_its_questions_after_every_kind_of_edit(meeting):
    session, other, _ = [a_session(meeting, f"Test session {n}") for n in range(3)]
    for target in (session, other):
        factories.DiscussionQuestionFactory.create_batch(2, session=target)
    factories.DiscussionQuestionFactory(session=session, text="Zanzibarian question?")
    DiscussionQuestion.objects.filter(session=session).first().delete()
    DiscussionQuestion.objects.filter(session=session).update(text="Retitled question?")
    DiscussionQuestion.objects.filter(session=session).update(session=other)  # moved
    Session.objects.filter(pk=session.pk).update(question_words="stale")  # a stale write
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE question_words::text <> "
            "meetings_question_words(id)::text) FROM meetings_session"
        )
        sessions, wrong = cursor.fetchone()
    assert sessions == 2 * 3 and wrong == 0  # in the working copy and the published copy
    assert Session.objects.filter(pk=other.pk, search_vector="retitled").exists()


@pytest.mark.django_db
def test_saving_an_action_rewrites_none_of_the_sessions_it_serves(meeting):
    """An action serves thousands of sessions in an archive: its words stay in its own row,
    and search finds its sessions through the links."""
    action = factories.ActionFactory()
    for n in range(3):
        a_session(meeting, f"Test session {n}", actions=[action])

    def row_versions():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.xmin::text FROM meetings_session s JOIN meetings_session_actions l "
                "ON l.session_id = s.id WHERE l.action_id = %s ORDER BY s.id",
                [action.pk],
            )
            return [row[0] for row in cursor.fetchall()]

    before = row_versions()
    assert len(before) == 2 * 3  # in the working copy and the published copy
    action.title = "Zanzibarian action"
    action.save()
    assert row_versions() == before
    session = action.sessions.first()
    assert session.get_absolute_url() in results(Client(), q="zanzibarian", kind="sessions")[0]


@pytest.mark.django_db
def test_pages_do_not_read_the_stored_words(meeting):
    """Only the database reads them: a row loaded for a page comes without them."""
    a_session(meeting, "Test session", actions=[factories.ActionFactory()])
    session = Session.objects.first()
    assert {"search_vector", "question_words"} <= session.get_deferred_fields()
    assert {"search_vector", "plan_words"} <= Action.objects.first().get_deferred_fields()
    for row in (Meeting.objects.first(), Programme.objects.first()):
        assert {"search_vector", "holder_words"} <= row.get_deferred_fields()


@pytest.mark.parametrize(
    ("prefix", "line"),
    [
        ("", "A question for experts of States Parties"),
        ("/fr", "Question adressée aux experts des États parties"),
        ("/es", "Pregunta dirigida a los expertos de los Estados Partes"),
    ],
)
def test_a_questions_line_names_its_audience_in_a_sentence_keeping_its_capitals(
    client, meeting, prefix, line
):
    session = a_session(meeting, "Test session")
    factories.DiscussionQuestionFactory(
        session=session,
        text="Zanzibarian question?",
        audience=DiscussionQuestion.Audience.STATES_PARTIES,
    )
    response = client.get(prefix + "/search/", {"q": "Zanzibarian", "kind": "questions"})
    html = response.content.decode()
    assert f'<span class="meta">{line}, ' in html


# -- results in the page's language ----------------------------------------------------------------


def _result(html, url):
    """The <li> of the result linking `url` on a search page."""
    item = re.search(
        rf'<li>\s*<a class="result-title" href="{re.escape(url)}">.*?</li>', html, re.S
    )
    assert item, url
    return item.group()


@pytest.mark.django_db
def test_a_french_search_shows_titles_and_snippets_in_french_and_marks_the_english_left(
    client, meeting
):
    meeting.title_fr = "Réunions intersessions de mai 2030"
    meeting.save()
    translated = a_session(
        meeting,
        "Zanzibarian session",
        title_fr="Séance de Zanzibar",
        purpose="*Zanzibarian* aim, [a link](https://example.org/).",
        purpose_fr="Objectif *zanzibarien*, avec [un lien](https://example.org/).",
    )
    english = a_session(meeting, "Zanzibarian workshop", purpose="**Zanzibarian** aim.")
    factories.show_published(translated.programme)
    links, _status, html = results(client, q="zanzibarian")
    french = client.get("/fr/search/", {"q": "zanzibarian"}).content.decode()

    shown = _result(french, "/fr" + translated.get_absolute_url())
    assert "Séance de Zanzibar" in shown and "Zanzibarian session" not in shown
    assert "Objectif zanzibarien, avec un lien." in shown  # the Markdown read as text
    assert "Réunions intersessions de mai 2030" in shown  # where it belongs, in French too
    assert '<span lang="en" data-untranslated><mark>Zanzibarian</mark> workshop</span>' in (
        _result(french, "/fr" + english.get_absolute_url())
    )
    assert '<p class="snippet"><span lang="en" data-untranslated><mark>Zanzibarian' in french
    assert '<span lang="en" data-untranslated>Programme</span>' in french  # no French title
    assert 'class="untranslated-note"' in french
    assert "lang=" not in _result(html, english.get_absolute_url())  # English on English pages
    assert "untranslated-note" not in html


@pytest.mark.django_db
def test_a_french_or_spanish_word_of_a_translation_finds_its_result(client, meeting):
    """Titles, texts and a session's questions are found by their translations' words too
    (stemmed as English words are: a word and its plural)."""
    session = a_session(meeting, "Test session", title_fr="Séance sur la réadaptation")
    factories.DiscussionQuestionFactory(session=session, text="Who?", text_es="¿Quién financia?")
    untranslated = a_session(meeting, "Test session two")
    factories.show_published(session.programme)
    assert results(client, q="réadaptation")[0] == [session.get_absolute_url()]
    found = results(client, q="financia")[0]
    assert session.get_absolute_url() in found  # the session, and its question
    assert any(link.startswith(session.get_absolute_url() + "#question-") for link in found)
    DiscussionQuestion.objects.filter(session__title="Test session").update(text_es="¿Quién paga?")
    assert results(client, q="financia")[0] == []  # the words follow an edit of a translation
    assert untranslated.get_absolute_url() not in results(client, q="réadaptation")[0]


# -- found by what their pages name: an action's plan, a session's presenters, office holders -----


def links_in(client, prefix, query, **params):
    """The result links of the search page in the language of `prefix` ("", "/fr", "/es")."""
    response = client.get(f"{prefix}/search/", {"q": query, **params})
    assert response.status_code == 200
    return re.findall(r'<a class="result-title" href="([^"]+)">', response.content.decode())


@pytest.fixture
def cartagena():
    """The Cartagena Action Plan with its French and Spanish names, its actions #30 and #31,
    and another plan's action #31: {name: action}."""
    plan = factories.ActionPlanFactory(
        name="Cartagena Action Plan",
        short_name="CAP",
        slug="cartagena-action-plan",
        name_fr="Plan d'action de Carthagène",
        name_es="Plan de Acción de Cartagena",
    )
    other = factories.ActionPlanFactory(name="Lausanne Action Plan", short_name="LAP")
    return {
        "CAP #31": factories.ActionFactory(plan=plan, number=31, title=""),
        # A title without a number: the factory's ("Test action title 31") could match "31".
        "CAP #30": factories.ActionFactory(plan=plan, number=30, title="Test action title"),
        "LAP #31": factories.ActionFactory(plan=other, number=31),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "query"),
    [
        ("", "Cartagena 31"),
        ("", "CAP 31"),
        ("", "action 31 Cartagena"),
        ("/fr", "Carthagène 31"),
        ("/fr", "Plan d'action de Carthagène action 31"),
        ("/es", "medida 31 Cartagena"),
        ("/es", "Cartagena 31"),
    ],
)
def test_an_action_is_found_by_its_plans_name_and_its_number_in_each_language(
    client, cartagena, prefix, query
):
    links = links_in(client, prefix, query, kind="actions")
    assert links == [prefix + cartagena["CAP #31"].get_absolute_url()]


@pytest.mark.django_db
def test_an_actions_plan_words_follow_its_plans_names_and_its_number(client, cartagena):
    action = cartagena["CAP #31"]
    plan = action.plan
    plan.name_es = "Plan de Acción de Cartagena de Indias"
    plan.save()
    assert links_in(client, "/es", "Indias 31", kind="actions") == [
        "/es" + action.get_absolute_url()
    ]
    Action.objects.filter(pk=action.pk).update(number=29)  # no save() signal
    assert links_in(client, "", "Cartagena 31", kind="actions") == []
    assert links_in(client, "", "Cartagena 29", kind="actions") == [
        Action.objects.select_related("plan").get(pk=action.pk).get_absolute_url()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM meetings_action "
            "WHERE plan_words::text <> meetings_action_words(plan_id, number)::text"
        )
        assert cursor.fetchone()[0] == 0


@pytest.fixture
def icrc():
    return factories.OrganisationFactory(
        name="International Committee of the Red Cross",
        acronym="ICRC",
        name_fr="Comité international de la Croix-Rouge",
        acronym_fr="CICR",
        name_es="Comité Internacional de la Cruz Roja",
        acronym_es="CICR",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "query", "expected"),
    [
        ("", "Tardif", "presented"),
        ("", "Bailey", "presented"),
        ("", "ICRC", "presented"),
        ("/fr", "CICR", "presented"),
        ("/fr", "Croix-Rouge", "presented"),
        ("/es", "CICR", "presented"),
        ("/es", "Cruz Roja", "presented"),
        ("", "Landmine Monitor", "by a person of"),  # a presenter's own organisation
        ("", "Mozambique", "by a delegation"),  # a statement's delegation
    ],
)
def test_a_session_is_found_by_its_presenters_and_the_organisations_presenting(
    client, meeting, icrc, prefix, query, expected
):
    presented = a_session(meeting, "Test session one")
    factories.PresentationFactory(
        session=presented,
        presenters=[
            factories.PersonFactory(name="Claude Tardif", organisation=icrc),
            factories.PersonFactory(name="Sheree Bailey"),
        ],
        organisations=[icrc],
    )
    monitor = factories.OrganisationFactory(name="Landmine Monitor", acronym="")
    by_a_person_of = a_session(meeting, "Test session two")
    factories.PresentationFactory(
        session=by_a_person_of, presenters=[factories.PersonFactory(organisation=monitor)]
    )
    by_a_delegation = a_session(meeting, "Test session three")
    factories.PresentationFactory(
        session=by_a_delegation,
        kind="statement",
        delegation_state=factories.StateFactory(iso_code="MZ"),
    )
    sessions = {
        "presented": presented,
        "by a person of": by_a_person_of,
        "by a delegation": by_a_delegation,
    }
    factories.show_published(presented.programme)
    links = links_in(client, prefix, query, kind="sessions")
    assert links == [prefix + sessions[expected].get_absolute_url()]


@pytest.mark.django_db
def test_a_sessions_speaker_words_are_those_of_its_presentations_after_every_kind_of_edit(
    meeting, icrc
):
    session, other = a_session(meeting, "Test session"), a_session(meeting, "Test session 2")
    person = factories.PersonFactory(name="Claude Tardif")
    presentation = factories.PresentationFactory(
        session=session, presenters=[person], organisations=[icrc]
    )
    factories.PresentationFactory(session=other, presenters=[factories.PersonFactory()])
    factories.show_published(session.programme)

    def words_right():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE question_words::text <> "
                "meetings_question_words(id)::text) FROM meetings_session"
            )
            return cursor.fetchone()[0] == 0

    def found(query):
        return Session.objects.filter(search_vector=search.clean_query(query).tsquery())

    assert found("Tardif").count() == 2  # in the working copy and the published copy
    Person.objects.filter(pk=person.pk).update(name="Claude Tardif-Renamed")
    assert found("Renamed").count() == 2 and words_right()
    type(icrc).objects.filter(pk=icrc.pk).update(acronym_fr="XCICR")
    assert found("XCICR").count() == 2 and words_right()
    presentation.organisations.clear()
    presentation.presenters.remove(person)
    assert not found("XCICR").filter(pk=session.pk).exists()
    assert not found("Renamed").filter(pk=session.pk).exists() and words_right()
    presentation.presenters.add(person)
    presentation.__class__.objects.filter(pk=presentation.pk).update(session=other)  # moved
    assert list(found("Renamed").filter(programme=session.programme)) == [other]
    presentation.delete()
    Session.objects.filter(pk=other.pk).update(question_words="stale")  # a stale write
    assert not found("Renamed").filter(programme=session.programme).exists() and words_right()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "query"),
    [("", "Kimpton"), ("/fr", "Kimpton"), ("", "Australia"), ("/fr", "Australie")],
)
def test_a_meeting_and_its_programme_are_found_by_their_office_holders(
    client, meeting, prefix, query
):
    australia = factories.StateFactory(iso_code="AU")
    holder = factories.MandateFactory(
        convention=meeting.convention,
        meeting=meeting,
        state=australia,
        person=factories.PersonFactory(name="Philip Kimpton"),
    )
    programme = a_session(meeting, "Test session").programme
    programme.convened_by.add(holder)
    factories.show_published(programme)
    assert links_in(client, prefix, query, kind="meetings") == [prefix + meeting.get_absolute_url()]
    assert links_in(client, prefix, query, kind="programmes") == [
        prefix + programme.get_absolute_url()
    ]


@pytest.mark.django_db
def test_the_holder_words_are_those_of_the_holders_after_every_kind_of_edit(meeting):
    person = factories.PersonFactory(name="Philip Kimpton")
    holder = factories.MandateFactory(convention=meeting.convention, meeting=meeting, person=person)
    programme = a_session(meeting, "Test session").programme
    programme.convened_by.add(holder)
    factories.show_published(programme)

    def words_right():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM meetings_meeting WHERE holder_words::text <> "
                "meetings_meeting_holder_words(id)::text) + (SELECT count(*) FROM "
                "meetings_programme WHERE holder_words::text <> "
                "meetings_programme_holder_words(id)::text)"
            )
            return cursor.fetchone()[0] == 0

    def found(query):
        tsquery = search.clean_query(query).tsquery()
        return (
            Meeting.objects.filter(search_vector=tsquery).count(),
            Programme.objects.filter(search_vector=tsquery).count(),
        )

    assert found("Kimpton") == (1, 2) and words_right()  # the working and published copies
    Person.objects.filter(pk=person.pk).update(name="Philip Renamed")
    assert found("Renamed") == (1, 2) and words_right()
    State.objects.filter(pk=holder.state_id).update(other_names="Zanzibaria")
    assert found("Zanzibaria") == (1, 2) and words_right()
    type(holder).objects.filter(pk=holder.pk).update(person=None)
    assert found("Renamed") == (0, 0) and found("Zanzibaria") == (1, 2) and words_right()
    programme.convened_by.clear()
    assert found("Zanzibaria") == (1, 1) and words_right()  # the published copy's still
    Meeting.objects.filter(pk=meeting.pk).update(holder_words="stale")  # a stale write
    holder.delete()
    assert found("Zanzibaria") == (0, 0) and words_right()


@pytest.mark.django_db
def test_a_draft_is_not_found_by_its_presenters_nor_its_office_holders(client, meeting):
    hidden = factories.MeetingFactory(convention=meeting.convention, status=Status.DRAFT)
    factories.MandateFactory(
        convention=meeting.convention,
        meeting=hidden,
        person=factories.PersonFactory(name="Philip Kimpton"),
    )
    factories.PresentationFactory(
        session=a_session(hidden, "Test session"),
        presenters=[factories.PersonFactory(name="Claude Tardif")],
    )
    draft = factories.ProgrammeFactory(meeting=meeting, status=Status.DRAFT, slug="draft")
    factories.PresentationFactory(
        session=factories.SessionFactory(programme=draft),
        presenters=[factories.PersonFactory(name="Sheree Bailey")],
    )
    for query in ("Kimpton", "Tardif", "Bailey"):
        assert links_in(client, "", query) == [], query
    assert Session.objects.filter(search_vector=search.clean_query("Bailey").tsquery()).exists()
