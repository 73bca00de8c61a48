"""Demo consultations for the demo centers over the current fiscal year (idempotent: only
when a center has none), and `--consultations N` synthetic ones in bulk for benchmarks."""

import datetime
import random

from django.utils import timezone

from consultations import reference, tallies
from consultations.models import (
    Consent,
    ConsultantType,
    Consultation,
    ConsultationTopic,
    Coordination,
    Method,
    Topic,
)
from coordination import dates
from coordination.models import Area, Center, Role, User
from resources.models import Facility

CASES = [
    # (summary, response, result, condition, age, sex, care level, topic paths, wants kind)
    (
        "寝たきりで褥瘡のある80代女性。通院が難しく、訪問してくれる医師を探したい。",
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
        "脳梗塞後の夫を介護している妻が体調不良。レスパイト入院先を事前に確保したい。",
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
        "末期がんで自宅に帰りたい。訪問看護と居宅介護支援事業所を至急探したい。",
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
        "眼科の往診医が見つからない。施設入所中の利用者の眼科受診について相談。",
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
        "麻薬の調剤と配達ができる薬局を知りたい。",
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
        "介護保険の申請方法が分からないと家族から相談。",
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
    if seeded or consultations:
        tallies.recount_consultations(Consultation.objects.all())
    stdout.write(f"consultations: {Consultation.objects.count()} consultations")


def _one(rng, center, coordinator, areas, day, topics, types):
    summary, response, result, condition, age, sex, level, paths, kind = rng.choice(CASES)
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])))
    )
    done = day < dates.today() - datetime.timedelta(days=7)
    c = Consultation.objects.create(
        center=center,
        received_at=moment,
        method=rng.choice([Method.PHONE] * 6 + [Method.FAX, Method.VISIT_CENTER, Method.EMAIL]),
        consultant_type=rng.choice(types),
        consultant_name=rng.choice(["佐藤", "鈴木", "高橋", "田中", "伊藤"]) + "（担当）",
        consultant_affiliation=rng.choice(
            ["〇〇病院 地域連携室", "△△ケアプランセンター", "家族", "□□訪問看護ステーション"]
        ),
        consultant_location=rng.choice(["inside"] * 4 + ["outside"]),
        client_age=age + rng.randint(-3, 3),
        client_sex=sex,
        client_area=rng.choice(areas),
        client_care_level=level,
        client_condition=condition,
        summary=summary,
        response=response,
        result=result if done else "",
        status=Consultation.Status.DONE
        if done
        else rng.choice([Consultation.Status.OPEN, Consultation.Status.CONTINUING]),
        follow_up_on=None if done else day + datetime.timedelta(days=rng.randint(1, 14)),
        minutes_spent=rng.choice([10, 15, 30, 45, 60]),
        handled_by=coordinator,
    )
    ConsultationTopic.objects.bulk_create([ConsultationTopic(consultation=c, topic=topics[p]) for p in paths])
    if kind:
        candidates = list(
            Facility.objects.filter(kind__code=kind, area__in=Area.objects.filter(parent__in=areas))[:5]
        )
        for i, facility in enumerate(candidates[: rng.randint(1, 3)]):
            accepted = i == 1 or rng.random() < 0.4
            Coordination.objects.create(
                consultation=c,
                facility=facility,
                contacted_at=moment + datetime.timedelta(minutes=20 * (i + 1)),
                result=Coordination.Result.ACCEPTED if accepted else Coordination.Result.DECLINED,
                reason=""
                if accepted
                else rng.choice(["新規受入停止中", "対応エリア外", "医師の訪問枠が満杯"]),
                recorded_by=coordinator,
            )
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
