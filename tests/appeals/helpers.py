"""Small builders shared by the appeals, hazards and volunteers tests."""

import io
import itertools
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core.images import JPEG, PNG, WEBP  # noqa: F401 — real images: uploads are decoded

_phones = itertools.count(1)


def worker(unit_code="street-kerqin-1-c1", **extra):
    from xinye.orgs.models import OrgUnit
    from xinye.workers.models import Worker

    unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
    n = next(_phones)
    return Worker.objects.create(
        phone=f"139{uuid.uuid4().int % 10**8:08d}",
        name=f"测试骑手{n}",
        unit=unit,
        region=unit.region if unit else extra.pop("region", None),
        **extra,
    )


def key() -> str:
    return uuid.uuid4().hex


def upload(data=PNG, name="photo.png"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stream(data=PNG):
    return io.BytesIO(data)
