"""Base for xinye's management commands: the change log records them as source "cli"."""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from xinye.accounts.permissions import system_actor
from xinye.core.context import actor_context


class XinyeCommand(BaseCommand):
    """Adds `--actor USERNAME`: the staff account the command acts as (its scope and its log entries).
    Without it the command acts as the system, logged as cli:<os user>. Either way `options["actor_user"]`
    is the actor to pass to service functions (a User, or a `SystemActor`); never None."""

    source = "cli"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--actor", help="以该工作人员账号的身份和权限执行（记入操作日志）")
        return parser

    def execute(self, *args, **options):
        username = options.get("actor")
        user = None
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {username} 不存在或已停用")
        try:
            os_user = getpass.getuser()
        except Exception:  # noqa: BLE001
            os_user = "unknown"
        label = f"cli:{os_user}"
        with actor_context(user, source=self.source, label=label):
            options["actor_user"] = user if user is not None else system_actor(label)
            return super().execute(*args, **options)

    def output_file(self, path) -> str:
        """A file the command will write: its directory is created if missing; a path that cannot be written
        (a parent that is a file, no permission) ends the command with a Chinese message and exit code 2,
        before any work is done, never with a traceback."""
        target = Path(str(path))
        if target.is_dir():
            raise CommandError(f"无法写入 {path}：这是一个目录，请给出文件名", returncode=2)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建目录 {target.parent}：{exc.strerror or exc}", returncode=2) from None
        if not target.parent.is_dir():
            raise CommandError(f"无法写入 {path}：{target.parent} 不是目录", returncode=2)
        return str(path)
