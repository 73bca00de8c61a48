"""Links from a facility's page to its page on the national site its code comes from."""

from urllib.parse import urlencode

KAIGO_SITE = "https://www.kaigokensaku.mhlw.go.jp"
NAVII_SITE = "https://www.iryou.teikyouseido.mhlw.go.jp/znk-web/juminkanja/S2300/initialize"


def national_page_url(facility):
    """介護サービス情報公表システム for a care office with its 事業所番号 and service code;
    医療情報ネット (ナビイ) for a facility with its ナビイ ID; otherwise ""."""
    kind = facility.kind
    if kind.service_code and len(facility.code) == 10:
        prefecture = facility.code[:2]
        query = urlencode(
            {
                "action_kouhyou_detail_001_kani": "true",
                "JigyosyoCd": f"{facility.code}-00",
                "ServiceCd": kind.service_code,
            }
        )
        return f"{KAIGO_SITE}/{prefecture}/index.php?{query}"
    if facility.navii_id:
        return f"{NAVII_SITE}?{urlencode({'sjk': '1', 'kikanCd': facility.navii_id})}"
    return ""
