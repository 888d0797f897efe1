"""Running the background worker in the test process: `xinye worker --batch` takes every queued job, runs
it and returns (the same command production runs, with django-tasks' database backend)."""

from unittest import mock

from django.core.management import call_command


def run_worker(*args: str) -> None:
    # The worker closes stale connections between tasks; in a test that would close the connection holding
    # the test's transaction (PostgreSQL), so that one step is skipped here.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", *args, verbosity=0
        )
