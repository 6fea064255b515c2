"""Work for the task queue's worker (`manage.py db_worker`, started by ./dev serve and ./dev
production): programme PDF renders, which no web request waits for."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from meetings import queries

from . import pdf


@task()
def render_programme_pdf(programme_id, language, force=False):
    """Bring the stored PDF of a programme in a language up to date, and say what happened.

    A failure is recorded on the PDF's row and scheduled again there (pdf.ensure_pdf), so the
    task itself ends normally; `force` tries a failed render again at once (staff asked)."""
    if language not in dict(settings.LANGUAGES):
        return "unknown language"
    programme = queries.programmes_in_full([programme_id]).first()
    if programme is None or not programme.is_public:
        return "not public"  # deleted, or a draft now: it has no public PDF
    with translation.override(language):
        try:
            row = pdf.ensure_pdf(programme, retry_failed=force)
        except pdf.RenderBusy as busy:
            if busy.row is not None:
                # Looked at again once that render should have ended, should its worker stop.
                enqueue_render(
                    programme_id, language, when=busy.row.started_at + pdf.render_bound()
                )
            return "busy"
        except pdf.RenderError as error:
            return f"failed: {error}"
    return "rendered" if row.rendered_now else "current"


def enqueue_render(programme_id, language, force=False, when=None):
    """Queue a render (at `when`, if given); a queue that runs its tasks at once cannot wait, and
    is given no task for later."""
    queued = render_programme_pdf
    if when is not None:
        if not queued.get_backend().supports_defer:
            return None
        queued = queued.using(run_after=when)
    return queued.enqueue(programme_id, language, force)
