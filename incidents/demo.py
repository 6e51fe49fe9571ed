"""Accidents demo for Ea Ly (and a few in Ea Bá): three years of accidents in both sectors.

Employed-sector accidents are declared online by the demo enterprise users (dn.ealy1, dn.ealy2)
or typed in from paper by the commune official; informal-sector accidents are reported by the
family or the village head by phone or on paper and entered by canbo.ealy. The set includes
deaths, a multi-victim accident, a commuting accident, a technical incident without victims,
late declarations (over 24 hours), two declarations waiting in the inbox (one urgent) and two
drafts (one of an enterprise, one of the commune).

Declarations go through the services, so receipt numbers, version 1 and the outbox are real;
the historic timestamps are then set by a queryset update. Idempotent: an accident is found
again by its commune, place and account (texts that do not move with the day of the run).
Dates are relative to ``core["today"]`` and never in the future.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from atvsld_portal.models import AdministrativeUnit, Filing, User
from incidents import services
from incidents.models import Accident, AccidentDeclaration, Cause, InjuryCode, InjuryFactor, Victim
from incidents.reference import (
    INJURY_CODES_VERSION,
    INJURY_FACTORS_VERSION,
    seed_incidents_reference_data,
)

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


@dataclass(frozen=True)
class DemoAccident:
    commune: str  # "ealy" or "eaba"
    when: tuple[int, int, int] | int  # (years back, month, day), or days ago in the last months
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

RECEIVERS = {"ealy": "canbo.ealy", "eaba": "canbo.eaba"}


def occurred_at(row: DemoAccident, today: date) -> datetime:
    if isinstance(row.when, int):
        day = today - timedelta(days=row.when)
    else:
        years_back, month, day_of_month = row.when
        day = min(date(today.year - years_back, month, day_of_month), today - timedelta(days=1))
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
    for demo_victim in row.victims:
        victim = Victim.objects.create(
            accident=accident,
            full_name=demo_victim.full_name,
            sex=demo_victim.sex,
            birth_year=demo_victim.birth_year,
            occupation_name=demo_victim.occupation,
            under_management=enterprise is not None,
            severity=demo_victim.severity,
            treatment_place=demo_victim.treatment_place,
            days_off=demo_victim.days_off,
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


@transaction.atomic
def load(*, core: dict) -> dict:
    """Create the demo accidents that are missing; returns them by place."""
    seed_incidents_reference_data()
    today: date = core["today"]
    now = timezone.now()
    enterprises = core["enterprises"]
    created: dict[str, Accident] = {}
    # In the order they happened, so receipt numbers follow the calendar within each year.
    for row in sorted(ACCIDENTS, key=lambda r: occurred_at(r, today)):
        accident = _accident(row, core, enterprises, today)
        if accident is None:
            continue
        if row.state != DRAFT:
            _file(accident, row, core["users"], now)
        created[row.place] = accident
    _correct_one(core["users"])
    return {"accidents": created}


def _correct_one(users: dict[str, User]) -> None:
    """dn.ealy1 corrects the place of its latest received declaration (version 2, same number)."""
    filer = users["dn.ealy1"]
    accident = (
        Accident.objects.filter(
            status=Accident.Status.RECEIVED,
            enterprise__memberships__user=filer,
            declarations__version=1,
        )
        .order_by("-occurred_at")
        .first()
    )
    if accident is None or accident.declarations.filter(version__gte=2).exists():
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
