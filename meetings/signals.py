"""Every change of content bumps ContentVersion, so cached renderings know to check again.

One UPDATE per save, delete or many-to-many change of any content model. Coarse on purpose:
which programmes a change touches is hard to know (a person's name appears wherever they
present), and a check after a change is cheap: the PDF is rendered again only when the HTML it
comes from differs (meetings/pdf.py).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

BOOKKEEPING = {"ContentVersion", "ProgrammePDF"}


def _is_content(model):
    return model._meta.app_label == "meetings" and model.__name__ not in BOOKKEEPING


def content_changed(sender, **kwargs):
    if _is_content(sender):
        from .models import ContentVersion

        ContentVersion.bump()


def content_m2m_changed(sender, action, instance, **kwargs):
    if action.startswith("post_") and _is_content(type(instance)):
        from .models import ContentVersion

        ContentVersion.bump()


def connect():
    post_save.connect(content_changed, dispatch_uid="meetings_content_saved")
    post_delete.connect(content_changed, dispatch_uid="meetings_content_deleted")
    m2m_changed.connect(content_m2m_changed, dispatch_uid="meetings_content_m2m")
