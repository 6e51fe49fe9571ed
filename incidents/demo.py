"""Accidents demo for Ea Ly (and a few in Ea Bá): three years of accidents in both sectors, the
accident statistics reports built on them, and occupational-disease exams and cases.

Employed-sector accidents are declared online by the demo enterprise users (dn.ealy1, dn.ealy2)
or typed in from paper by the commune official; informal-sector accidents are reported by the
family or the village head by phone or on paper and entered by canbo.ealy. The set includes
deaths, a multi-victim accident, a commuting accident, a technical incident without victims,
late declarations (over 24 hours), two declarations waiting in the inbox (one urgent) and two
drafts (one of an enterprise, one of the commune).

Statistics (Ea Ly): the Phụ lục XII periods of the first half and the whole of the previous year
and the first half of this year (counted from the latest first half-year that has ended) are
opened through ``period_open``; enterprises' reports are filed online by the demo users or typed
in from paper by canbo.ealy, on time or late, approved, waiting, returned or never filed; the
quarry's (dn.ealy1) latest first-half report is left as a draft in a period kept open. The
commune's own report to Sở Nội vụ is sent on time, sent late, and left as a draft. Diseases:
exam rounds of the quarry, the sawmill and the cassava plant (this year's waiting for the
commune), routine rounds sent on paper by most other establishments with harmful factors, and
four cases.

Declarations, reports, exams and cases go through the services, so receipt numbers, versions,
status history and the outbox are real; the historic timestamps are then set by a queryset
update. Idempotent: an accident is found again by its commune, place and account (texts that do
not move with the day of the run), a report by its period, an exam round by its note, a case by
its commune and name; a report or an exam that is no longer a draft is never touched again.
Dates are relative to ``core["today"]`` and never in the future.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from atvsld_portal.models import AdministrativeUnit, Filing, FilingEvent, ReportingPeriod, User
from atvsld_portal.services import period_open
from enterprises.demo import EA_BA, EA_LY, MEMBERSHIPS
from enterprises.models import Enterprise, HarmfulFactor, MonitoringRecord
from incidents import services
from incidents.models import (
    Accident,
    AccidentDeclaration,
    Cause,
    CommuneAccidentReport,
    DiseaseCase,
    DiseaseExam,
    InjuryCode,
    InjuryFactor,
    Occupation,
    OccupationalDisease,
    PeriodicAccidentReport,
    Victim,
)
from incidents.reference import (
    INJURY_CODES_VERSION,
    INJURY_FACTORS_VERSION,
    OCCUPATIONS_VERSION,
    seed_incidents_reference_data,
)
from incidents.services import diseases as disease_services
from incidents.services import reports

S = Victim.Severity
M, F = Victim.Sex.MALE, Victim.Sex.FEMALE
ONLINE, PAPER, PHONE = Filing.Channel.ONLINE, Filing.Channel.PAPER, Filing.Channel.PHONE
DRAFT, SUBMITTED, RECEIVED = "draft", "submitted", "received"

DA_EA_LAM = "Công ty TNHH Khai thác Đá Ea Lâm"
GO_BUON_LY = "Công ty TNHH Chế biến Gỗ Buôn Ly"
TINH_BOT_SAN = "Công ty TNHH Chế biến Tinh bột sắn Ea Ly"
XAY_DUNG = "Công ty TNHH Xây dựng Hòa Thuận"
VAN_TAI = "Công ty TNHH Vận tải Ea Ly"
KHOANG_SAN_EA_BA = "Công ty TNHH Khai thác Khoáng sản Ea Bá"
BE_TONG = "Công ty TNHH Bê tông Tân Lập"


@dataclass(frozen=True)
class DemoVictim:
    full_name: str
    sex: str
    birth_year: int
    occupation: str
    severity: str
    codes: tuple[str, ...] = ()
    treatment_place: str = ""
    days_off: int = 0
    costs: tuple[int, int, int] = (0, 0, 0)  # medical, wages during treatment, compensation (VND)


@dataclass(frozen=True)
class DemoAccident:
    commune: str  # "ealy" or "eaba"
    # (years back, month, day), or days ago in the last months. Years back count from this year,
    # or with ``statistics_anchor`` from the year of the latest ended first half (see
    # statistics_year), so that the accident lands in the half-year report left to file.
    when: tuple[int, int, int] | int
    at: time
    place: str
    account: str
    filer: str  # the demo user who declares (an enterprise member, or the official entering it)
    channel: str
    declarant: tuple[str, str, str]  # name, position, phone
    state: str  # DRAFT, SUBMITTED or RECEIVED
    delay_hours: int  # from the accident to the declaration
    enterprise: str | None = None
    village: str | None = None
    kind: str = Accident.Kind.ACCIDENT
    main_cause: str = ""
    factor: str | None = None  # injury factor code (list A)
    commuting: bool = False
    property_damage: int = 0
    victims: tuple[DemoVictim, ...] = field(default=())
    statistics_anchor: bool = False


ACCIDENTS = [
    # ---- two years ago -------------------------------------------------------------------
    DemoAccident(
        "ealy",
        (2, 3, 14),
        time(8, 40),
        "Moong khai thác số 2, mỏ đá Ea Lâm",
        "Trong lúc cạy đá treo ở tầng khai thác số 2, khối đá lớn bất ngờ sạt xuống đè lên "
        "công nhân. Ban đầu xác định do không kiểm tra, gia cố vách tầng trước khi làm việc.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        RECEIVED,
        4,
        enterprise=DA_EA_LAM,
        village="Thôn Ea Lâm 2",
        main_cause=Cause.NO_SAFE_PROCEDURE,
        factor="12",
        victims=(DemoVictim("Y Thơ Mlô", M, 1986, "Thợ khai thác đá", S.FATAL),),
    ),
    DemoAccident(
        "ealy",
        (2, 6, 22),
        time(15, 10),
        "Vườn sầu riêng nhà ông Bình, thôn Tân Lập",
        "Ông Nguyễn Văn Sáu trèo cây sầu riêng hái quả thuê thì gãy cành, ngã từ độ cao khoảng "
        "6 m xuống đất. Gia đình gọi điện báo Ủy ban nhân dân xã ngày hôm sau.",
        "canbo.ealy",
        PHONE,
        ("Nguyễn Văn Bình", "Con trai người bị nạn", "0978112233"),
        RECEIVED,
        30,
        village="Thôn Tân Lập",
        main_cause=Cause.RULES_VIOLATED,
        factor="14",
        victims=(
            DemoVictim(
                "Nguyễn Văn Sáu",
                M,
                1971,
                "Lao động tự do",
                S.SERIOUS,
                ("043",),
                "Bệnh viện Đa khoa vùng Tây Nguyên",
                45,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        (2, 10, 5),
        time(9, 20),
        "Xưởng xẻ gỗ, Công ty TNHH Chế biến Gỗ Buôn Ly",
        "Khi đẩy phôi gỗ qua máy cưa đĩa, tay trái công nhân trượt vào lưỡi cưa do tấm chắn "
        "bảo vệ bị tháo ra để vệ sinh mà chưa lắp lại.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        RECEIVED,
        5,
        enterprise=GO_BUON_LY,
        village="Buôn Ly",
        main_cause=Cause.NO_SAFETY_EQUIPMENT,
        factor="7",
        victims=(
            DemoVictim(
                "Trần Văn Lực",
                M,
                1995,
                "Công nhân xẻ gỗ",
                S.MINOR,
                (),
                "Trạm Y tế xã Ea Ly",
                6,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        (2, 11, 18),
        time(17, 45),
        "Tỉnh lộ 645, đoạn qua buôn Chấp",
        "Trên đường từ nhà máy về nhà sau ca làm việc, xe máy của công nhân va chạm với xe "
        "công nông đi ngược chiều. Công an xã đã lập biên bản khám nghiệm hiện trường.",
        "dn.ealy2",
        ONLINE,
        ("Võ Thị Lan", "Trưởng phòng Hành chính - Nhân sự", "0914556677"),
        RECEIVED,
        20,
        enterprise=TINH_BOT_SAN,
        village="Buôn Chấp",
        main_cause=Cause.OBJECTIVE,
        factor="3",
        commuting=True,
        victims=(
            DemoVictim(
                "H'Hoa Êban",
                F,
                1998,
                "Công nhân vận hành",
                S.SERIOUS,
                ("024",),
                "Bệnh viện Đa khoa tỉnh Đắk Lắk",
                30,
            ),
        ),
    ),
    # ---- last year -----------------------------------------------------------------------
    DemoAccident(
        "ealy",
        (1, 1, 9),
        time(7, 30),
        "Công trình nhà văn hóa thôn Hòa Thuận",
        "Giàn giáo tầng 2 bị sập khi ba công nhân đang trát tường ngoài. Giàn giáo lắp không "
        "đủ giằng chéo và không được kiểm tra trước ca. Công ty gửi bản khai báo giấy.",
        "canbo.ealy",
        PAPER,
        ("Lê Văn Hòa", "Giám đốc", "0935778899"),
        RECEIVED,
        26,
        enterprise=XAY_DUNG,
        village="Thôn Hòa Thuận",
        main_cause=Cause.WORK_ORGANISATION,
        factor="11",
        victims=(
            DemoVictim(
                "Đinh Văn Tài",
                M,
                1988,
                "Thợ nề",
                S.SERIOUS,
                ("034",),
                "Bệnh viện Đa khoa tỉnh Đắk Lắk",
                60,
            ),
            DemoVictim(
                "Ksor Y Phăng",
                M,
                2000,
                "Phụ hồ",
                S.SERIOUS,
                ("043",),
                "Bệnh viện Đa khoa tỉnh Đắk Lắk",
                75,
            ),
            DemoVictim(
                "Nguyễn Thị Mận",
                F,
                1992,
                "Phụ hồ",
                S.MINOR,
                (),
                "Trạm Y tế xã Ea Ly",
                7,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        (1, 4, 3),
        time(10, 15),
        "Rẫy cà phê gần suối Ea Lâm, thôn Ea Lâm 1",
        "Ông Hồ Văn Tư kéo dây điện tự đấu nối để chạy máy bơm tưới cà phê thì bị điện giật "
        "tử vong. Trưởng thôn lập báo cáo bằng văn bản gửi Ủy ban nhân dân xã.",
        "canbo.ealy",
        PAPER,
        ("Trần Văn Mạnh", "Trưởng thôn Ea Lâm 1", "0987334455"),
        RECEIVED,
        6,
        village="Thôn Ea Lâm 1",
        main_cause=Cause.RULES_VIOLATED,
        factor="1",
        victims=(DemoVictim("Hồ Văn Tư", M, 1965, "Nông dân trồng cà phê", S.FATAL),),
    ),
    DemoAccident(
        "ealy",
        (1, 7, 27),
        time(14, 0),
        "Khu lò sấy, Nhà máy tinh bột sắn Ea Ly",
        "Đường ống dẫn hơi của lò sấy bị nứt mối hàn, xì hơi nóng; ca trực đã dừng lò kịp "
        "thời, không có người bị nạn. Thiệt hại chủ yếu là đường ống và một ngày ngừng sản xuất.",
        "dn.ealy2",
        ONLINE,
        ("Võ Thị Lan", "Trưởng phòng Hành chính - Nhân sự", "0914556677"),
        RECEIVED,
        3,
        enterprise=TINH_BOT_SAN,
        village="Thôn Ea Lâm 1",
        kind=Accident.Kind.TECHNICAL_INCIDENT,
        main_cause=Cause.NO_SAFETY_EQUIPMENT,
        factor="4",
        property_damage=85_000_000,
    ),
    DemoAccident(
        "ealy",
        (1, 9, 12),
        time(16, 30),
        "Rẫy keo lai, buôn Ken",
        "Khi chặt cây keo thuê cho hộ gia đình, cây đổ lệch hướng quật trúng vai người lao "
        "động. Vợ người bị nạn gọi điện báo cán bộ xã.",
        "canbo.ealy",
        PHONE,
        ("H'Ngọc Niê", "Vợ người bị nạn", "0966221100"),
        RECEIVED,
        10,
        village="Buôn Ken",
        main_cause=Cause.OBJECTIVE,
        factor="13",
        victims=(
            DemoVictim(
                "Y Krăk Niê",
                M,
                1983,
                "Lao động tự do",
                S.MINOR,
                (),
                "Trạm Y tế xã Ea Ly",
                10,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        (1, 12, 2),
        time(10, 50),
        "Xưởng bào, Công ty TNHH Chế biến Gỗ Buôn Ly",
        "Công nhân đưa tay gạt dăm gỗ khi máy bào cuốn vẫn đang chạy, bàn tay phải bị kẹp "
        "vào trục dao.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        RECEIVED,
        8,
        enterprise=GO_BUON_LY,
        village="Buôn Ly",
        main_cause=Cause.RULES_VIOLATED,
        factor="7",
        victims=(
            DemoVictim(
                "Lê Văn Hùng",
                M,
                1990,
                "Công nhân vận hành máy",
                S.SERIOUS,
                ("034",),
                "Bệnh viện Đa khoa tỉnh Đắk Lắk",
                40,
            ),
        ),
    ),
    DemoAccident(
        "eaba",
        (1, 5, 20),
        time(9, 0),
        "Bãi nghiền sàng, mỏ khoáng sản Ea Bá",
        "Công nhân trượt chân trên băng tải đang dừng để sửa chữa, ngã xuống bãi đá, bị "
        "thương ở chân. Công ty gửi khai báo bằng văn bản.",
        "canbo.eaba",
        PAPER,
        ("Đỗ Văn Long", "Quản đốc", "0905667788"),
        RECEIVED,
        12,
        enterprise=KHOANG_SAN_EA_BA,
        village="Buôn Bá",
        main_cause=Cause.POOR_CONDITIONS,
        factor="14",
        victims=(DemoVictim("Y Djoan Êban", M, 1993, "Công nhân nghiền sàng", S.MINOR, (), "", 8),),
    ),
    # ---- this year (days ago) ------------------------------------------------------------
    DemoAccident(
        "ealy",
        200,
        time(8, 0),
        "Rẫy cà phê nhà bà Lụa, thôn Tân Lập",
        "Bà Phan Thị Lụa phun thuốc bảo vệ thực vật cho cà phê không đeo khẩu trang, găng "
        "tay; khoảng hai giờ sau bị chóng mặt, nôn và được đưa đi cấp cứu.",
        "canbo.ealy",
        PHONE,
        ("Phan Văn Hải", "Chồng người bị nạn", "0944889900"),
        RECEIVED,
        9,
        village="Thôn Tân Lập",
        main_cause=Cause.PPE_NOT_USED,
        factor="9",
        victims=(
            DemoVictim(
                "Phan Thị Lụa",
                F,
                1979,
                "Nông dân trồng cà phê",
                S.SERIOUS,
                ("065",),
                "Trung tâm Y tế khu vực Sông Hinh",
                14,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        95,
        time(13, 20),
        "Tầng khai thác số 3, mỏ đá Ea Lâm",
        "Sau nổ mìn, đất đá ở mép tầng khai thác số 3 sạt lở vùi hai công nhân đang dọn đá. "
        "Một người tử vong tại chỗ, một người bị thương nặng.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        RECEIVED,
        3,
        enterprise=DA_EA_LAM,
        village="Thôn Ea Lâm 2",
        main_cause=Cause.NO_SAFE_PROCEDURE,
        factor="12",
        victims=(
            DemoVictim("Rơ Châm Hiệp", M, 1991, "Thợ khai thác đá", S.FATAL),
            DemoVictim(
                "Nguyễn Văn Toàn",
                M,
                1987,
                "Thợ khai thác đá",
                S.SERIOUS,
                ("029", "024"),
                "Bệnh viện Đa khoa vùng Tây Nguyên",
                90,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        40,
        time(5, 50),
        "Đèo Ea Lâm, đường liên xã Ea Ly - Ea Bá",
        "Xe tải chở sắn lát của công ty mất phanh khi xuống đèo, lật vào taluy. Lái xe và phụ "
        "xe bị thương nhẹ. Công ty nộp khai báo giấy tại bộ phận một cửa sau hai ngày.",
        "canbo.ealy",
        PAPER,
        ("Trương Văn Quý", "Giám đốc", "0913445566"),
        RECEIVED,
        50,
        enterprise=VAN_TAI,
        village="Thôn Ea Lâm 2",
        main_cause=Cause.NO_SAFETY_EQUIPMENT,
        factor="3",
        property_damage=120_000_000,
        victims=(
            DemoVictim("Hoàng Văn Kiên", M, 1984, "Lái xe tải", S.MINOR, (), "", 5),
            DemoVictim("Y Sơn Mlô", M, 2001, "Phụ xe", S.MINOR, (), "", 3),
        ),
    ),
    DemoAccident(
        "eaba",
        60,
        time(17, 15),
        "Hồ thủy lợi buôn Trinh",
        "Bà Ma Thị Nguyệt xuống hồ đặt ống bơm nước tưới cà phê thì trượt chân, đuối nước. "
        "Người dân phát hiện và báo Ủy ban nhân dân xã Ea Bá.",
        "canbo.eaba",
        PHONE,
        ("Ma Văn Thành", "Trưởng buôn Trinh", "0975001122"),
        RECEIVED,
        15,
        village="Buôn Trinh",
        main_cause=Cause.OBJECTIVE,
        factor="15",
        victims=(DemoVictim("Ma Thị Nguyệt", F, 1969, "Nông dân trồng cà phê", S.FATAL),),
    ),
    DemoAccident(
        "eaba",
        10,
        time(10, 0),
        "Xưởng cơ khí sửa chữa, mỏ khoáng sản Ea Bá",
        "Công nhân mài chi tiết bị mảnh đá mài vỡ văng trúng mặt, không đeo kính bảo hộ.",
        "canbo.eaba",
        PAPER,
        ("Đỗ Văn Long", "Quản đốc", "0905667788"),
        SUBMITTED,
        28,
        enterprise=KHOANG_SAN_EA_BA,
        village="Buôn Bá",
        main_cause=Cause.PPE_NOT_USED,
        factor="16",
        victims=(
            DemoVictim("Lò Văn Pả", M, 1997, "Thợ cơ khí", S.MINOR, (), "Trạm Y tế xã Ea Bá", 4),
        ),
    ),
    # ---- in the first half-year whose Phụ lục XII report dn.ealy1 has left to file ----------
    DemoAccident(
        "ealy",
        (0, 4, 16),
        time(9, 45),
        "Tầng khai thác số 4, mỏ đá Ea Lâm",
        "Công nhân đứng sát mép tầng khai thác cao khoảng 5 m để chỉ hướng cho máy xúc thì trượt "
        "chân ngã xuống chân tầng; không đeo dây an toàn dù đã được cấp phát.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        RECEIVED,
        6,
        enterprise=DA_EA_LAM,
        village="Thôn Ea Lâm 2",
        main_cause=Cause.PPE_NOT_USED,
        factor="14",
        victims=(
            DemoVictim(
                "Y Phin Êban",
                M,
                1993,
                "Thợ khai thác đá",
                S.SERIOUS,
                ("043",),
                "Bệnh viện Đa khoa vùng Tây Nguyên",
                35,
                (18_500_000, 9_800_000, 5_000_000),
            ),
        ),
        statistics_anchor=True,
    ),
    # ---- waiting in the Ea Ly inbox, and drafts --------------------------------------------
    DemoAccident(
        "ealy",
        3,
        time(21, 30),
        "Dây chuyền mài củ, Nhà máy tinh bột sắn Ea Ly",
        "Trong ca đêm, công nhân vệ sinh băng tải khi chưa ngắt điện; ống tay áo bị cuốn vào "
        "rulô, kéo theo cánh tay phải.",
        "dn.ealy2",
        ONLINE,
        ("Võ Thị Lan", "Trưởng phòng Hành chính - Nhân sự", "0914556677"),
        SUBMITTED,
        5,
        enterprise=TINH_BOT_SAN,
        village="Thôn Ea Lâm 1",
        main_cause=Cause.NOT_TRAINED,
        factor="7",
        victims=(
            DemoVictim(
                "Nguyễn Thị Thu",
                F,
                1996,
                "Công nhân vận hành",
                S.SERIOUS,
                ("031",),
                "Bệnh viện Đa khoa tỉnh Đắk Lắk",
                0,
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        2,
        time(7, 10),
        "Bãi tập kết gỗ tròn, Công ty TNHH Chế biến Gỗ Buôn Ly",
        "Cáp cẩu gỗ tròn bị đứt, bó gỗ rơi trúng hai công nhân đang móc cáp bên dưới.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        SUBMITTED,
        30,
        enterprise=GO_BUON_LY,
        village="Buôn Ly",
        main_cause=Cause.NO_SAFETY_EQUIPMENT,
        factor="5",
        victims=(
            DemoVictim(
                "Y Bhiông Niê",
                M,
                1989,
                "Công nhân bốc xếp",
                S.SERIOUS,
                ("023",),
                "Bệnh viện Đa khoa vùng Tây Nguyên",
            ),
            DemoVictim(
                "Trần Quốc Việt",
                M,
                1994,
                "Công nhân bốc xếp",
                S.SERIOUS,
                ("043",),
                "Bệnh viện Đa khoa vùng Tây Nguyên",
            ),
        ),
    ),
    DemoAccident(
        "ealy",
        1,
        time(15, 40),
        "Tầng khai thác số 1, mỏ đá Ea Lâm",
        "Công nhân bị đá văng trúng cẳng chân khi đập đá quá cỡ bằng búa tay; đang sơ cứu "
        "tại trạm y tế, công ty chưa gửi khai báo.",
        "dn.ealy1",
        ONLINE,
        ("Phạm Văn Đức", "Phó Giám đốc", "0905123456"),
        DRAFT,
        0,
        enterprise=DA_EA_LAM,
        village="Thôn Ea Lâm 2",
        factor="16",
        victims=(DemoVictim("Y Kông Mlô", M, 1999, "Thợ khai thác đá", S.MINOR),),
    ),
    DemoAccident(
        "ealy",
        1,
        time(11, 0),
        "Công trình nhà ở hộ ông Khánh, thôn Hòa Thuận",
        "Trưởng thôn báo qua điện thoại: một thợ hồ làm thuê ngã từ mái tôn. Cán bộ xã đang "
        "xác minh mức độ thương tích trước khi hoàn tất khai báo.",
        "canbo.ealy",
        PHONE,
        ("Lê Văn Khánh", "Trưởng thôn Hòa Thuận", "0989665544"),
        DRAFT,
        0,
        village="Thôn Hòa Thuận",
        factor="14",
        victims=(DemoVictim("Đoàn Văn Lợi", M, 1980, "Thợ hồ tự do", S.MINOR),),
    ),
]

# Declared (on paper, months late) after the enterprise had filed its half-year report without it,
# so the compliance table shows a filed report that disagrees with the records. Loaded after the
# statistics for that reason.
DECLARED_AFTER_THE_REPORT = [
    DemoAccident(
        "ealy",
        (0, 5, 19),
        time(14, 20),
        "Trạm trộn bê tông, Công ty TNHH Bê tông Tân Lập",
        "Khi vệ sinh cối trộn, công nhân thò tay gạt bê tông bám thành cối trong lúc cối vẫn quay "
        "chậm; bàn tay trái bị kẹp giữa cánh trộn và thành cối. Công ty chỉ gửi khai báo giấy sau "
        "khi đoàn kiểm tra của xã phát hiện.",
        "canbo.ealy",
        PAPER,
        ("Ngô Văn Thắng", "Giám đốc", "0935221144"),
        RECEIVED,
        24 * 80,
        enterprise=BE_TONG,
        village="Thôn Tân Lập",
        main_cause=Cause.NO_SAFE_PROCEDURE,
        factor="7",
        victims=(
            DemoVictim(
                "Lưu Văn Bảy",
                M,
                1990,
                "Công nhân vận hành trạm trộn",
                S.SERIOUS,
                ("034",),
                "Bệnh viện Đa khoa tỉnh Đắk Lắk",
                28,
            ),
        ),
        statistics_anchor=True,
    ),
]

RECEIVERS = {"ealy": "canbo.ealy", "eaba": "canbo.eaba"}
# Victims' occupations that have a code in the (provisional) VSCO 2020 extract, so that section
# 1.3 of Phụ lục XII shows codes; the others are counted under their name.
OCCUPATION_CODES = {
    "Thợ khai thác đá": "8111",
    "Công nhân xẻ gỗ": "8172",
    "Thợ nề": "7111",
    "Phụ hồ": "9313",
    "Lái xe tải": "8332",
    "Nông dân trồng cà phê": "9211",
}


def statistics_year(today: date) -> int:
    """The year of the latest first half-year that has ended (this year from 1 July on)."""
    return today.year if today >= date(today.year, 7, 1) else today.year - 1


def occurred_at(row: DemoAccident, today: date) -> datetime:
    if isinstance(row.when, int):
        day = today - timedelta(days=row.when)
    else:
        years_back, month, day_of_month = row.when
        base = statistics_year(today) if row.statistics_anchor else today.year
        day = min(date(base - years_back, month, day_of_month), today - timedelta(days=1))
    return timezone.make_aware(datetime.combine(day, row.at))


def _accident(row: DemoAccident, core: dict, enterprises: dict, today: date) -> Accident | None:
    """Create the draft with its victims; None when it exists already."""
    commune: AdministrativeUnit = core[row.commune]
    if Accident.objects.filter(commune=commune, place=row.place, account=row.account).exists():
        return None
    enterprise = enterprises[row.enterprise] if row.enterprise else None
    name, position, phone = row.declarant
    accident = Accident(
        commune=commune,
        sector=Accident.Sector.EMPLOYED if enterprise else Accident.Sector.INFORMAL,
        enterprise=enterprise,
        kind=row.kind,
        occurred_at=occurred_at(row, today),
        place=row.place,
        village=core["villages"].get(row.village) if row.village else None,
        account=row.account,
        main_cause=row.main_cause,
        injury_factor=InjuryFactor.objects.filter(
            version=INJURY_FACTORS_VERSION, code=row.factor
        ).first(),
        commuting=row.commuting,
        property_damage=row.property_damage,
        declarant_name=name,
        declarant_position=position,
        declarant_phone=phone,
        channel=row.channel,
        created_by=core["users"][row.filer],
    )
    accident.full_clean()
    accident.save()
    occupations = {
        o.code: o
        for o in Occupation.objects.filter(
            version=OCCUPATIONS_VERSION, code__in=OCCUPATION_CODES.values()
        )
    }
    for demo_victim in row.victims:
        medical, wages, compensation = demo_victim.costs
        victim = Victim.objects.create(
            accident=accident,
            full_name=demo_victim.full_name,
            sex=demo_victim.sex,
            birth_year=demo_victim.birth_year,
            occupation=occupations.get(OCCUPATION_CODES.get(demo_victim.occupation, "")),
            occupation_name=demo_victim.occupation,
            under_management=enterprise is not None,
            severity=demo_victim.severity,
            treatment_place=demo_victim.treatment_place,
            days_off=demo_victim.days_off,
            cost_medical=medical,
            cost_wages=wages,
            cost_compensation=compensation,
        )
        victim.injury_codes.set(
            InjuryCode.objects.filter(version=INJURY_CODES_VERSION, code__in=demo_victim.codes)
        )
    return accident


def _file(accident: Accident, row: DemoAccident, users: dict[str, User], now: datetime) -> None:
    """Declare (and receive) through the services, then date the steps as they happened."""
    services.accident_submit(accident=accident, by=users[row.filer], channel=row.channel)
    submitted_at = min(accident.occurred_at + timedelta(hours=row.delay_hours), now)
    Accident.objects.filter(pk=accident.pk).update(submitted_at=submitted_at)
    AccidentDeclaration.objects.filter(accident=accident).update(submitted_at=submitted_at)
    if row.state != RECEIVED:
        return
    services.accident_receive(accident=accident, by=users[RECEIVERS[row.commune]])
    received_at = min(submitted_at + timedelta(hours=2), now)
    Accident.objects.filter(pk=accident.pk).update(received_at=received_at)


def _load_accidents(rows: list[DemoAccident], core: dict, today: date) -> dict[str, Accident]:
    now = timezone.now()
    created: dict[str, Accident] = {}
    # In the order they happened, so receipt numbers follow the calendar within each year.
    for row in sorted(rows, key=lambda r: occurred_at(r, today)):
        accident = _accident(row, core, core["enterprises"], today)
        if accident is None:
            continue
        if row.state != DRAFT:
            _file(accident, row, core["users"], now)
        created[row.place] = accident
    return created


@transaction.atomic
def load(*, core: dict) -> dict:
    """Create the demo accidents, statistics reports and disease records that are missing;
    returns the accidents created, by place."""
    seed_incidents_reference_data()
    today: date = core["today"]
    created = _load_accidents(ACCIDENTS, core, today)
    _correct_one(core["users"])
    _statistics(core, today)
    created.update(_load_accidents(DECLARED_AFTER_THE_REPORT, core, today))
    _diseases(core, today)
    return {"accidents": created}


def _correct_one(users: dict[str, User]) -> None:
    """dn.ealy1 corrects the place of its latest received declaration (version 2, same number)."""
    filer = users["dn.ealy1"]
    mine = Accident.objects.filter(enterprise__memberships__user=filer)
    if mine.filter(declarations__version__gte=2).exists():
        return  # done by an earlier load (the latest accident may be another one by now)
    accident = (
        mine.filter(status=Accident.Status.RECEIVED, declarations__version=1)
        .order_by("-occurred_at")
        .first()
    )
    if accident is None:
        return
    draft = services.correction_start(
        accident=accident,
        by=filer,
        reason="Ghi lại chính xác vị trí xảy ra tai nạn theo sơ đồ hiện trường.",
    )
    services.correction_update(
        declaration=draft, by=filer, place=f"{accident.place} (điểm đo số 3)"
    )
    services.correction_submit(declaration=draft, by=filer)


# ------------------------------------------------------------------------------
# Accident statistics: the enterprises' Phụ lục XII reports and the commune's reports
# ------------------------------------------------------------------------------
# Three half-year periods counted from Y = statistics_year(today), the latest first half-year
# that has ended: "h1-1" (first half of Y-1), "year-1" (whole year Y-1), "h1" (first half of Y).
# Whatever the day of the run, the first two are past their due dates and the third has ended,
# so every report below can be filed; on 29/11/2026 they are H1 2025, 2025 and H1 2026.
ON_TIME, LATE = "on_time", "late"
APPROVED, RETURNED, WAITING = (
    Filing.Status.APPROVED,
    Filing.Status.RETURNED,
    Filing.Status.SUBMITTED,  # submitted, waiting for the commune's decision
)
# The commune extends the closing date of the latest first half-year so that drafts left in it
# can still be filed (extending unlocks drafts, DOMAIN §7.8). Without it, a demo loaded after
# 31 July would show dn.ealy1's draft locked, and "file and download the Phụ lục XII report"
# could not be tried after `make run`.
OPEN_FOR_DAYS = 45


@dataclass(frozen=True)
class Filed:
    state: str  # WAITING, APPROVED or RETURNED
    channel: str = PAPER  # enterprises without a portal account send paper
    timing: str = ON_TIME


RETURN_REASON = (
    "Bảng II chưa ghi chi phí y tế và tiền lương trả trong thời gian điều trị cho người bị "
    "nạn; đề nghị công ty bổ sung và gửi lại."
)
# The demo users' companies and the builder, period by period; None: not filed (a draft).
NAMED_FILINGS: dict[str, dict[str, Filed | None]] = {
    # dn.ealy1: the quarry filed late once and has left the latest first half to file.
    DA_EA_LAM: {
        "h1-1": Filed(APPROVED, ONLINE),
        "year-1": Filed(APPROVED, ONLINE, LATE),
        "h1": None,
    },
    # dn.ealy1: the sawmill's annual report came back for correction.
    GO_BUON_LY: {
        "h1-1": Filed(APPROVED, ONLINE),
        "year-1": Filed(RETURNED, ONLINE),
        "h1": Filed(WAITING, ONLINE),
    },
    TINH_BOT_SAN: {  # dn.ealy2
        "h1-1": Filed(APPROVED, ONLINE),
        "year-1": Filed(APPROVED, ONLINE),
        "h1": Filed(APPROVED, ONLINE),
    },
    XAY_DUNG: {
        "h1-1": Filed(APPROVED),
        "year-1": Filed(APPROVED, timing=LATE),
        "h1": Filed(WAITING),
    },
    # Filed without the accident it declared afterwards (DECLARED_AFTER_THE_REPORT).
    BE_TONG: {"h1-1": Filed(APPROVED), "year-1": Filed(APPROVED), "h1": Filed(APPROVED)},
}
# The commune's own report: (sent on time or late, how) or None (still a draft).
COMMUNE_SENDING: dict[str, tuple[str, str] | None] = {
    "h1-1": (ON_TIME, CommuneAccidentReport.SentVia.ONLINE),
    "year-1": (LATE, CommuneAccidentReport.SentVia.POST),
    "h1": None,
}
COMMUNE_DOCUMENT_NUMBERS = {"h1-1": "86/BC-UBND", "year-1": "07/BC-UBND"}
COMMUNE_REMARKS = (
    "Tai nạn lao động khu vực không có hợp đồng lao động tập trung ở làm rẫy cà phê (điện giật "
    "khi tự đấu nối máy bơm, ngộ độc thuốc bảo vệ thực vật) và hái quả, chặt cây thuê. Đề nghị "
    "Sở Nội vụ hỗ trợ tài liệu tuyên truyền bằng tiếng Ê Đê và lớp huấn luyện an toàn điện cho "
    "nông dân."
)


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _backdate(filing: Filing, *, submitted_at: datetime, decided_at=None, **fields) -> None:
    """Date a filing's steps as they happened (the services stamp them with now)."""
    model = type(filing)
    values = {"submitted_at": submitted_at, **fields}
    if decided_at is not None:
        values["decided_at"] = decided_at
    model.objects.filter(pk=filing.pk).update(**values)
    events = FilingEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=filing.pk
    )
    events.filter(to_status=Filing.Status.SUBMITTED).update(at=submitted_at)
    if decided_at is not None:
        events.filter(to_status__in=[APPROVED, RETURNED]).update(at=decided_at)


def _open_period(commune, kind: str, year: int, part: str, *, latest: bool, today, by):
    dates = reports.periodic_report_default_dates
    if kind == reports.COMMUNE_REPORT_KIND:
        dates = reports.commune_report_default_dates
    opens, due, closes = dates(year, part)
    if latest:
        closes = max(closes, today + timedelta(days=OPEN_FOR_DAYS))
    period, _created = ReportingPeriod.objects.update_or_create(
        commune=commune,
        kind=kind,
        year=year,
        part=part,
        defaults={
            "opens_on": opens,
            "due_on": due,
            "closes_on": closes,
            "opened_at": _aware(opens, 8),
        },
    )
    period_open(period=period, by=by)
    return period


def _generic_filing(enterprise, index: int, key: str) -> Filed | None:
    """Other enterprises send paper, mostly on time; a few are late, some never file."""
    if not enterprise.tax_code:
        return None  # households without a tax code do not file
    if key == "h1-1":
        if index % 6 == 5:
            return None
        return Filed(APPROVED, timing=LATE if index % 4 == 3 else ON_TIME)
    if key == "year-1":
        if index % 5 == 4:
            return None
        return Filed(APPROVED, timing=LATE if index % 4 == 1 else ON_TIME)
    if index % 5 == 2:
        return None
    return Filed(WAITING if index % 4 == 0 else APPROVED)


def _file_periodic_report(report, filed: Filed, *, index, official, filer, today, now) -> None:
    due = report.period.due_on
    if filed.timing == LATE:
        day = due + timedelta(days=3 + index % 12)
    else:
        day = due - timedelta(days=1 + index % 10)
    day = min(day, today)
    months = 6 if report.part == "h1" else 12
    # About 6.5 million VND a month per worker, in million VND.
    data: dict = {"payroll_million": Decimal(report.workers_total * 65 * months) / 10}
    paper = filed.channel != ONLINE
    if paper:
        data["report_date"] = day
    by = official if paper else filer
    report = reports.periodic_report_save(report=report, by=by, data=data, channel=filed.channel)
    report = reports.periodic_report_submit(report=report, by=by)
    # Paper is typed in a couple of days after the date written on it.
    submitted_at = min(_aware(day + timedelta(days=2 if paper else 0), 10 + index % 6), now)
    decided_at = min(submitted_at + timedelta(days=4, hours=3), now)
    if filed.state == APPROVED:
        report = reports.periodic_report_approve(report=report, by=official)
    elif filed.state == RETURNED:
        report = reports.periodic_report_return(report=report, by=official, reason=RETURN_REASON)
    else:
        decided_at = None
    _backdate(report, submitted_at=submitted_at, decided_at=decided_at, report_date=day)


def _send_commune_report(report, key: str, *, official, leader, today, now) -> None:
    timing, via = COMMUNE_SENDING[key]
    due = report.period.due_on
    sent_on = min(due - timedelta(days=2) if timing == ON_TIME else due + timedelta(days=7), today)
    reports.commune_report_save(
        report=report,
        by=official,
        data={
            "signer_title": "CHỦ TỊCH",
            "signer_name": leader.full_name,
            "remarks": COMMUNE_REMARKS,
        },
    )
    sent = reports.commune_report_mark_sent(
        report=report,
        by=official,
        sent_on=sent_on,
        sent_via=via,
        document_number=COMMUNE_DOCUMENT_NUMBERS[key],
    )
    _backdate(sent, submitted_at=min(_aware(sent_on, 15), now))


def _statistics(core: dict, today: date) -> None:
    """Open the three periods in Ea Ly and file what was filed; each report is filed once (a
    report no longer a draft is left as it is, whoever changed it)."""
    commune = core["ealy"]
    users = core["users"]
    official, leader = users["canbo.ealy"], users["lanhdao.ealy"]
    now = timezone.now()
    year = statistics_year(today)
    periods = [("h1-1", year - 1, "h1"), ("year-1", year - 1, "year"), ("h1", year, "h1")]
    enterprises = list(
        Enterprise.objects.filter(commune=commune, status=Enterprise.Status.ACTIVE).order_by(
            "name", "pk"
        )
    )
    filers = {
        name: users[username]
        for username, names in MEMBERSHIPS.items()
        for name in names
        if username in users
    }
    for key, period_year, part in periods:
        latest = key == "h1"
        period = _open_period(
            commune,
            reports.PERIODIC_REPORT_KIND,
            period_year,
            part,
            latest=latest,
            today=today,
            by=official,
        )
        drafts = {
            r.enterprise_id: r
            for r in PeriodicAccidentReport.objects.filter(
                period=period, status=Filing.Status.DRAFT
            )
        }
        for index, enterprise in enumerate(enterprises):
            report = drafts.get(enterprise.pk)
            if report is None or report.workers_total < 1:
                continue
            plan = NAMED_FILINGS.get(enterprise.name)
            filed = plan[key] if plan else _generic_filing(enterprise, index, key)
            if filed is None:
                continue
            _file_periodic_report(
                report,
                filed,
                index=index,
                official=official,
                filer=filers.get(enterprise.name, official),
                today=today,
                now=now,
            )

        _open_period(
            commune,
            reports.COMMUNE_REPORT_KIND,
            period_year,
            part,
            latest=latest,
            today=today,
            by=official,
        )
        commune_report = CommuneAccidentReport.objects.get(
            commune=commune, year=period_year, part=part
        )
        if commune_report.status == Filing.Status.DRAFT and COMMUNE_SENDING[key]:
            _send_commune_report(
                commune_report, key, official=official, leader=leader, today=today, now=now
            )


# ------------------------------------------------------------------------------
# Occupational diseases: detection-exam rounds and cases
# ------------------------------------------------------------------------------
CDC = "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk"


@dataclass(frozen=True)
class DemoExam:
    enterprise: str
    when: tuple[int, int, int]  # (years back, month, day); never after yesterday
    filer: str
    channel: str
    state: str  # WAITING or APPROVED
    workers: int
    suspected: int
    confirmed: int
    diseases: tuple[str, ...]  # codes 1-35
    note: str  # also finds the round again
    facility: str = CDC
    approver: str = "canbo.ealy"


EXAMS = [
    DemoExam(
        DA_EA_LAM,
        (1, 4, 12),
        "dn.ealy1",
        ONLINE,
        APPROVED,
        41,
        2,
        1,
        ("1", "6", "18"),
        "Khám phát hiện bụi phổi silic, viêm phế quản mạn tính và điếc nghề nghiệp cho công nhân "
        "khoan, nổ mìn và nghiền sàng.",
    ),
    DemoExam(
        DA_EA_LAM,
        (0, 3, 20),
        "dn.ealy1",
        ONLINE,
        APPROVED,
        43,
        1,
        0,
        ("1", "18"),
        "Khám định kỳ cho công nhân tiếp xúc bụi silic và tiếng ồn: chụp X-quang phổi, đo chức "
        "năng hô hấp, đo thính lực.",
    ),
    DemoExam(
        GO_BUON_LY,
        (1, 6, 5),
        "dn.ealy1",
        ONLINE,
        APPROVED,
        50,
        1,
        0,
        ("7", "18"),
        "Khám phát hiện điếc nghề nghiệp và hen nghề nghiệp cho công nhân xưởng xẻ, xưởng bào.",
    ),
    DemoExam(
        GO_BUON_LY,
        (0, 6, 10),
        "dn.ealy1",
        ONLINE,
        APPROVED,
        49,
        1,
        0,
        ("18",),
        "Đo thính lực định kỳ cho công nhân vận hành máy cưa, máy bào.",
    ),
    DemoExam(
        TINH_BOT_SAN,
        (1, 9, 18),
        "canbo.ealy",
        PAPER,
        APPROVED,
        150,
        0,
        0,
        ("6", "18"),
        "Khám phát hiện bệnh nghề nghiệp cho công nhân khu nghiền và khu sấy; công ty gửi kết "
        "quả bằng văn bản.",
    ),
    DemoExam(
        TINH_BOT_SAN,
        (0, 9, 25),
        "dn.ealy2",
        ONLINE,
        WAITING,
        158,
        2,
        0,
        ("6", "18"),
        "Khám phát hiện điếc nghề nghiệp và viêm phế quản mạn tính cho công nhân ca sản xuất.",
    ),
]


@dataclass(frozen=True)
class DemoCase:
    full_name: str  # with the commune, finds the case again
    sex: str
    birth_date: date
    enterprise: str | None  # None: a worker without a labour contract, recorded by the commune
    recorded_by: str
    job: str
    years_in_job: str
    factors: tuple[str, ...]  # harmful factor codes
    exposure_months: int
    when: tuple[int, int, int]  # exam date: (years back, month, day); never after yesterday
    facility: str
    disease: str
    result: str
    exam: str | None = None  # the note of the round it was found in
    monitoring: bool = False  # link the employer's latest monitoring record
    personal_id: str = ""
    capacity_loss: int | None = None
    follow_up: str = ""
    insurance_note: str = ""


CASES = [
    DemoCase(
        "Nguyễn Văn Tâm",
        M,
        date(1971, 8, 14),
        DA_EA_LAM,
        "dn.ealy1",
        "Thợ khoan, nổ mìn",
        "19.5",
        ("dust",),
        234,
        (1, 4, 28),
        "Bệnh viện Phổi tỉnh Đắk Lắk",
        "1",
        DiseaseCase.Result.CONFIRMED,
        exam=EXAMS[0].note,
        monitoring=True,
        personal_id="066071004512",
        capacity_loss=31,
        follow_up="Chuyển sang tổ bảo vệ mỏ, không tiếp xúc bụi; khám lại 6 tháng một lần.",
        insurance_note="Hồ sơ hưởng trợ cấp bệnh nghề nghiệp đã nộp Bảo hiểm xã hội tỉnh.",
    ),
    DemoCase(
        "Y Khoa Niê",
        M,
        date(1985, 3, 9),
        DA_EA_LAM,
        "dn.ealy1",
        "Công nhân vận hành máy nghiền",
        "8.0",
        ("dust", "noise"),
        96,
        (0, 3, 27),
        CDC,
        "1",
        DiseaseCase.Result.SUSPECTED,
        exam=EXAMS[1].note,
        monitoring=True,
        follow_up="Giới thiệu lên Bệnh viện Phổi tỉnh chụp phim phổi kỹ thuật số để chẩn đoán.",
    ),
    DemoCase(
        "Đỗ Văn Quang",
        M,
        date(1982, 2, 3),
        GO_BUON_LY,
        "dn.ealy1",
        "Công nhân vận hành máy cưa đĩa",
        "11.0",
        ("noise",),
        130,
        (0, 6, 24),
        CDC,
        "18",
        DiseaseCase.Result.SUSPECTED,
        exam=EXAMS[3].note,
        monitoring=True,
        follow_up="Đo thính lực lần hai sau 3 tháng; tạm chuyển sang khâu phân loại gỗ.",
    ),
    DemoCase(
        "Lê Thị Hồng",
        F,
        date(1974, 11, 2),
        None,
        "canbo.ealy",
        "Trồng cà phê, tự phun thuốc bảo vệ thực vật",
        "22.0",
        ("toxic_gas",),
        264,
        (0, 8, 6),
        "Trung tâm Y tế khu vực Sông Hinh",
        "14",
        DiseaseCase.Result.SUSPECTED,
        follow_up=(
            "Giới thiệu lên cơ sở khám bệnh nghề nghiệp của tỉnh để chẩn đoán xác định; hướng dẫn "
            "mang khẩu trang, găng tay, quần áo bảo hộ khi phun thuốc."
        ),
        insurance_note=(
            "Không có hợp đồng lao động: đã tư vấn tham gia bảo hiểm tai nạn lao động tự nguyện."
        ),
    ),
]


# Routine exams, so that the coverage of exposed workers (DOMAIN §4.3) is realistic in every year
# with annual reports: in a year without a round above, an establishment with harmful factors
# examines the exposed workers its approved annual report of the year says it examined (this
# year: most of those exposed in its latest report). Households without a tax code and two
# companies never do; this year's rounds appear as their dates pass. Sent on paper.
ROUTINE_YEARS_BACK = (3, 2, 1, 0)  # the years of enterprises.demo's annual reports, and this one
NEVER_EXAMINED = {"Công ty TNHH Xây dựng Hòa Thuận", "Công ty TNHH Sấy nông sản Buôn Chấp"}
SCREENED_FOR = {"dust": ("1", "6"), "noise": ("18",), "vibration": ("21",), "toxic_gas": ("16",)}
ROUTINE_NOTE = (
    "Khám phát hiện bệnh nghề nghiệp định kỳ năm {year} cho người lao động tiếp xúc yếu tố có hại; "
    "cơ sở gửi kết quả bằng văn bản."
)


def routine_exams(core: dict, today: date) -> list[DemoExam]:
    explicit = {(row.enterprise, row.when[0]) for row in EXAMS}
    factors = {row.name: row.factors for row in [*EA_LY, *EA_BA]}
    rows = []
    for key, official in RECEIVERS.items():
        enterprises = (
            Enterprise.objects.filter(
                commune=core[key], status=Enterprise.Status.ACTIVE, has_harmful_factors=True
            )
            .exclude(name__in=NEVER_EXAMINED)
            .exclude(tax_code__isnull=True)
            .order_by("name")
        )
        for index, enterprise in enumerate(enterprises):
            reports = {
                r.year: r
                for r in enterprise.annual_reports.approved().filter(
                    year__lt=today.year, workers_exposed__gt=0
                )
            }
            if not reports:
                continue
            latest = reports[max(reports)]
            share = random.Random(f"exam-{enterprise.name}").uniform(0.85, 1.0)
            screened = {c for f in factors[enterprise.name] for c in SCREENED_FOR.get(f, ())}
            month, day = 2 + index % 9, 5 + index * 3 % 20
            for years_back in ROUTINE_YEARS_BACK:
                year = today.year - years_back
                if (enterprise.name, years_back) in explicit or date(year, month, day) >= today:
                    continue
                if years_back:  # the year's approved report, else an earlier one
                    earlier = [y for y in reports if y <= year]
                    report = reports[max(earlier)] if earlier else None
                    workers = report.workers_exposed_examined if report else 0
                else:
                    workers = round(latest.workers_exposed * share)
                if workers < 1:
                    continue
                rows.append(
                    DemoExam(
                        enterprise.name,
                        (years_back, month, day),
                        official,
                        PAPER,
                        APPROVED,
                        workers,
                        0,
                        0,
                        tuple(sorted(screened)),
                        ROUTINE_NOTE.format(year=year),
                        approver=official,
                    )
                )
    return rows


def _day(when: tuple[int, int, int], today: date) -> date:
    years_back, month, day = when
    return min(date(today.year - years_back, month, day), today - timedelta(days=1))


def _diseases(core: dict, today: date) -> None:
    """Exam rounds through the services (dated after), then the cases; each created once."""
    users, enterprises = core["users"], core["enterprises"]
    now = timezone.now()
    diseases = {d.code: d for d in OccupationalDisease.objects.filter(is_active=True)}
    for row in [*EXAMS, *routine_exams(core, today)]:
        enterprise = enterprises[row.enterprise]
        if DiseaseExam.objects.filter(enterprise=enterprise, note=row.note).exists():
            continue
        exam_date = _day(row.when, today)
        filer = users[row.filer]
        exam = disease_services.disease_exam_save(
            exam=DiseaseExam(enterprise=enterprise),
            by=filer,
            data={
                "exam_date": exam_date,
                "facility": row.facility,
                "workers_examined": row.workers,
                "suspected": row.suspected,
                "confirmed": row.confirmed,
                "note": row.note,
            },
            diseases=[diseases[code] for code in row.diseases],
            channel=row.channel,
        )
        exam = disease_services.disease_exam_submit(exam=exam, by=filer)
        submitted_at = min(_aware(exam_date + timedelta(days=12), 14), now)
        decided_at = None
        if row.state == APPROVED:
            exam = disease_services.disease_exam_approve(exam=exam, by=users[row.approver])
            decided_at = min(submitted_at + timedelta(days=5), now)
        _backdate(exam, submitted_at=submitted_at, decided_at=decided_at)

    factors = {f.code: f for f in HarmfulFactor.objects.all()}
    for row in CASES:
        commune = core["ealy"]
        if DiseaseCase.objects.filter(commune=commune, full_name=row.full_name).exists():
            continue
        enterprise = enterprises[row.enterprise] if row.enterprise else None
        exam_date = _day(row.when, today)
        monitoring = None
        if row.monitoring and enterprise is not None:
            records = MonitoringRecord.objects.filter(enterprise=enterprise).order_by("-year")
            monitoring = records.filter(year__lte=exam_date.year).first() or records.first()
        result = row.result
        if result == DiseaseCase.Result.CONFIRMED and monitoring is None:
            result = DiseaseCase.Result.SUSPECTED  # no exposure evidence: not confirmed yet
        disease_services.disease_case_save(
            case=DiseaseCase(),
            by=users[row.recorded_by],
            enterprise=enterprise,
            data={
                "full_name": row.full_name,
                "sex": row.sex,
                "birth_date": row.birth_date,
                "personal_id": row.personal_id,
                "job": row.job,
                "years_in_job": Decimal(row.years_in_job),
                "exposure_months": row.exposure_months,
                "monitoring_record": monitoring,
                "exam": DiseaseExam.objects.filter(enterprise=enterprise, note=row.exam).first()
                if row.exam
                else None,
                "exam_date": exam_date,
                "exam_facility": row.facility,
                "disease": diseases[row.disease],
                "result": result,
                "capacity_loss_percent": row.capacity_loss,
                "follow_up": row.follow_up,
                "insurance_note": row.insurance_note,
            },
            exposure_factors=[factors[code] for code in row.factors],
        )
