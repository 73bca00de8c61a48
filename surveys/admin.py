from django.contrib import admin

from surveys.models import Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    fk_name = "survey"
    extra = 0
    fields = ["sort_order", "key", "text", "kind", "required"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "fiscal_year", "center", "opens_at", "closes_at", "audience"]
    list_filter = ["fiscal_year", "center", "audience"]
    # Who made the survey is the portal's record (shown last, as it always was), not an input.
    readonly_fields = ["created_by"]
    inlines = [QuestionInline]
