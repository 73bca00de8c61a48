"""/centers/: the list with a map, each center's page, the Q&A and 「どのセンターに相談すればよいか」.
Public (no login); nothing here reads a consultation record."""

from django.http import Http404
from django.shortcuts import render

from consultations import public
from consultations.models import PublicQuestion
from coordination.models import Area


def _ward_choices():
    return [(a, depth) for a, depth in Area.tree() if a.kind != Area.Kind.CITY]


def center_list(request):
    centers = list(public.public_centers())
    return render(
        request,
        "consultations/public/centers.html",
        {"centers": centers, "wards": _ward_choices()},
    )


def find(request):
    """An address, a postcode or a ward → the center that covers it; an address outside the city
    → what to do instead."""
    query = (request.GET.get("q") or "").strip()[:200]
    ward_id = request.GET.get("ward") or ""
    answer, error, outside = None, "", None
    if "ward" in request.GET and not ward_id:  # 区で探す with nothing chosen
        error = "区・地域を選んでから「区で探す」を押してください。"
    elif "q" in request.GET and not query and not ward_id:  # 住所で探す with an empty box
        error = "住所または郵便番号を入力してから「住所で探す」を押してください。"
    elif ward_id:
        area = Area.objects.filter(pk=ward_id).first() if ward_id.isdigit() else None
        if area is None:
            error = "区・地域の選択が正しくありません。もう一度選んでください。"
        else:
            answer = public.Answer(area, public.centers_covering(area), f"選んだ「{area.name}」から")
    elif query:
        try:
            answer = public.find_center(query)
        except public.NotFound as exc:
            error = str(exc)
        if isinstance(answer, public.Outside):
            outside, answer = answer, None
        elif not error and (answer is None or not answer.centers):
            error = (
                "入力された住所から担当のセンターが見つかりませんでした。区の名前を含めて入力するか、"
                "「または区・地域を選ぶ」からお住まいの区を選んでください。"
            )
            answer = None
    return render(
        request,
        "consultations/public/find.html",
        {
            "query": query,
            "ward_id": ward_id,
            "answer": answer,
            "error": error,
            "outside": outside,
            "wards": _ward_choices(),
        },
    )


def center_detail(request, code):
    center = public.public_centers().filter(code=code).first()
    if center is None:
        raise Http404
    year_label, count = public.last_year_count(center)
    return render(
        request,
        "consultations/public/center.html",
        {
            "center": center,
            "help_topics": public.HELP_TOPICS,
            "flow": public.FLOW,
            "year_label": year_label,
            "year_count": count,
        },
    )


def questions(request):
    return render(request, "consultations/public/qa.html", {"questions": PublicQuestion.objects.all()})
