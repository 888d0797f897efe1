from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.models import ApiToken, User
from xinye.accounts.permissions import has_action
from xinye.accounts.services import create_token, revoke_token, set_token_ips
from xinye.core.errors import OutOfScope, Refused


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class Command(XinyeCommand):
    help = "API 令牌：create USERNAME [--allow-ip 地址,…] | list USERNAME | revoke PREFIX | allow-ip PREFIX 地址,…"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create", help="创建令牌；令牌单独打印在最后一行，只显示这一次")
        create.add_argument("username")
        create.add_argument("--name", default="", help="用途说明")
        create.add_argument(
            "--allow-ip",
            default="",
            help="只允许从这些 IP 地址或网段使用，逗号分隔（如 10.1.2.3,10.2.0.0/16）",
        )
        allow = sub.add_parser("allow-ip", help="设置令牌允许的来源地址（空字符串：不限）")
        allow.add_argument("prefix")
        allow.add_argument("addresses")
        lst = sub.add_parser("list", help="列出用户的令牌")
        lst.add_argument("username")
        revoke = sub.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        op = options["op"]
        actor = options["actor_user"]
        action = {"create": "add", "list": "view", "revoke": "change", "allow-ip": "change"}[op]
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
            with transaction.atomic():  # a bad address refuses the whole command: no token without its limit
                token, key = create_token(user, actor=actor, name=options["name"])
                if options["allow_ip"]:
                    set_token_ips(token, options["allow_ip"], actor=actor)
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
        elif op == "allow-ip":
            tokens = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if not tokens:
                raise CommandError(f"没有前缀为 {options['prefix']} 的令牌")
            with transaction.atomic():
                for token in tokens:
                    set_token_ips(token, options["addresses"], actor=actor)
            limit = "、".join(tokens[0].allowed_ips.split()) or "不限"
            self.stdout.write(f"已设置 {len(tokens)} 个令牌允许的来源地址：{limit}")
        else:
            tokens = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if not tokens:
                raise CommandError(f"没有前缀为 {options['prefix']} 的令牌")
            for token in tokens:
                revoke_token(token, actor=actor)
            self.stdout.write(f"已吊销 {len(tokens)} 个令牌。")
