"""`manage.py seed_demo`: load the demo city, idempotently.

Each app contributes through an optional `<app>/demo.py` with `seed(stdout, **options)` and,
for its own switches (e.g. --facilities N), `add_arguments(parser)`. Apps run in
INSTALLED_APPS order, so a later app can rely on an earlier app's demo rows."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules():
    for config in apps.get_app_configs():
        try:
            yield import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


class Command(BaseCommand):
    help = (
        "デモ用の市・センター・アカウント（と各アプリのデモデータ）を登録します（何度実行しても同じ結果）。"
    )

    def add_arguments(self, parser):
        for module in demo_modules():
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, **options):
        options = {k: v for k, v in options.items() if k not in ("stdout", "stderr")}
        for module in demo_modules():
            with transaction.atomic():
                module.seed(self.stdout, **options)
