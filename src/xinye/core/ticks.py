"""`xinye tick`: the periodic duties of every app, run by the system actor from cron or a systemd timer.

An app takes part by naming its duty on its AppConfig: `tick = "xinye.<app>.services.tick"`, a function
`tick(*, actor, now=None)` returning something with `details` (lines worth printing) and `summary` (one line)
and `total` (how many new reminders or escalations it wrote). Each duty must be idempotent: running `xinye
tick` twice reminds once. The apps' duties run in the order of INSTALLED_APPS.
"""

from django.apps import apps
from django.utils.module_loading import import_string


def duties() -> list[tuple[str, object]]:
    """(app label, tick function) for every installed app that names one."""
    return [
        (config.label, import_string(config.tick))
        for config in apps.get_app_configs()
        if getattr(config, "tick", None)
    ]


def run_all(*, actor, now=None) -> list[tuple[str, object]]:
    """Run every app's duty as `actor` (the system's "tick"); returns (app label, its result) in order."""
    return [(label, duty(actor=actor, now=now)) for label, duty in duties()]
