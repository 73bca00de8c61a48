"""Small files in each national format, composed by hand with the quirks of the real ones
(see ../shared/domain.md "Real spreadsheet formats admins import")."""

import csv
import io

from openpyxl import Workbook

from resources.imports.formats import KaigoFormat, KouseikyokuFormat

KAIGO_HEADER = KaigoFormat.columns

# 都道府県コード又は市町村コード … 備考 (24 cells)
KAIGO_ROWS = [
    [
        "401005",
        "1",
        "福岡県",
        "北九州市小倉北区",
        "ケアプランセンターひまわり",
        "ケアプランセンターヒマワリ",
        "居宅介護支援",
        "福岡県北九州市小倉北区大手町11-4",
        "大手町ビル２F",
        "33.883300",
        "130.875100",
        "093‐582‐1111",
        "０９３－５８２－１１１２",
        "1290001000001",
        "社会福祉法人ひまわり会",
        "0470100011",
        "平日,土曜日",
        "年末年始（改行）12月29日から1月3日は休み",
        "0",
        "https：//himawari.example.jp",
        "",
        "",
        "",
        "",
    ],
    [
        "401005",
        "2",
        "福岡県",
        "北九州市小倉北区",
        "訪問介護ステーション森",
        "ホウモンカイゴステーションモリ",
        "居宅介護支援",
        "北九州市小倉北区砂津1-1-1",
        "",
        "0",
        "0",
        "0935821200",
        "",
        "",
        "株式会社森",
        "0470100029",
        "平日 土曜日 日曜日 祝日",
        "",
        "",
        "www.mori-kaigo.example.jp",
        "",
        "",
        "",
        "送迎あり",
    ],
]


def kaigo_rows(rows=None):
    return [KAIGO_HEADER] + (KAIGO_ROWS if rows is None else rows)


KOUSEIKYOKU_TITLE = [["[令和７年１０月１日 現在 ]届出受理医療機関名簿（医科）九州厚生局作成"], []]
KOUSEIKYOKU_HEADER = KouseikyokuFormat.columns


def kouseikyoku_row(number, code, name, symbol, since="令和 4年10月 1日", beds="", division="医科"):
    return [
        str(number),
        "40",
        "福岡県",
        division,
        code,
        "",
        "",
        name,
        "〒８０２－０００１",
        "北九州市小倉北区浅野１丁目２－３",
        "093-511-0001",
        "093-511-0002",
        beds,
        "届出名称",
        symbol,
        "第1号",
        since,
        "",
        "",
        "",
        "401005",
        "北九州市",
        "1",
        "",
    ]


KOUSEIKYOKU_ROWS = [
    kouseikyoku_row(1, "0112345", "小倉在宅クリニック", "支援診３"),
    kouseikyoku_row(2, "0112345", "小倉在宅クリニック", "在医総管１", since="令和 5年 4月 1日"),
    kouseikyoku_row(3, "0198765", "浅野病院", "在後病", beds="一般　　150／療養　　40"),
    kouseikyoku_row(4, "0198765", "浅野病院", "初診"),
]


def kouseikyoku_rows(rows=None, title=True):
    return (
        (KOUSEIKYOKU_TITLE if title else [])
        + [KOUSEIKYOKU_HEADER]
        + (KOUSEIKYOKU_ROWS if rows is None else rows)
    )


NAVII_HEADER = [
    "ID",
    "正式名称",
    "正式名称（フリガナ）",
    "略称",
    "略称（フリガナ）",
    "英語表記（ローマ字表記）",
    "機関区分",
    "都道府県コード",
    "市区町村コード",
    "所在地",
    "所在地座標（緯度）",
    "所在地座標（経度）",
    "案内用ホームページアドレス",
    "毎週決まった曜日に休診（月）",
    "毎週決まった曜日に休診（木）",
    "合計病床数",
]
NAVII_ROWS = [
    [
        "4010000000001",
        "医療法人　森眼科医院",
        "イリョウホウジン　モリガンカイイン",
        "森眼科",
        "",
        "",
        "2",
        "40",
        "40106",
        "福岡県北九州市小倉北区魚町１－２－３",
        "33.8850",
        "130.8800",
        "https://mori-eye.example.jp",
        "0",
        "1",
        "0",
    ],
    [
        "4010000000002",
        "若松中央病院",
        "ワカマツチュウオウビョウイン",
        "",
        "",
        "",
        "1",
        "40",
        "40103",
        "福岡県北九州市若松区本町２－２",
        "0.0",
        "0.0",
        "",
        "0",
        "0",
        "199",
    ],
]


def navii_rows(rows=None):
    return [NAVII_HEADER] + (NAVII_ROWS if rows is None else rows)


def as_csv(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
