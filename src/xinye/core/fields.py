"""Model fields for sensitive values: stored encrypted, read back in clear, masked by the views."""

from django.db import models

from xinye.core import crypto, uploads


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


class _CheckedFieldFile(models.fields.files.FieldFile):
    """Every way a file reaches storage — a console form, a service's `field.save(name, content)`, the
    demo — passes the field's `clean` first: the checks of core.uploads, photos re-encoded without EXIF,
    a random stored name (no personal data in the file's URL)."""

    def save(self, name, content, save=True):
        if not getattr(content, "name", None):
            content.name = name  # the extension the caller gave is checked against the bytes
        # a CleanFile was checked and cleaned already (uploads.clean_photos, before the caller wrote anything)
        cleaned = content if isinstance(content, uploads.CleanFile) else self.field.clean_upload(content)
        super().save(cleaned.name, cleaned, save)


class _CheckedFileField(models.FileField):
    attr_class = _CheckedFieldFile

    def deconstruct(self):
        # the checks are code, not schema: the migrations keep seeing a plain FileField
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and not getattr(value, "_committed", True):
            self.check_upload(value.file)


class PhotoField(_CheckedFileField):
    """A photo: JPEG, PNG or WebP, checked by its bytes and decoded, stored re-encoded without EXIF."""

    def check_upload(self, file):
        uploads.check_image(file, label=str(self.verbose_name))

    def clean_upload(self, file):
        return uploads.clean_image(file, label=str(self.verbose_name))


class DocumentField(_CheckedFileField):
    """An attached document (PDF, OFD, Word, Excel or a photo), checked by extension, bytes and size;
    a photo among them is re-encoded without EXIF like any other."""

    def check_upload(self, file):
        uploads.check_document(file, label=str(self.verbose_name))

    def clean_upload(self, file):
        return uploads.clean_document(file, label=str(self.verbose_name))
