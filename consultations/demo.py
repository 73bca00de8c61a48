"""Demo consultations for the demo centers over the current fiscal year (idempotent: only
when a center has none), and `--consultations N` synthetic ones in bulk for benchmarks."""

import datetime
import random

from django.utils import timezone

from consultations import reference, services, tallies
from consultations.models import (
    Consent,
    ConsultantType,
    Consultation,
    ConsultationTopic,
    Coordination,
    Method,
    MonthClosing,
    PastMonthlyTotal,
    PublicQuestion,
    Topic,
)
from coordination import dates
from coordination.models import Area, Center, Role, User
from resources.models import Facility, Recheck

CASES = [
    # (summaries: ways of putting the need, response, result, condition, age, sex, care level,
    #  topic paths, wants kind). The summary a record shows is an opening fitting who consulted
    # and about whom (OPENINGS) and one of these: the demo's list reads as many different calls.
    (
        [
            "寝たきりで褥瘡がある。通院が難しく、訪問してくれる医師を探したい。",
            "褥瘡の処置が続いており、通院の負担が大きい。訪問診療に切り替えたい。",
            "通院できなくなってきた。褥瘡の処置ができる訪問診療医を紹介してほしい。",
        ],
        "褥瘡処置に対応できる訪問診療医を名簿から抽出し、順に連絡調整。",
        "2件目の診療所が受入可。初回訪問日を調整。",
        "褥瘡",
        84,
        "female",
        "c5",
        ["医療/訪問診療できる医療機関に関する事", "連絡調整"],
        "clinic",
    ),
    (
        [
            "脳梗塞後の夫を介護している妻が体調不良。レスパイト入院先を事前に確保したい。",
            "介護者の入院が決まった。その間に本人を受け入れてくれる病院を探したい。",
            "家族の介護疲れが強い。短期間のレスパイト入院ができる病院はあるか。",
        ],
        "レスパイト入院に対応する病院に空床と条件を確認。",
        "病院から受入可の回答。ケアマネへ情報提供。",
        "脳梗塞後遺症",
        78,
        "male",
        "c4",
        ["医療/病院(入院・転院先等)に関する事", "介護/介護事業所等に関する事"],
        "hospital",
    ),
    (
        [
            "末期がんで自宅に帰りたいと希望。訪問看護と居宅介護支援事業所を至急探したい。",
            "末期がんで退院が近い。自宅で看取りまで対応できる訪問看護を探したい。",
            "緩和ケア病棟から在宅へ移る予定。退院前カンファレンスの調整を手伝ってほしい。",
        ],
        "退院前カンファレンスの日程を病院と調整し、訪問看護ステーションに連絡。",
        "訪問看護・居宅ともに受入可。",
        "末期がん",
        72,
        "female",
        "c2",
        ["退院支援に関する事", "看取りに関する事", "医療/訪問看護に関する事"],
        "visiting-nursing",
    ),
    (
        [
            "眼科の往診医が見つからない。施設入所中で眼科を受診させたい。",
            "緑内障の点眼を続けているが通院が難しい。眼科の往診はあるか。",
        ],
        "眼科で往診している医療機関を確認。",
        "該当なし。継続して情報収集。",
        "緑内障",
        88,
        "female",
        "c3",
        ["医療/診療所・医師に関する事"],
        "clinic",
    ),
    (
        [
            "麻薬の調剤と配達ができる薬局を知りたい。",
            "医療用麻薬が処方された。自宅まで届けて服薬指導してくれる薬局はあるか。",
            "疼痛の薬が増え、飲み方の管理が難しい。訪問してくれる薬剤師を探したい。",
        ],
        "麻薬調剤・訪問服薬指導に対応する薬局を紹介。",
        "薬局2件を紹介。",
        "がん性疼痛",
        69,
        "male",
        "c1",
        ["医療/薬局・薬剤師に関する事"],
        "pharmacy",
    ),
    (
        [
            "介護保険の申請方法が分からない。",
            "物忘れが増えて一人暮らしが心配。介護サービスを使うには何から始めればよいか。",
            "要介護認定を受けたいが、どこに申し込めばよいか分からない。",
        ],
        "地域包括支援センターを紹介し、申請手続きを説明。",
        "包括につないだ。",
        "認知症",
        81,
        "female",
        "applying",
        ["介護/介護の手続きに関する事", "介護/地域包括支援センターに関する事"],
        None,
    ),
]

# Who consulted, by 相談者区分: (names with their job, 所属). A 区役所's 所属 is the client's ward's
# 保健福祉課; the public (その他) consult as the client's family or as the client.
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "山本", "加藤"]
CONSULTANTS = {
    "医療関係者": (
        ["MSW", "看護師", "医師"],
        ["〇〇病院 地域連携室", "◇◇病院 医療相談室", "△△内科クリニック", "□□総合病院 入退院支援室"],
    ),
    "訪問看護": (
        ["看護師"],
        ["□□訪問看護ステーション", "訪問看護ステーションさくら", "◎◎訪問看護ステーション"],
    ),
    "ケアマネジャー": (
        ["介護支援専門員"],
        ["△△ケアプランセンター", "居宅介護支援事業所ひまわり", "◇◇居宅介護支援事業所"],
    ),
    "地域包括支援センター": (["社会福祉士", "保健師", "主任介護支援専門員"], ["○○地域包括支援センター"]),
    "区役所・保健福祉センター": (["保健師", "社会福祉士"], None),
}
# The family who call about the client: 続柄 by the client's sex, and what they call the client.
FAMILY = {
    "female": [("長女", "母"), ("長男", "母"), ("夫", "妻"), ("次女", "母")],
    "male": [("妻", "夫"), ("長女", "父"), ("長男", "父")],
}
SEX_WORD = {"female": "女性", "male": "男性"}
# How a call opens, by who made it (about whom: {who} the client as they put it).
OPENINGS = {
    "医療関係者": ["入院中の{who}について。", "外来通院中の{who}について。", "{who}の退院後について。"],
    "訪問看護": ["訪問看護で関わっている{who}について。", "利用者（{who}）について。"],
    "ケアマネジャー": [
        "担当利用者（{who}）について。",
        "新規に担当する{who}について。",
        "{who}の担当ケアマネから。",
    ],
    "地域包括支援センター": ["総合相談で受けた{who}のケース。", "{who}について、包括から。"],
    "区役所・保健福祉センター": ["保健師の訪問で把握した{who}のケース。", "窓口に来られた{who}の件。"],
}


def _consultant(rng, ctype, area, age, sex):
    """(氏名, 所属, summary opening) fitting the 相談者区分: a ケアマネ from a 居宅介護支援事業所, a
    区役所's staff from the client's ward's 保健福祉課, the public as family or the client."""
    decade = f"{age // 10 * 10}代"
    who = f"{decade}{SEX_WORD.get(sex, '')}"
    surname = rng.choice(SURNAMES)
    name = getattr(ctype, "name", "")
    if name in CONSULTANTS:
        jobs, places = CONSULTANTS[name]
        place = rng.choice(places) if places else f"{area.name if area else '区'}役所 保健福祉課"
        return f"{surname}（{rng.choice(jobs)}）", place, rng.choice(OPENINGS[name]).format(who=who)
    if rng.random() < 0.25:
        return f"{surname}（本人）", "本人", f"本人（{who}）から。"
    relation, called = rng.choice(FAMILY.get(sex, FAMILY["female"]))
    return f"{surname}（{relation}）", f"家族（{relation}）", f"{relation}から、{decade}の{called}について。"


def _types_weighted(types):
    """ケアマネ call most, the 区役所 least, as in the centers' 月報."""
    weights = {
        "ケアマネジャー": 4,
        "医療関係者": 3,
        "訪問看護": 2,
        "地域包括支援センター": 2,
        "その他(区民等)": 2,
    }
    return [t for t in types for _ in range(weights.get(t.name, 1))]


def _who_and_what(rng, case, areas, types):
    """The consultant and the summary of one demo record of `case`: fields for Consultation."""
    summaries, age, sex = case[0], case[4] + rng.randint(-3, 3), case[5]
    area = rng.choice(areas)
    ctype = rng.choice(_types_weighted(types))
    name, affiliation, opening = _consultant(rng, ctype, area, age, sex)
    return {
        "consultant_type": ctype,
        "consultant_name": name,
        "consultant_affiliation": affiliation,
        "client_age": age,
        "client_sex": sex,
        "client_area": area,
        "summary": opening + rng.choice(summaries),
    }


def add_arguments(parser):
    parser.add_argument(
        "--consultations",
        type=int,
        default=0,
        metavar="N",
        help="ベンチマーク用の架空の相談をN件追加します（例: 1000000）",
    )


def seed(stdout, consultations=0, **options):
    reference.load(Topic, ConsultantType)
    topics = {t.path: t for t in Topic.objects.select_related("parent")}
    types = list(ConsultantType.objects.all())
    rng = random.Random(20260801)
    seeded = False
    for center in Center.objects.all()[:2]:
        if Consultation.objects.filter(center=center).exists():
            continue
        seeded = True
        coordinator = User.objects.filter(center=center, role=Role.COORDINATOR).first()
        areas = list(center.areas.all()) or list(Area.objects.filter(kind=Area.Kind.WARD)[:1])
        fy = dates.fiscal_year(dates.today())
        day = datetime.date(fy, 4, 1)
        while day <= dates.today():
            if day.weekday() < 5 and center.open_days(day, day):
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    _one(rng, center, coordinator, areas, day, topics, types)
            day += datetime.timedelta(days=1)
    if consultations:
        _bulk(consultations, stdout)
    if seeded:
        _link_repeat_clients()
    if seeded or consultations:
        tallies.recount_consultations(Consultation.objects.all())
    previous = _previous_year(topics, types)
    PublicQuestion.objects.bulk_create(
        [
            PublicQuestion(question=q, answer=a, sort_order=i)
            for i, (q, a) in enumerate(QUESTIONS, 1)
            if not PublicQuestion.objects.filter(question=q).exists()
        ]
    )
    closed = _close_last_month(types)
    stdout.write(
        f"consultations: {Consultation.objects.count()} consultations ({previous} of the previous 年度 now), "
        f"{PublicQuestion.objects.count()} public questions, {closed} months closed now"
    )


# Where the demo once gave the third center old 月報 totals (see _previous_year).
PAPER_SOURCE = "デモ（紙の月報の合計）"


def _previous_year(topics, types):
    """The 年度 before this one, so that the fiscal-year report's 前年度同期 has something to
    compare with: the two demo centers' consultations of that year (idempotent: only for a center
    with none in it), written in bulk and recounted through the tallies like any bulk write.
    Answers how many consultations it made."""
    fy = dates.fiscal_year(dates.today()) - 1
    start, end = dates.fiscal_year_range(fy)
    first, after = dates.day_bounds(start, end)
    rng = random.Random(20250401)
    made = []
    for center in Center.objects.all()[:2]:
        if Consultation.objects.filter(center=center, received_at__gte=first, received_at__lt=after).exists():
            continue
        coordinator = User.objects.filter(center=center, role=Role.COORDINATOR).first()
        areas = list(center.areas.all()) or list(Area.objects.filter(kind=Area.Kind.WARD)[:1])
        facilities = {}
        rows = []
        day = start
        while day <= end:
            if day.weekday() < 5 and center.open_days(day, day):
                # A little quieter than this 年度: the comparison shows an increase on most lines.
                for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                    case = rng.choice(CASES)
                    moment = timezone.make_aware(
                        datetime.datetime.combine(
                            day, datetime.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45]))
                        )
                    )
                    rows.append(
                        (
                            case,
                            moment,
                            _previous_consultation(rng, center, coordinator, areas, case, moment, types),
                        )
                    )
            day += datetime.timedelta(days=1)
        created = Consultation.objects.bulk_create([c for _case, _m, c in rows], batch_size=2000)
        links, contacts, consents = [], [], []
        for (case, moment, _c), c in zip(rows, created, strict=True):
            paths, kind = case[7], case[8]
            links += [ConsultationTopic(consultation_id=c.pk, topic=topics[p]) for p in paths]
            if not kind:
                continue
            if kind not in facilities:
                facilities[kind] = list(
                    Facility.objects.filter(kind__code=kind, area__in=Area.objects.filter(parent__in=areas))[
                        :5
                    ]
                )
            for i, facility in enumerate(facilities[kind][: rng.randint(1, 3)]):
                accepted = i == 1 or rng.random() < 0.4
                contacts.append(
                    Coordination(
                        consultation_id=c.pk,
                        facility=facility,
                        contacted_at=moment + datetime.timedelta(minutes=20 * (i + 1)),
                        result=Coordination.Result.ACCEPTED if accepted else Coordination.Result.DECLINED,
                        reason="" if accepted else rng.choice(["対応エリア外", "医師の訪問枠が満杯"]),
                        recorded_by=coordinator,
                    )
                )
                if accepted:
                    break
            consents.append(
                Consent(
                    consultation_id=c.pk,
                    consented_by="本人",
                    consented_on=moment.date(),
                    how=Consent.How.ORAL,
                    scope="医療機関・介護事業所への情報提供",
                    recorded_by=coordinator,
                )
            )
        ConsultationTopic.objects.bulk_create(links, batch_size=5000)
        Coordination.objects.bulk_create(contacts, batch_size=5000)
        Consent.objects.bulk_create(consents, batch_size=5000)
        made.append(center.pk)
    if made:
        # The tallies of those days from the records, as the import of past logs does.
        tallies.recount_consultations(
            Consultation.objects.filter(center_id__in=made, received_at__gte=first, received_at__lt=after)
        )
    # The third center has no records in either 年度 (its 前年度同期 is nothing, as its 年度 is):
    # old 月報 totals for it alone made the report's 延べ件数 compare a year of paper with nothing,
    # while its 相談者 lines compared nothing with nothing. Demo DBs seeded before drop them.
    PastMonthlyTotal.objects.filter(source=PAPER_SOURCE).delete()
    return Consultation.objects.filter(received_at__gte=first, received_at__lt=after).count()


def _previous_consultation(rng, center, coordinator, areas, case, moment, types):
    _summaries, response, result, condition, _age, _sex, level, _paths, _kind = case
    return Consultation(
        center=center,
        received_at=moment,
        method=rng.choice([Method.PHONE] * 6 + [Method.FAX, Method.VISIT_CENTER, Method.EMAIL]),
        consultant_location=rng.choice(["inside"] * 4 + ["outside"]),
        client_care_level=level,
        client_condition=condition,
        response=response,
        result=result,
        status=Consultation.Status.DONE,
        minutes_spent=rng.choice([10, 15, 30, 45, 60]),
        handled_by=coordinator,
        **_who_and_what(rng, case, areas, types),
    )


def _link_repeat_clients():
    """A few clients consulted about again: 実人数 then differs from 延べ件数 in the 月報."""
    for center in Center.objects.all()[:2]:
        ids = list(
            Consultation.objects.filter(center=center).order_by("received_at").values_list("pk", flat=True)
        )
        for first in ids[:60:12]:
            later = ids[ids.index(first) + 3 : ids.index(first) + 5]
            Consultation.objects.filter(pk__in=later).update(first_consultation_id=first)


def _close_last_month(types):
    """The demo centers close last month, and one consultation of it is logged afterwards: the
    report then shows 「提出後の修正」 on its lines."""
    today = dates.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    closed = 0
    for center in Center.objects.all()[:2]:
        if MonthClosing.objects.filter(center=center, year=year, month=month).exists():
            continue
        coordinator = User.objects.filter(center=center, role=Role.COORDINATOR).first()
        if coordinator is None:
            continue
        services.close_month(None, center, year, month, user=coordinator)
        closed += 1
        if center.code == "C01":
            start, _ = dates.month_range(year, month)
            day = start + datetime.timedelta(days=(7 - start.weekday()) % 7 + 1)  # a Tuesday
            c = Consultation.objects.create(
                center=center,
                received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 40))),
                consultant_type=types[0],
                consultant_affiliation="〇〇病院 地域連携室",
                summary="締めた後に記録した相談（記録漏れの追加）",
                status=Consultation.Status.DONE,
                handled_by=coordinator,
                updated_by=coordinator,
            )
            topic = Topic.objects.filter(parent=None, name="その他").first()
            if topic:
                ConsultationTopic.objects.create(consultation=c, topic=topic)
            tallies.recount_days({(center.pk, day)})
    return closed


QUESTIONS = [
    (
        "相談は誰が行ってもいいのですか？",
        "在宅医療と介護の連携推進を目的としていることから、医療・介護等サービス提供者からの在宅医療に関する相談に対応します。",
    ),
    (
        "利用者が市外の方でも相談してよいのですか？",
        "相談の対象となる利用者については、原則本市に在住する40歳以上の方と定めています。なお、連携支援センターは、"
        "それぞれ担当する地域が異なりますので、センター一覧をご確認ください（例えば、利用者が門司区に在住の場合は、"
        "門司区を担当するセンターに相談していただくことになります）。また、在宅医療に関する一般的な相談については、"
        "特段の制限等はありませんので、お気軽にご相談ください。",
    ),
    (
        "利用者が20歳未満の子どもの場合は相談できないのですか？",
        "相談の対象となる利用者については、原則本市に在住する40歳以上の方と定めていますが、それ以外の方に関する相談は"
        "受け付けないということではありません。そうした方に関するご相談があったときは、必要に応じて関係機関をご案内する"
        "など、適切に対応します。",
    ),
    (
        "相談はどのような方法で行えばいいのですか？",
        "連携支援センターには専門のスタッフが常駐していますので、お電話でご連絡いただくか、直接センターにお越しいただければ"
        "窓口でも相談をお受けします。",
    ),
    (
        "どのようなスタッフの方が対応するのですか？",
        "介護支援専門員の資格を有する看護師や病院での勤務経験のある社会福祉士などの、専門スタッフが対応します。",
    ),
    (
        "相談料や手数料がかかることはあるのですか？",
        "相談対応を含めた全てのサービスは無料となっており、料金が発生することはありませんので、安心してご利用ください。",
    ),
    (
        "在宅医療のほかに介護や福祉の相談にも対応してもらえるのですか？",
        "スタッフは介護分野にも一定の知識を有しているため、ある程度の対応は可能と考えていますが、必要に応じて地域包括支援"
        "センターと連携するなど、適宜状況に合わせた対応を行います。",
    ),
    (
        "退院調整に関しては、医療機関に対してどのような支援をするのですか？",
        "退院調整は医療機関が実施するものであることを前提として、その調整作業に対する支援を行うこととなりますので、"
        "連携支援センターが退院調整の肩代わりをするものではありません。したがって、現在退院調整に取り組まれている医療機関"
        "につきましては、今後ご継続いただければと思います。なお、対応は個々のケースで異なりますので、実際の支援については、"
        "相談者と協議を行いながら進めていきます。",
    ),
    (
        "相談時には、利用者の個人情報をお伝えすることになりますが、個人情報の取り扱いについて教えてください。",
        "相談者から取得した利用者の個人情報については、適切な情報管理体制の下で外部への漏洩等の防止策を講じます。また、"
        "調整作業を行う過程で、やむを得ず関係機関等の第三者へ提供する場合は、原則として、あらかじめ利用者の同意を得た上で"
        "行います。",
    ),
]


def _one(rng, center, coordinator, areas, day, topics, types):
    case = rng.choice(CASES)
    _summaries, response, result, condition, _age, _sex, level, paths, kind = case
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])))
    )
    done = day < dates.today() - datetime.timedelta(days=7)
    c = Consultation.objects.create(
        center=center,
        received_at=moment,
        method=rng.choice([Method.PHONE] * 6 + [Method.FAX, Method.VISIT_CENTER, Method.EMAIL]),
        consultant_location=rng.choice(["inside"] * 4 + ["outside"]),
        client_care_level=level,
        client_condition=condition,
        response=response,
        result=result if done else "",
        status=Consultation.Status.DONE
        if done
        else rng.choice([Consultation.Status.OPEN, Consultation.Status.CONTINUING]),
        follow_up_on=None if done else day + datetime.timedelta(days=rng.randint(1, 14)),
        minutes_spent=rng.choice([10, 15, 30, 45, 60]),
        handled_by=coordinator,
        **_who_and_what(rng, case, areas, types),
    )
    ConsultationTopic.objects.bulk_create([ConsultationTopic(consultation=c, topic=topics[p]) for p in paths])
    if kind:
        candidates = list(
            Facility.objects.filter(kind__code=kind, area__in=Area.objects.filter(parent__in=areas))[:5]
        )
        for i, facility in enumerate(candidates[: rng.randint(1, 3)]):
            accepted = i == 1 or rng.random() < 0.4
            row = Coordination.objects.create(
                consultation=c,
                facility=facility,
                contacted_at=moment + datetime.timedelta(minutes=20 * (i + 1)),
                result=Coordination.Result.ACCEPTED if accepted else Coordination.Result.DECLINED,
                reason=""
                if accepted
                else rng.choice(["新規受入停止中", "対応エリア外", "医師の訪問枠が満杯"]),
                recorded_by=coordinator,
            )
            # A 「新規受入停止中」 heard on the phone lands on the re-check list, as it does live;
            # a few are left open (older ones the demo center has long since answered).
            recent = (dates.today() - day).days <= 45
            if recent and Recheck.objects.count() < 3 and not facility.rechecks.exists():
                services.recheck_facility(None, row)
            if accepted:
                break
        Consent.objects.create(
            consultation=c,
            consented_by="本人",
            consented_on=day,
            how=Consent.How.ORAL,
            scope="医療機関・介護事業所への情報提供",
            recorded_by=coordinator,
        )


def _bulk(total, stdout, chunk=20000):
    rng = random.Random(99)
    centers = list(Center.objects.all())
    types = list(ConsultantType.objects.all())
    leaf_topics = [t for t in Topic.objects.all() if not Topic.objects.filter(parent=t).exists()]
    fy = dates.fiscal_year(dates.today())
    start = timezone.make_aware(datetime.datetime(fy, 4, 1, 9))
    span = 365 * 24 * 3600
    made = 0
    while made < total:
        n = min(chunk, total - made)
        batch = [
            Consultation(
                center=rng.choice(centers),
                received_at=start + datetime.timedelta(seconds=rng.randrange(span)),
                method=rng.choice(Method.values),
                consultant_type=rng.choice(types),
                consultant_location=rng.choice(["inside", "outside", ""]),
                status=rng.choice(Consultation.Status.values),
                summary="（ベンチマーク用の架空データ）",
            )
            for _ in range(n)
        ]
        created = Consultation.objects.bulk_create(batch, batch_size=5000)
        links = []
        for c in created:
            for t in rng.sample(leaf_topics, rng.randint(1, 3)):
                links.append(ConsultationTopic(consultation_id=c.pk, topic_id=t.pk))
        ConsultationTopic.objects.bulk_create(links, batch_size=10000)
        made += n
        stdout.write(f"  synthetic consultations: {made}/{total}")
