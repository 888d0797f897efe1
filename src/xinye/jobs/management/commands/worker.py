"""`xinye worker`: runs the background jobs (django-tasks' `db_worker`, with xinye's recovery first).

On start it marks failed the jobs a dead worker left running (`jobs.services.recover`): those silent for
XINYE_JOB_STALE_SECONDS, or every running one with `--sole` (the installation's only worker: `make demo`,
a single systemd unit). All of db_worker's options apply (`--batch`, `--max-tasks`, `--interval` …).
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from xinye.accounts.permissions import system_actor
from xinye.jobs import services


class Command(DbWorkerCommand):
    help = "后台任务工作进程：执行统计报表、工作简报、大文件导入等后台任务（启动时把中断的任务标记为失败）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--sole",
            action="store_true",
            help="本进程是唯一的工作进程：启动时把所有“进行中”的任务视为已中断",
        )

    def handle(self, *args, **options):
        result = services.recover(actor=system_actor("worker"), everything=options.pop("sole"))
        for line in result.details:
            self.stdout.write(line)
        return super().handle(*args, **options)
