from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "研修・普及啓発（カ・キ）"
