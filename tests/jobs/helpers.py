"""Running the background worker in the test process: `xinye worker --batch` takes every queued job, runs
it and returns (the same command production runs, with django-tasks' database backend)."""

from django.core.management import call_command


def run_worker(*args: str) -> None:
    call_command(
        "worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", *args, verbosity=0
    )
