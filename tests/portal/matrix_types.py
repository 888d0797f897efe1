from tests.matrix import MatrixType, register
from xinye.workers.models import NoticeKind, PrivacyNotice


def _notice(unit, world):
    """A privacy notice version: city-wide reference data, published only by the city (leak 9)."""
    import uuid

    from django.utils import timezone

    return PrivacyNotice.objects.create(
        kind=NoticeKind.GENERAL,
        version=uuid.uuid4().hex[:8],
        title="测试告知",
        text="……",
        published_at=timezone.now(),
    )


register(MatrixType("workers.privacynotice", _notice))
