from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveys.models import Respondent, Survey


class Command(BaseCommand):
    help = "調査の回答者ごとの回答用リンクを1行に1件（回答者, リンク）で表示します。"

    def add_arguments(self, parser):
        parser.add_argument("survey_id", type=int)
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000",
            help="リンクの先頭（例: https://portal.example.lg.jp）",
        )

    def handle(self, *args, survey_id, base_url, **options):
        try:
            survey = Survey.objects.get(pk=survey_id)
        except Survey.DoesNotExist:
            raise CommandError(f"調査 {survey_id} はありません。") from None
        base = base_url.rstrip("/")
        # An answer given by the open link has no link of its own to hand out: it is its
        # respondent's alone (changed from the device that gave it).
        found = survey.respondents.exclude(kind=Respondent.Kind.LINK).order_by("group", "label", "pk")
        for respondent in found:
            self.stdout.write(f"{respondent.label}, {base}{respondent.get_answer_url()}")
