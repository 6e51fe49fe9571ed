"""The starting text of the report's narrative parts, drafted from its figures; the official
edits it in the browser."""

from __future__ import annotations

from atvsld_portal.indicators import IndicatorCode as Code
from plans.status import Status as AssignmentState
from reporting.models import IndicatorValue, QuarterlyReport
from reporting.quarterly.figures import (
    DASH,
    DIRECTIVE,
    DOTS,
    GOAL_CODE_SET,
    _decimal,
    _next_period_has_may,
    number,
    plan_reference,
)

Variant = QuarterlyReport.Variant


# ------------------------------------------------------------------------------
# The narrative's starting text
# ------------------------------------------------------------------------------
def _list_names(names: list[str], limit: int = 4) -> str:
    shown = "; ".join(names[:limit])
    if len(names) > limit:
        shown += f" và {len(names) - limit} chỉ tiêu khác"
    return shown


def _indicator_value_text(row: dict) -> str:
    value = _decimal(row.get("ytd"))
    return number(value, row.get("decimals", 1)) if value is not None else DASH


def draft_narrative(report: QuarterlyReport, data: dict) -> dict[str, str]:
    """Vietnamese starting texts for the parts the official writes, derived from the figures.

    They are a starting point: the official edits every one of them before generating."""
    plan_ref = (data.get("plan") or {}).get("reference") or plan_reference(None)
    plan_ref_full = f"{plan_ref} của Ủy ban nhân dân xã"
    words = data["period"]["words"]
    propaganda = data["propaganda"]["totals"]
    inspections = data["inspections"]
    accidents = data["accidents"]["total"]["period"]
    rows = data.get("indicators", [])
    met = [r["name"] for r in rows if r["status"] == IndicatorValue.Status.MET]
    not_met = [r for r in rows if r["status"] == IndicatorValue.Status.NOT_MET]
    insufficient = [
        r["name"]
        for r in rows
        if r["status"] == IndicatorValue.Status.INSUFFICIENT and r["code"] in GOAL_CODE_SET
    ]
    overdue = data.get("assignments", {}).get("overdue", [])
    counts = data.get("assignments", {}).get("counts", {})
    council = report.variant == Variant.COUNCIL

    if report.variant == Variant.ACTION_MONTH:
        introduction = (
            "Thực hiện hướng dẫn của cấp trên về tổ chức Tháng hành động về an toàn, vệ sinh lao "
            f"động năm {report.year} và {plan_ref_full} về triển khai thực hiện {DIRECTIVE}, "
            "Ủy ban nhân dân xã báo cáo kết quả tổ chức Tháng hành động như sau:"
        )
    elif council:
        introduction = (
            "Thực hiện quy định tại khoản 3 Điều 86 Luật An toàn, vệ sinh lao động năm 2015, "
            "Ủy ban nhân dân xã báo cáo Hội đồng nhân dân xã kết quả thực hiện chính sách, pháp "
            f"luật về an toàn, vệ sinh lao động trên địa bàn xã năm {report.year} như sau:"
        )
    else:
        introduction = (
            f"Thực hiện {plan_ref_full} về triển khai thực hiện {DIRECTIVE}, Ủy ban nhân dân xã "
            f"báo cáo kết quả thực hiện {words} như sau:"
        )

    documents = data["leadership"]["documents"]
    leadership = (
        f"Ủy ban nhân dân xã tiếp tục quán triệt, triển khai {plan_ref_full}; phân công nhiệm vụ "
        "cụ thể cho các ban, ngành, đoàn thể, đơn vị và chỉ đạo thực hiện đúng tiến độ."
    )
    if documents:
        leadership += (
            f" Trong kỳ, đã ban hành {number(len(documents))} văn bản chỉ đạo, hướng dẫn, "
            "triển khai (danh sách dưới đây)."
        )

    strengths = []
    if propaganda["activities"]:
        strengths.append(
            "- Công tác thông tin, tuyên truyền được duy trì: "
            f"{number(propaganda['broadcasts'])} tin, bài với {number(propaganda['airings'])} lượt "
            f"phát trên đài truyền thanh; {number(propaganda['sessions'])} buổi tuyên truyền, hội "
            f"nghị, đối thoại với {number(propaganda['participants'])} lượt người tham dự; "
            f"{number(propaganda['banners'])} pa-nô, áp phích, băng rôn."
        )
    if inspections["activities"]:
        strengths.append(
            f"- Tổ chức kiểm tra {number(inspections['establishments_inspected'])} cơ sở, phát "
            f"hiện và yêu cầu khắc phục {number(inspections['violations_found'])} vi phạm."
        )
    if met:
        strengths.append(f"- Các chỉ tiêu đạt: {_list_names(met)}.")
    if not accidents["deaths"]:
        strengths.append("- Trong kỳ không xảy ra tai nạn lao động chết người trên địa bàn xã.")
    due = sum(n for state, n in counts.items() if state != AssignmentState.NOT_DUE)
    if due:
        strengths.append(
            f"- {number(counts.get(AssignmentState.DONE, 0))}/{number(due)} nhiệm vụ đến hạn của "
            "Kế hoạch đã có báo cáo kết quả được chấp nhận."
        )

    shortcomings = []
    for row in not_met:
        shortcomings.append(
            f"- Chỉ tiêu chưa đạt: {row['name']} (thực hiện {_indicator_value_text(row)}; kế "
            f"hoạch {row['target']})."
        )
    if insufficient:
        shortcomings.append(f"- Chưa đủ số liệu để đánh giá chỉ tiêu: {_list_names(insufficient)}.")
    if accidents["accidents"]:
        shortcomings.append(
            f"- Trong kỳ xảy ra {number(accidents['accidents'])} vụ tai nạn lao động làm "
            f"{number(accidents['victims'])} người bị nạn, trong đó {number(accidents['deaths'])} "
            f"người chết, {number(accidents['serious'])} người bị thương nặng."
        )
    if overdue:
        units = sorted({item["unit"] for item in overdue})
        shown = ", ".join(units[:4]) + (
            f" và {len(units) - 4} đơn vị khác" if len(units) > 4 else ""
        )
        shortcomings.append(
            f"- {number(len(overdue))} nhiệm vụ được phân công của Kế hoạch quá hạn chưa có báo "
            f"cáo kết quả ({shown})."
        )

    causes = [
        "- Nguyên nhân khách quan: nhiều người lao động làm việc không theo hợp đồng lao động, "
        "quy mô nhỏ, phân tán, khó theo dõi, quản lý."
    ]
    subjective = []
    if overdue:
        subjective.append("một số đơn vị chưa báo cáo kết quả thực hiện nhiệm vụ đúng hạn")
    if any(r["code"] == Code.EXPOSED_EXAM_COVERAGE for r in not_met):
        subjective.append(
            "một số doanh nghiệp chưa tổ chức khám phát hiện bệnh nghề nghiệp cho người lao động "
            "tiếp xúc yếu tố có hại"
        )
    if any(r["code"] == Code.MONITORED_ENTERPRISES for r in not_met):
        subjective.append("việc quan trắc môi trường lao động tại các cơ sở chưa được quan tâm")
    if accidents["accidents"]:
        subjective.append(
            "ý thức chấp hành quy trình làm việc an toàn của người lao động còn hạn chế"
        )
    causes.append(
        "- Nguyên nhân chủ quan: "
        + (
            "; ".join(subjective)
            if subjective
            else "công tác phối hợp giữa các đơn vị có lúc chưa chặt chẽ"
        )
        + "."
    )

    next_tasks = [
        f"- Tiếp tục triển khai các nhiệm vụ của {plan_ref_full}; theo dõi, đôn đốc các đơn vị "
        "báo cáo kết quả đúng hạn."
    ]
    by_task: dict[str, list[dict]] = {}
    for item in overdue:
        by_task.setdefault(item["task"], []).append(item)
    for task, items in list(by_task.items())[:6]:
        units = [item["unit"] for item in items]
        shown = ", ".join(units[:3]) + (
            f" và {len(units) - 3} đơn vị khác" if len(units) > 3 else ""
        )
        next_tasks.append(
            f"- Hoàn thành nhiệm vụ {task} ({shown}): {_shorten(items[0]['text'], 160)}"
        )
    if len(by_task) > 6:
        next_tasks.append(f"- Hoàn thành {number(len(by_task) - 6)} nhiệm vụ quá hạn khác.")
    if not_met:
        names = [row["name"] for row in not_met]
        next_tasks.append(f"- Tập trung các giải pháp để đạt chỉ tiêu: {_list_names(names)}.")
    if _next_period_has_may(report):
        next_tasks.append(
            "- Xây dựng kế hoạch và tổ chức Tháng hành động về an toàn, vệ sinh lao động (tháng 5)."
        )
    next_tasks.append(
        "- Tiếp nhận, thống kê, báo cáo đầy đủ, kịp thời các vụ tai nạn lao động; tăng cường "
        "kiểm tra, giám sát các cơ sở có nguy cơ cao về tai nạn lao động, bệnh nghề nghiệp."
    )

    addressee = "Hội đồng nhân dân xã" if council else "Thường trực Đảng ủy xã"
    proposals = [
        f"- Đề nghị {addressee} tiếp tục quan tâm lãnh đạo, chỉ đạo công tác an toàn, vệ sinh "
        "lao động trên địa bàn xã.",
        "- Đề nghị cấp trên hỗ trợ tài liệu tuyên truyền, tập huấn nghiệp vụ và kinh phí thực "
        "hiện Kế hoạch.",
    ]
    return {
        "introduction": introduction,
        "leadership": leadership,
        "strengths": "\n".join(strengths)
        or "- Các nhiệm vụ của Kế hoạch được triển khai theo phân công.",
        "shortcomings": "\n".join(shortcomings) or "- Chưa phát hiện hạn chế đáng kể.",
        "causes": "\n".join(causes),
        "next_tasks": "\n".join(next_tasks),
        "proposals": "\n".join(proposals),
    }


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".;") + "."
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;") + f"{DOTS}"
