"""Pluggable SMS sending for sign-in codes. Choose with XINYE_SMS_BACKEND (see portal/rules.py).

A real deployment plugs in its operator's gateway by subclassing `BaseBackend`. The console backend
logs the code and, for tests and the demo, keeps the last messages in `OUTBOX`.
"""

import logging
from dataclasses import dataclass

from django.utils.module_loading import import_string

from xinye.portal import rules

logger = logging.getLogger("xinye.portal.sms")


@dataclass
class Message:
    phone: str
    text: str
    code: str


OUTBOX: list[Message] = []  # console backend only; newest last, bounded


class BaseBackend:
    def send_code(self, phone: str, code: str, minutes: int) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development/demo: prints the code instead of sending it."""

    def send_code(self, phone: str, code: str, minutes: int) -> None:
        text = f"【新业】您的登录验证码是 {code}，{minutes} 分钟内有效。如非本人操作请忽略。"
        OUTBOX.append(Message(phone, text, code))
        del OUTBOX[:-100]
        logger.warning("SMS to %s: %s", phone, text)
        print(f"[短信] {phone}: {text}", flush=True)  # noqa: T201 - the console backend's whole purpose


def get_backend() -> BaseBackend:
    return import_string(rules.sms_backend())()


def last_code_for(phone: str) -> str | None:
    """Tests and the demo: the newest code the console backend 'sent' to a phone."""
    for message in reversed(OUTBOX):
        if message.phone == phone:
            return message.code
    return None
