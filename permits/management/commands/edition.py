"""python manage.py edition {copy,submit,send-back,publish} KIND ID --user USERNAME [--title T] [--label L] [--comment C]

KIND is a name a catalogue registered (permits.kernel.registry, `kind=`). The same services and rules as the admin:
the user's role, four eyes, the publish checks. `copy` prints the new edition's id as its last line; every refusal
exits non-zero with a Chinese message."""
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from permits.kernel.access.roles import can_publish, can_submit
from permits.kernel.lifecycle import edition_copy, edition_problems, edition_publish, edition_send_back, edition_submit
from permits.kernel.registry import edition_kinds

ACTIONS = ("copy", "submit", "send-back", "publish")


def _may(user, model, action):
    opts = model._meta
    if action == "copy":
        return user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
    if action == "submit":
        return can_submit(user) or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    return can_publish(user)


class Command(BaseCommand):
    help = "清单版本操作：复制为新草稿、提交审核、退回修改、发布（与管理后台相同的规则）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS, help="copy 复制 / submit 提交审核 / send-back 退回 / publish 发布")
        parser.add_argument("kind", help="清单类别：" + "、".join(sorted(edition_kinds())))
        parser.add_argument("id", help="清单编号")
        parser.add_argument("--user", required=True, help="以此账号的身份操作（权限、四眼原则和审计都按此账号）")
        parser.add_argument("--title", default="", help="copy：新草稿的标题")
        parser.add_argument("--label", default="", help="copy：新草稿的版本，例如 2024年版")
        parser.add_argument("--comment", default="", help="send-back：审核意见")

    def handle(self, *args, action, kind, id, user, title, label, comment, **options):
        kinds = edition_kinds()
        if kind not in kinds:
            raise CommandError(f"未知的清单类别“{kind}”，可选：{'、'.join(sorted(kinds))}。")
        model = apps.get_model(kinds[kind])
        account = get_user_model().objects.filter(username=user).first()
        if account is None or not account.is_active or not account.is_staff:
            raise CommandError(f"账号“{user}”不存在、已停用或不是工作人员。")
        if not _may(account, model, action):
            raise CommandError(f"账号“{user}”没有对{model._meta.verbose_name}执行“{action}”的权限。")
        edition = model.objects.filter(pk=int(id)).first() if str(id).isdigit() and int(id) < 2**63 else None
        if edition is None:
            raise CommandError(f"编号为 {id} 的{model._meta.verbose_name}不存在。")
        try:
            if action == "copy":
                new = edition_copy(edition, title=title, edition_label=label, user=account)
                self.stdout.write(f"已由《{edition}》复制出新草稿《{new}》。")
                self.stdout.write(str(new.pk))
            elif action == "submit":
                edition_submit(edition, user=account)
                self.stdout.write(f"《{edition}》已提交审核。")
            elif action == "send-back":
                edition_send_back(edition, user=account, comment=comment)
                self.stdout.write(f"《{edition}》已退回修改。")
            else:
                _errors, warnings = edition_problems(edition)
                edition_publish(edition, user=account, require_submitted=True)
                for warning in warnings:
                    self.stderr.write(f"提示：{warning}")
                self.stdout.write(f"《{edition}》已发布。")
        except ValidationError as error:
            raise CommandError("；".join(error.messages))
