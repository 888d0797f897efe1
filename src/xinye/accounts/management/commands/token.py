from django.core.management.base import CommandError
from django.utils import timezone

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.models import ApiToken, User
from xinye.accounts.permissions import has_action
from xinye.accounts.services import create_token, revoke_token
from xinye.core.errors import OutOfScope, Refused


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class Command(XinyeCommand):
    help = "API 令牌：create USERNAME | list USERNAME | revoke PREFIX"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create", help="创建令牌；令牌单独打印在最后一行，只显示这一次")
        create.add_argument("username")
        create.add_argument("--name", default="", help="用途说明")
        lst = sub.add_parser("list", help="列出用户的令牌")
        lst.add_argument("username")
        revoke = sub.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        op = options["op"]
        actor = options["actor_user"]
        action = {"create": "add", "list": "view", "revoke": "change"}[op]
        if not has_action(actor, action, ApiToken):
            raise CommandError(f"{actor.username} 无权管理 API 令牌")
        try:
            self._run(op, actor, options)
        except (OutOfScope, Refused) as exc:
            raise CommandError("；".join(getattr(exc, "messages", None) or [str(exc)]))

    def _run(self, op, actor, options):
        if op in ("create", "list"):
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"用户 {options['username']} 不存在")
        if op == "create":
            if not user.is_active:
                raise CommandError(f"用户 {user.username} 已停用")
            token, key = create_token(user, actor=actor, name=options["name"])
            self.stdout.write(f"已为 {user.username} 创建令牌 {token.prefix}…（请妥善保存，不会再次显示）")
            self.stdout.write(key)
        elif op == "list":
            # times in the site's zone (Asia/Shanghai), as the console shows them
            self.stdout.write("前缀\t用途\t创建时间\t最近使用\t状态")
            now = timezone.now()
            for token in user.api_tokens.order_by("created_at"):
                if token.revoked_at:
                    state = "已吊销"
                elif token.expires_at and token.expires_at <= now:
                    state = "已过期"
                else:
                    state = "有效"
                self.stdout.write(
                    f"{token.prefix}\t{token.name}\t{_local(token.created_at)}\t{_local(token.last_used_at) or '从未'}\t{state}"
                )
        else:
            tokens = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if not tokens:
                raise CommandError(f"没有前缀为 {options['prefix']} 的令牌")
            for token in tokens:
                revoke_token(token, actor=actor)
            self.stdout.write(f"已吊销 {len(tokens)} 个令牌。")
