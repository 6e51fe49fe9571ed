"""Seed values for the registry's reference tables (idempotent; never overwrites admin edits).

Ownership types follow DOMAIN §3.9.4 with local codes 1-9 until the official form footnote codes
are known. VSIC sections and divisions follow DOMAIN §9.3; division names and the placement of
division 45 in VSIC 2025 are provisional: an administrator loads the official tables.
"""

from __future__ import annotations

from typing import Any

from atvsld_portal.roles import grant_permissions

OWNERSHIP_TYPES = [
    ("1", "Doanh nghiệp nhà nước", False),
    ("2", "Công ty trách nhiệm hữu hạn", False),
    ("3", "Công ty cổ phần", False),
    ("4", "Công ty hợp danh", False),
    ("5", "Doanh nghiệp tư nhân", False),
    ("6", "Doanh nghiệp có vốn đầu tư nước ngoài", False),
    ("7", "Đơn vị kinh tế tập thể (hợp tác xã)", False),
    ("8", "Đơn vị kinh tế cá thể (hộ kinh doanh)", True),
    ("9", "Đơn vị hành chính sự nghiệp, Đảng, đoàn thể, hiệp hội", False),
]

HIGH_RISK_SECTIONS = set("ABCDEFH")

SECTIONS = {
    "2018": {
        "A": "Nông nghiệp, lâm nghiệp và thủy sản",
        "B": "Khai khoáng",
        "C": "Công nghiệp chế biến, chế tạo",
        "D": "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hòa không khí",
        "E": "Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải",
        "F": "Xây dựng",
        "G": "Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác",
        "H": "Vận tải kho bãi",
        "I": "Dịch vụ lưu trú và ăn uống",
        "J": "Thông tin và truyền thông",
        "K": "Hoạt động tài chính, ngân hàng và bảo hiểm",
        "L": "Hoạt động kinh doanh bất động sản",
        "M": "Hoạt động chuyên môn, khoa học và công nghệ",
        "N": "Hoạt động hành chính và dịch vụ hỗ trợ",
        "O": (
            "Hoạt động của Đảng, tổ chức chính trị - xã hội, quản lý nhà nước, an ninh quốc phòng; "
            "bảo đảm xã hội bắt buộc"
        ),
        "P": "Giáo dục và đào tạo",
        "Q": "Y tế và hoạt động trợ giúp xã hội",
        "R": "Nghệ thuật, vui chơi và giải trí",
        "S": "Hoạt động dịch vụ khác",
        "T": (
            "Hoạt động làm thuê các công việc trong các hộ gia đình, sản xuất sản phẩm vật chất "
            "và dịch vụ tự tiêu dùng của hộ gia đình"
        ),
        "U": "Hoạt động của các tổ chức và cơ quan quốc tế",
    },
    "2025": {
        "A": "Nông nghiệp, lâm nghiệp và thủy sản",
        "B": "Khai khoáng",
        "C": "Công nghiệp chế biến, chế tạo",
        "D": "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hòa không khí",
        "E": "Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải",
        "F": "Xây dựng",
        "G": "Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác",
        "H": "Vận tải kho bãi",
        "I": "Dịch vụ lưu trú và ăn uống",
        "J": "Xuất bản, phát sóng, sản xuất và phân phối nội dung",
        "K": "Viễn thông; lập trình máy tính, tư vấn, hạ tầng máy tính và dịch vụ thông tin khác",
        "L": "Tài chính, ngân hàng và bảo hiểm",
        "M": "Kinh doanh bất động sản",
        "N": "Chuyên môn, khoa học và công nghệ",
        "O": "Hành chính và dịch vụ hỗ trợ",
        "P": (
            "Đảng, tổ chức chính trị - xã hội, quản lý nhà nước, an ninh quốc phòng; "
            "bảo đảm xã hội bắt buộc"
        ),
        "Q": "Giáo dục và đào tạo",
        "R": "Y tế và trợ giúp xã hội",
        "S": "Nghệ thuật, thể thao và giải trí",
        "T": "Hoạt động dịch vụ khác",
        "U": (
            "Làm thuê trong hộ gia đình; sản xuất sản phẩm vật chất và dịch vụ tự tiêu dùng "
            "của hộ gia đình"
        ),
        "V": "Hoạt động của các tổ chức và cơ quan quốc tế",
    },
}

# Division ranges (inclusive) per section and version.
DIVISION_RANGES = {
    "2018": [
        ("A", 1, 3),
        ("B", 5, 9),
        ("C", 10, 33),
        ("D", 35, 35),
        ("E", 36, 39),
        ("F", 41, 43),
        ("G", 45, 47),
        ("H", 49, 53),
        ("I", 55, 56),
        ("J", 58, 63),
        ("K", 64, 66),
        ("L", 68, 68),
        ("M", 69, 75),
        ("N", 77, 82),
        ("O", 84, 84),
        ("P", 85, 85),
        ("Q", 86, 88),
        ("R", 90, 93),
        ("S", 94, 96),
        ("T", 97, 98),
        ("U", 99, 99),
    ],
    "2025": [
        ("A", 1, 3),
        ("B", 5, 9),
        ("C", 10, 33),
        ("D", 35, 35),
        ("E", 36, 39),
        ("F", 41, 43),
        ("G", 45, 47),
        ("H", 49, 53),
        ("I", 55, 56),
        ("J", 58, 60),
        ("K", 61, 63),
        ("L", 64, 66),
        ("M", 68, 68),
        ("N", 69, 75),
        ("O", 77, 82),
        ("P", 84, 84),
        ("Q", 85, 85),
        ("R", 86, 88),
        ("S", 90, 93),
        ("T", 94, 96),
        ("U", 97, 98),
        ("V", 99, 99),
    ],
}

HARMFUL_FACTORS = [
    ("temperature", "Nhiệt độ", "QCVN 26:2016/BYT"),
    ("humidity", "Độ ẩm", "QCVN 26:2016/BYT"),
    ("air_speed", "Tốc độ gió", "QCVN 26:2016/BYT"),
    ("light", "Ánh sáng", "QCVN 22:2016/BYT"),
    ("noise", "Tiếng ồn", "QCVN 24:2016/BYT"),
    ("dust", "Bụi", "QCVN 02:2019/BYT"),
    ("vibration", "Rung", "QCVN 27:2016/BYT"),
    ("toxic_gas", "Hơi khí độc", "QCVN 03:2019/BYT"),
    ("radiation", "Phóng xạ", "QCVN 30:2016/BYT"),
    ("emf", "Điện từ trường", "QCVN 21:2016/BYT"),
    ("other", "Khác", ""),
]

ROLE_PERMISSIONS = {
    "commune_official": [
        "enterprises.view_enterprise",
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.view_annualoshreport",
        "enterprises.add_annualoshreport",
        "enterprises.change_annualoshreport",
        "enterprises.view_monitoringrecord",
        "enterprises.add_monitoringrecord",
        "enterprises.change_monitoringrecord",
        "enterprises.view_enterprisemember",
        "enterprises.add_enterprisemember",
        "enterprises.change_enterprisemember",
    ],
    "commune_leader": [
        "enterprises.view_enterprise",
        "enterprises.view_annualoshreport",
        "enterprises.view_monitoringrecord",
        "enterprises.view_enterprisemember",
    ],
    "province_viewer": [
        "enterprises.view_enterprise",
        "enterprises.view_annualoshreport",
        "enterprises.view_monitoringrecord",
    ],
    "enterprise_user": [],
    "unit_reporter": [],
}


def seed_enterprises_reference_data(**kwargs: Any) -> None:
    from enterprises.models import ActivityDivision, ActivitySection, HarmfulFactor, OwnershipType

    for order, (code, name, household) in enumerate(OWNERSHIP_TYPES, start=1):
        OwnershipType.objects.get_or_create(
            code=code, defaults={"name": name, "is_household": household, "order": order}
        )
    for version, sections in SECTIONS.items():
        by_letter = {}
        for letter, name in sections.items():
            by_letter[letter], _created = ActivitySection.objects.get_or_create(
                version=version,
                letter=letter,
                defaults={"name": name, "is_high_risk": letter in HIGH_RISK_SECTIONS},
            )
        existing = set(
            ActivityDivision.objects.filter(version=version).values_list("code", flat=True)
        )
        ActivityDivision.objects.bulk_create(
            ActivityDivision(version=version, code=f"{division:02d}", section=by_letter[letter])
            for letter, first, last in DIVISION_RANGES[version]
            for division in range(first, last + 1)
            if f"{division:02d}" not in existing
        )
    for order, (code, name, standard) in enumerate(HARMFUL_FACTORS, start=1):
        HarmfulFactor.objects.get_or_create(
            code=code, defaults={"name": name, "standard": standard, "order": order}
        )
    grant_permissions(ROLE_PERMISSIONS)
