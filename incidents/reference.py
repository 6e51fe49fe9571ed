"""Seed versions of the accident reference tables (idempotent; an administrator loads the official
lists as new versions without touching past records). DOMAIN §3.2, §3.9.2, §3.9.3."""

from __future__ import annotations

from datetime import date
from typing import Any

INJURY_CODES_VERSION = "PL II NĐ 39/2016"
INJURY_CODES = [
    (
        "01",
        "Đầu, mặt, cổ",
        [
            ("011", "Chấn thương sọ não hở hoặc kín"),
            ("012", "Dập não"),
            ("013", "Máu tụ trong sọ"),
            ("014", "Vỡ sọ"),
            ("015", "Bị lột da đầu"),
            ("016", "Tổn thương đồng tử mắt"),
            ("017", "Vỡ và dập các xương cuốn của sọ"),
            ("018", "Vỡ các xương hàm mặt"),
            ("019", "Tổn thương phần mềm rộng ở mặt"),
            ("0110", "Bị thương vào cổ, tác hại đến thanh quản và thực quản"),
        ],
        False,
    ),
    (
        "02",
        "Ngực, bụng",
        [
            ("021", "Tổn thương lồng ngực tác hại đến cơ quan bên trong"),
            ("022", "Hội chứng chèn ép trung thất"),
            ("023", "Dập lồng ngực hay lồng ngực bị ép nặng"),
            ("024", "Gãy xương sườn"),
            ("025", "Tổn thương phần mềm rộng ở bụng"),
            ("026", "Bị thương và dập mạnh ở bụng tác hại tới cơ quan bên trong"),
            ("027", "Thủng, vỡ tạng trong ổ bụng"),
            ("028", "Đụng, dập ảnh hưởng tới vận động của xương sống"),
            ("029", "Vỡ, trật xương sống"),
            ("0210", "Vỡ xương chậu"),
            ("0211", "Tổn thương xương chậu ảnh hưởng lớn tới vận động của thân và chi dưới"),
            ("0212", "Tổn thương cơ quan sinh dục"),
        ],
        False,
    ),
    (
        "03",
        "Phần chi trên",
        [
            ("031", "Tổn thương xương, thần kinh, mạch máu ảnh hưởng tới vận động chi trên"),
            ("032", "Tổn thương phần mềm rộng khắp ở chi trên"),
            ("033", "Tổn thương ở vai, cánh tay, bàn tay, cổ tay làm hại đến các gân"),
            (
                "034",
                "Dập, gãy, vỡ nát các xương đòn, bả vai, cánh tay, cẳng tay, "
                "cổ tay, bàn tay, đốt ngón tay",
            ),
            ("035", "Trật, trẹo các khớp xương"),
        ],
        False,
    ),
    (
        "04",
        "Phần chi dưới",
        [
            (
                "041",
                "Chấn thương ở các chi dưới gây tổn thương mạch máu, "
                "thần kinh, xương ảnh hưởng tới vận động",
            ),
            ("042", "Bị thương rộng khắp ở chi dưới"),
            (
                "043",
                "Gẫy và dập xương hông, khớp hông, đùi, đầu gối, ống, "
                "cổ chân, bàn chân và các ngón",
            ),
        ],
        True,
    ),
    (
        "05",
        "Bỏng",
        [
            ("051", "Bỏng độ 3"),
            ("052", "Bỏng do nhiệt rộng khắp độ 2, độ 3"),
            ("053", "Bỏng nặng do hóa chất độ 2, độ 3"),
            ("054", "Bỏng điện nặng"),
            ("055", "Bị bỏng lạnh độ 3"),
            ("056", "Bị bỏng lạnh rộng khắp độ 2, độ 3"),
        ],
        True,
    ),
    (
        "06",
        "Nhiễm độc",
        [
            ("061", "Nhiễm độc ô xít các bon nặng"),
            ("062", "Nhiễm độc ô xít nitơ nặng"),
            ("063", "Nhiễm độc hydro sunfua nặng"),
            ("064", "Nhiễm độc ô xít các bon níc nồng độ cao"),
            ("065", "Nhiễm độc cấp các loại hóa chất bảo vệ thực vật"),
            ("066", "Nhiễm độc các loại hóa chất độc khác thuộc danh mục phải khai báo, đăng ký"),
        ],
        True,
    ),
    ("07", "Khác", [("071", "Các chấn thương nặng khác (chờ văn bản chính thức)")], True),
]

INJURY_FACTORS_VERSION = "Danh mục A, TT 23/1995 (tạm thời)"
INJURY_FACTORS = [
    "Điện (bao gồm điện cao thế)",
    "Phóng xạ",
    "Do phương tiện vận tải",
    "Do thiết bị chịu áp lực",
    "Do thiết bị nâng, thang máy",
    "Nổ vật liệu nổ",
    "Máy móc, thiết bị cán, cuốn, kẹp, cắt, va đập",
    "Bỏng hoá chất",
    "Ngộ độc hoá chất",
    "Cháy nổ xăng dầu",
    "Sập đổ công trình",
    "Sập lò, sập đất đá trong xây dựng, khai thác, thăm dò khoáng sản",
    "Cây hoặc vật đổ, đè, rơi",
    "Ngã cao",
    "Chết đuối",
    "Các loại khác",
]

OCCUPATIONS_VERSION = "VSCO 2020 (trích, tạm thời)"
OCCUPATIONS = [
    ("7111", "Thợ xây dựng"),
    ("8111", "Thợ khai thác mỏ, khai thác đá"),
    ("8172", "Thợ vận hành máy cưa, chế biến gỗ"),
    ("8160", "Công nhân vận hành máy chế biến thực phẩm"),
    ("8322", "Lái xe ô tô con, xe tải nhẹ"),
    ("8332", "Lái xe tải nặng"),
    ("9211", "Lao động trồng trọt"),
    ("7411", "Thợ điện"),
    ("9313", "Lao động phổ thông xây dựng"),
    ("7212", "Thợ hàn, cắt kim loại"),
]

OCCUPATIONAL_DISEASES_VERSION = "TT15-2016+TT02-2023"
TT15 = "TT 15/2016/TT-BYT"
OCCUPATIONAL_DISEASE_GROUPS = [
    (
        "I. Bụi phổi và phế quản",
        [
            "Bụi phổi silic nghề nghiệp",
            "Bụi phổi amiăng nghề nghiệp",
            "Bụi phổi bông nghề nghiệp",
            "Bụi phổi talc nghề nghiệp",
            "Bụi phổi than nghề nghiệp",
            "Viêm phế quản mạn tính nghề nghiệp",
            "Hen nghề nghiệp",
        ],
    ),
    (
        "II. Nhiễm độc",
        [
            "Nhiễm độc chì nghề nghiệp",
            "Nhiễm độc nghề nghiệp do benzen và đồng đẳng",
            "Nhiễm độc thủy ngân nghề nghiệp",
            "Nhiễm độc mangan nghề nghiệp",
            "Nhiễm độc trinitrotoluen (TNT) nghề nghiệp",
            "Nhiễm độc asen nghề nghiệp",
            "Nhiễm độc hóa chất bảo vệ thực vật nghề nghiệp",
            "Nhiễm độc nicotin nghề nghiệp",
            "Nhiễm độc cacbon monoxit nghề nghiệp",
            "Nhiễm độc cadimi nghề nghiệp",
        ],
    ),
    (
        "III. Yếu tố vật lý",
        [
            "Điếc nghề nghiệp do tiếng ồn",
            "Giảm áp nghề nghiệp",
            "Bệnh nghề nghiệp do rung toàn thân",
            "Bệnh nghề nghiệp do rung cục bộ",
            "Phóng xạ nghề nghiệp",
            "Đục thể thủy tinh nghề nghiệp",
        ],
    ),
    (
        "IV. Da",
        [
            "Nốt dầu nghề nghiệp",
            "Sạm da nghề nghiệp",
            "Viêm da tiếp xúc nghề nghiệp do crôm",
            "Da nghề nghiệp do tiếp xúc môi trường ẩm ướt và lạnh kéo dài",
            "Da nghề nghiệp do tiếp xúc cao su tự nhiên, hóa chất phụ gia cao su",
        ],
    ),
    (
        "V. Nhiễm khuẩn",
        [
            "Leptospira nghề nghiệp",
            "Viêm gan virut B nghề nghiệp",
            "Lao nghề nghiệp",
            "Nhiễm HIV do tai nạn rủi ro nghề nghiệp",
            "Viêm gan virut C nghề nghiệp",
        ],
    ),
    ("VI. Ung thư", ["Ung thư trung biểu mô nghề nghiệp"]),
]
# (group, name, legal source, valid from) of diseases added after TT 15/2016.
OCCUPATIONAL_DISEASES_ADDED = [
    ("Bổ sung năm 2023", "COVID-19 nghề nghiệp", "TT 02/2023/TT-BYT", date(2023, 4, 1)),
]
# Effective date of TT 15/2016 as we read it; names 1-34 are unverified reproductions (DOMAIN §5.1),
# so those rows are seeded provisional for an administrator to confirm.
TT15_VALID_FROM = date(2016, 7, 1)


def occupational_disease_rows() -> list[tuple[str, str, str, str, date]]:
    """(code, group, name, legal source, valid from) of the 35 diseases, numbered 1-35."""
    rows = [
        (group, name, TT15, TT15_VALID_FROM)
        for group, names in OCCUPATIONAL_DISEASE_GROUPS
        for name in names
    ] + OCCUPATIONAL_DISEASES_ADDED
    return [(str(number), *row) for number, row in enumerate(rows, start=1)]


ROLE_PERMISSIONS = {
    "commune_official": [
        "incidents.view_accident",
        "incidents.add_accident",
        "incidents.change_accident",
        "incidents.view_periodicaccidentreport",
        "incidents.change_periodicaccidentreport",
        "incidents.view_communeaccidentreport",
        "incidents.change_communeaccidentreport",
        "incidents.view_diseaseexam",
        "incidents.add_diseaseexam",
        "incidents.change_diseaseexam",
        "incidents.view_diseasecase",
        "incidents.add_diseasecase",
        "incidents.change_diseasecase",
    ],
    "commune_leader": [
        "incidents.view_accident",
        "incidents.view_periodicaccidentreport",
        "incidents.view_communeaccidentreport",
        "incidents.view_diseaseexam",
        "incidents.view_diseasecase",
    ],
    "province_viewer": [
        "incidents.view_accident",
        "incidents.view_periodicaccidentreport",
        "incidents.view_communeaccidentreport",
        "incidents.view_diseaseexam",
        "incidents.view_diseasecase",
    ],
    "unit_reporter": [],
    "enterprise_user": [],
}


def seed_incidents_reference_data(**kwargs: Any) -> None:
    from atvsld_portal.roles import grant_permissions
    from incidents.models import InjuryCode, InjuryFactor, Occupation, OccupationalDisease

    order = 0
    for _group_code, group_name, items, provisional in INJURY_CODES:
        for code, name in items:
            order += 1
            InjuryCode.objects.get_or_create(
                version=INJURY_CODES_VERSION,
                code=code,
                defaults={
                    "name": name,
                    "group": group_name,
                    "is_provisional": provisional,
                    "order": order,
                },
            )
    for number, name in enumerate(INJURY_FACTORS, start=1):
        InjuryFactor.objects.get_or_create(
            version=INJURY_FACTORS_VERSION,
            code=str(number),
            defaults={"name": name, "is_provisional": True, "order": number},
        )
    for number, (code, name) in enumerate(OCCUPATIONS, start=1):
        Occupation.objects.get_or_create(
            version=OCCUPATIONS_VERSION,
            code=code,
            defaults={"name": name, "is_provisional": True, "order": number},
        )
    for code, group, name, source, valid_from in occupational_disease_rows():
        OccupationalDisease.objects.get_or_create(
            version=OCCUPATIONAL_DISEASES_VERSION,
            code=code,
            defaults={
                "name": name,
                "group": group,
                "legal_source": source,
                "valid_from": valid_from,
                "order": int(code),
                "is_provisional": source == TT15,
            },
        )
    grant_permissions(ROLE_PERMISSIONS)
