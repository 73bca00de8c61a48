from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from coordination import dashboard, dates


def home(request):
    return render(
        request,
        "coordination/dashboard.html",
        {
            "panels": dashboard.panels_for(request),
            "today": dates.today(),
            "fiscal_year": dates.fiscal_year(dates.today()),
        },
    )


def healthz(request):
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
