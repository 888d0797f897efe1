"""Logging filters."""

import logging


class QuietClientErrors(logging.Filter):
    """A 4xx answer (a 403 for a missing permission, a 404 for a stale QR code) is the client's doing, not the
    server's: keep its one warning line, drop the traceback Django attaches to it. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
