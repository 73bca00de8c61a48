from django.core.management.base import BaseCommand, CommandError

from resources import updates
from resources.models import Facility


class Command(BaseCommand):
    help = "公式の番号（医療機関番号・事業所番号）の施設の、いまの更新用リンクを表示します（なければ発行します）。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="医療機関番号・事業所番号（先頭の0も含めて）")
        parser.add_argument("--contact", default="", help="宛先（担当者）。担当者ごとに別のリンクになります")

    def handle(self, code, contact, **options):
        facilities = list(Facility.objects.filter(code=code.strip()).select_related("kind")[:5])
        if not facilities:
            raise CommandError(f"番号 {code} の施設は名簿にありません。")
        if len(facilities) > 1:
            names = "、".join(f"{f.name}（{f.kind.name}）" for f in facilities)
            raise CommandError(f"番号 {code} の施設が複数あります: {names}。管理画面から発行してください。")
        link = updates.current_link(facilities[0], contact)
        self.stdout.write(updates.link_url(link))
