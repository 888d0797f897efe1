"""Logging filters, and the error reports' filter: no personal data in either."""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class QuietClientErrors(logging.Filter):
    """A 4xx answer (a 403 for a missing permission, a 404 for a stale QR code) is the client's doing, not the
    server's: keep its one warning line, drop the traceback Django attaches to it. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


# personal data that must never reach a log line or an error report (PIPL; domain.md privacy): resident ID
# numbers and mobile numbers, wherever they appear — a message, an exception's text, a URL, a form field
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d)")
SENSITIVE_FIELDS = re.compile(
    r"id_number|idnumber|phone|mobile|password|code|token|secret|text|answer|address|身份证|手机",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """The text with ID numbers and mobile numbers masked as the console shows them."""
    if not text:
        return text
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class RedactPersonalData(logging.Filter):
    """On every handler: the formatted message and the traceback text of a record, personal data masked.
    Formats the record here (once) so the arguments and the exception cannot bring it back afterwards."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a broken format string is logged as it is, not dropped
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports (the 500 page with DEBUG, mails to admins, Sentry-like reporters): form fields
    that name personal data are hidden outright, and ID and mobile numbers masked in every other value, in
    the URL and in the frames' variables."""

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            if SENSITIVE_FIELDS.search(key):
                cleansed[key] = self.cleansed_substitute
            else:
                cleansed.setlist(key, [redact(str(v)) for v in cleansed.getlist(key)])
        return cleansed

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {k: redact(v) if isinstance(v, str) else v for k, v in meta.items()}

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, redact(value) if isinstance(value, str) else value) for name, value in variables]


class PersonalDataReporter(ExceptionReporter):
    """The error report as a whole (the exception's message, the URL, every frame) with ID and mobile numbers
    masked: what the filter above cannot reach by field."""

    def get_traceback_html(self):
        return redact(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return redact(str(super().get_traceback_text()))
