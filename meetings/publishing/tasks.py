"""Work for the task queue's worker (`manage.py db_worker`, started by ./dev serve and ./dev
production): programme PDF renders and staff previews, which no web request waits for."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from meetings import queries
from meetings.models import ProgrammePDF

from . import pdf


@task()
def render_programme_pdf(programme_id, language, force=False, pdf_id=None):
    """Bring the stored PDF of a programme in a language up to date, and say what happened.

    A failure is recorded on the PDF's row and scheduled again there (pdf.ensure_pdf), so the
    task itself ends normally; `force` tries a failed render again at once (staff asked). A
    task scheduled for the next try of a render (`pdf_id`) does nothing once that render is
    done, or failed with no try due."""
    if language not in dict(settings.LANGUAGES):
        return "unknown language"
    if pdf_id is not None and not force:
        row = ProgrammePDF.objects.filter(pk=pdf_id).first()
        if row is None or row.state == ProgrammePDF.State.DONE:
            return "nothing to do"
        if row.state == ProgrammePDF.State.FAILED and not row.retry_due():
            return "not due"
    programme = queries.programmes_in_full([programme_id]).first()
    if programme is None or not programme.is_published_revision:
        return "not public"  # deleted, a working copy, or a draft now: it has no public PDF
    with translation.override(language):
        try:
            row = pdf.ensure_pdf(programme, retry_failed=force)
        except pdf.RenderBusy as busy:
            if busy.row is not None:
                # Looked at again once that render should have ended, should its worker stop.
                ended = busy.row.started_at + pdf.render_bound()
                enqueue_render(programme_id, language, when=ended, pdf_id=busy.row.pk)
            return "busy"
        except pdf.RenderError as error:
            return f"failed: {error}"
    return "rendered" if row.rendered_now else "current"


def enqueue_render(programme_id, language, force=False, when=None, pdf_id=None):
    """Queue a render (at `when`, if given); a queue that runs its tasks at once cannot wait, and
    is given no task for later."""
    queued = render_programme_pdf
    if when is not None:
        if not queued.get_backend().supports_defer:
            return None
        queued = queued.using(run_after=when)
    return queued.enqueue(programme_id, language, force, pdf_id)


@task()
def render_programme_preview(programme_id, language):
    """Render a staff preview of a programme as it is now, drafts included (pdf.render_preview):
    kept apart from the public PDFs, for the staff who asked."""
    if language not in dict(settings.LANGUAGES):
        return "unknown language"
    programme = queries.programmes_in_full([programme_id]).first()
    if programme is None:
        return "deleted"
    with translation.override(language):
        return pdf.render_preview(programme)


def enqueue_preview(programme_id, language):
    return render_programme_preview.enqueue(programme_id, language)
