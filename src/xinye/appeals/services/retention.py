"""Appeals' retention (`xinye purge`, workers.rules.RETENTION_DEFAULTS["closed_appeals"]): an appeal closed
longer ago than the period keeps what the statistics count — category, limit class, dates, unit, county,
enterprise, outcome and rating — and loses what is about the person: the worker link, the text, the answers,
comments, notes and photos."""

from django.db import transaction
from django.db.models import Q

from xinye.appeals.choices import AppealStatus, EventKind
from xinye.appeals.models import Appeal, AppealEvent, AppealTask
from xinye.appeals.services.loop import _event  # package-private: one event writer
from xinye.orgs.services import require_citywide

__all__ = ["anonymise_closed_appeals"]

RETAINED_TEXT = "（保存期满，内容已删除）"
CLOSED_STATES = (AppealStatus.CLOSED, AppealStatus.VISITED, AppealStatus.RATED, AppealStatus.REJECTED)


@transaction.atomic
def anonymise_closed_appeals(*, actor, before, dry_run: bool = False) -> int:
    """Anonymise every appeal closed (or not accepted) before `before` that is not anonymised yet; returns
    how many (or would be, with `dry_run`). Idempotent: an anonymised appeal carries an ANONYMISED event."""
    require_citywide(actor=actor, action="change", model=Appeal)
    ended = Q(closed_at__lt=before) | Q(closed_at__isnull=True, updated_at__lt=before)
    rows = (
        Appeal.objects.filter(status__in=CLOSED_STATES)
        .filter(ended)
        .exclude(events__kind=EventKind.ANONYMISED)
        .distinct()
    )
    if dry_run:
        return rows.count()
    count = 0
    for appeal in rows.iterator():
        for photo in appeal.photos.all():
            photo.file.delete(save=False)
            photo.delete()
        appeal.worker = None
        appeal.text = RETAINED_TEXT
        appeal.answer = ""
        appeal.rating_comment = ""
        appeal.visit_note = ""
        appeal.reject_reason = ""
        appeal.extension_reason = ""
        appeal.save()
        for task in AppealTask.objects.filter(appeal=appeal):
            if task.answer:
                task.answer = ""
                task.save()
        for event in AppealEvent.objects.filter(appeal=appeal).exclude(note="", public_text=""):
            event.note = ""
            event.public_text = ""
            event.save()
        _event(appeal, EventKind.ANONYMISED, actor=actor, label="保存期限", note="保存期满匿名化")
        count += 1
    return count
