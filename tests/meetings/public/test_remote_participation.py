"""Following a programme or session from afar, on its pages: the link to follow it remotely (a
session's own, else its programme's), whether it is hybrid, its interpretation languages named
in the page's language, and its recordings; all as the published revision has them, never the
working copy's."""

import re

import factories
import pytest
from bs4 import BeautifulSoup

from meetings.models import Recording, Session
from meetings.publishing import revisions

WEB_TV = "https://webtv.un.org/en/schedule/2030-05-22"
NBSP = "\u00a0"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    # Runs of ASCII white space only: a no-break space is part of the French typography tested.
    return re.sub(r"[ \t\r\n]+", " ", element.get_text(" ", strip=True))


@pytest.fixture
def followed(programme, make_session, editor):
    """A hybrid programme on UN Web TV, interpreted into English, French and Spanish, with a
    session recorded (video, the floor's audio, the French interpretation's), published."""
    programme.remote_url = WEB_TV
    programme.hybrid = True
    programme.interpretation = ["es", "en", "fr"]  # kept in the UN's order
    programme.save()
    session = make_session(1, title="Session one")
    for kind, language in (("audio", "fr"), ("video", "floor"), ("audio", "floor")):
        Recording.objects.create(
            session=session,
            kind=kind,
            language=language,
            url=f"https://conf.unog.ch/digitalrecordings/{kind}-{language}",
        )
    revisions.publish(programme, "First.", editor)
    return session


def remote_section(soup):
    section = soup.find("section", class_="remote")
    assert section is not None
    return section


def test_the_programme_keeps_its_interpretation_in_the_un_order(followed):
    assert followed.programme.interpretation == ["en", "fr", "es"]


def test_a_session_page_in_french_shows_how_to_follow_it_and_its_recordings(client, followed):
    soup = page(client, "/fr" + followed.get_absolute_url())
    section = remote_section(soup)
    link = section.find("a")
    # The session has no link of its own: its programme's, said with its purpose.
    assert link["href"] == WEB_TV
    assert text(link) == "Suivre cette séance à distance"
    items = [text(li) for li in section.find_all("li")]
    assert f"Format hybride{NBSP}: dans la salle et en ligne" in items
    assert f"Interprétation{NBSP}: anglais, français et espagnol" in items
    heading = soup.find(id=f"recordings-{followed.slug}")
    assert text(heading) == "Enregistrements"
    links = heading.find_next("ul", class_="recordings").find_all("a")
    assert [text(a) for a in links] == [
        "Vidéo (UN Web TV)",
        "Audio en langue originale (portail des enregistrements numériques de l'ONU à Genève)",
        "Audio de l'interprétation en français (portail des enregistrements numériques de "
        "l'ONU à Genève)",
    ]
    assert [a.get("hreflang") for a in links] == [None, None, "fr"]
    assert links[0]["href"] == "https://conf.unog.ch/digitalrecordings/video-floor"


def test_a_programme_page_in_spanish_shows_how_to_follow_it(client, followed):
    soup = page(client, "/es" + followed.programme.get_absolute_url())
    section = remote_section(soup)
    assert text(section.find("h2")) == "Participación a distancia"
    link = section.find("a")
    assert (link["href"], text(link)) == (WEB_TV, "Seguir este programa a distancia")
    items = [text(li) for li in section.find_all("li")]
    assert "Modalidad híbrida: en la sala y en línea" in items
    assert "Interpretación: inglés, francés y español" in items
    recordings = soup.find(id=f"recordings-{followed.slug}")
    assert text(recordings) == "Grabaciones"


def test_a_session_with_a_link_of_its_own_shows_it_and_not_its_programmes(client, followed, editor):
    working = Session.objects.get(pk=followed.pk)
    working.remote_url = "https://webtv.un.org/en/asset/k1own"
    working.hybrid = False
    working.interpretation = ["ar"]
    working.save()
    revisions.publish(working.programme, "Own link.", editor)
    soup = page(client, followed.get_absolute_url())
    section = remote_section(soup)
    assert section.find("a")["href"] == "https://webtv.un.org/en/asset/k1own"
    items = [text(li) for li in section.find_all("li")]
    assert "Hybrid: in the room and online" not in items
    assert "Interpretation: Arabic" in items
    programme_page = page(client, followed.programme.get_absolute_url())
    own = programme_page.find(id=f"session-{followed.slug}").find("p", class_="remote-link")
    assert own.find("a")["href"] == "https://webtv.un.org/en/asset/k1own"


def test_a_recording_added_to_the_working_copy_shows_only_once_published(client, followed, editor):
    Recording.objects.create(
        session=followed, kind="audio", language="ar", url="https://conf.unog.ch/ar"
    )
    url = followed.get_absolute_url()
    for shown in (url, followed.programme.get_absolute_url()):
        assert "https://conf.unog.ch/ar" not in client.get(shown).content.decode()
    revisions.publish(followed.programme, "Arabic audio.", editor)
    assert "https://conf.unog.ch/ar" in client.get(url).content.decode()


def test_the_changes_page_says_a_recording_was_added_in_french(client, followed, editor):
    Recording.objects.create(
        session=followed, kind="audio", language="ar", url="https://conf.unog.ch/ar"
    )
    revisions.publish(followed.programme, "Arabic audio.", editor)
    soup = page(client, "/fr" + followed.programme.get_absolute_url() + "changes/")
    # The title is the English standing in, in a span of its own: the text as written around it.
    said = [li.get_text().strip() for li in soup.select("ul.changes li")]
    assert (
        f"Enregistrement ajouté à «{NBSP}Session one{NBSP}»{NBSP}: Audio (portail des "
        "enregistrements numériques de l'ONU à Genève), arabe (https://conf.unog.ch/ar)."
    ) in said


def test_a_programme_without_remote_participation_shows_no_section(client, make_session, editor):
    session = make_session(1)
    revisions.publish(session.programme, "First.", editor)
    soup = page(client, session.get_absolute_url())
    assert soup.find("section", class_="remote") is None
    assert soup.find(id=f"recordings-{session.slug}") is None


def test_a_draft_programmes_recordings_are_nowhere_public(client, meeting):
    draft = factories.ProgrammeFactory(meeting=meeting, status="draft", remote_url=WEB_TV)
    session = factories.SessionFactory(programme=draft)
    factories.RecordingFactory(session=session, url="https://webtv.un.org/en/asset/draft")
    assert not Recording.objects.public().filter(url="https://webtv.un.org/en/asset/draft")
    assert Recording.objects.not_public().filter(url="https://webtv.un.org/en/asset/draft")
    assert client.get(session.get_absolute_url()).status_code == 404
