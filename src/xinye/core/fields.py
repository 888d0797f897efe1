"""Model fields for sensitive values: stored encrypted, read back in clear, masked by the views."""

from django.db import models

from xinye.core import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with XINYE_FIELD_KEY. Pair it with a `<name>_hash` field for lookups.

    `mask` names the masking function (see xinye.core.masking) used wherever the viewer lacks view_sensitive.
    """

    sensitive = True

    def __init__(self, *args, mask: str = "text", **kwargs):
        self.mask = mask
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.mask != "text":
            kwargs["mask"] = self.mask
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value)
