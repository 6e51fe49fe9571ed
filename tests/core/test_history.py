from __future__ import annotations

import pytest

from atvsld_portal.history import history_rows
from enterprises import services
from tests.core.factories import VillageFactory
from tests.enterprises.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_changes_show_old_and_new_values_with_related_names(commune, officer):
    enterprise = EnterpriseFactory(commune=commune, name="Công ty A", workforce_total=10)
    buon_ken = VillageFactory(commune=commune, name="Buôn Ken")
    services.enterprise_update(
        enterprise=enterprise, by=officer, name="Công ty B", village=buon_ken, status="suspended"
    )
    rows = history_rows(enterprise.history.all())
    assert [row.kind for row in rows] == ["~", "+"]
    changes = {str(label): (old, new) for label, old, new in rows[0].changes}
    assert changes["tên"] == ("Công ty A", "Công ty B") or changes.get("name") == (
        "Công ty A",
        "Công ty B",
    )
    village = next(
        value for label, value in changes.items() if "thôn" in label or "village" in label
    )
    assert village == (None, buon_ken)
    status = next(value for label, value in changes.items() if label in {"trạng thái", "status"})
    assert str(status[1]) in {"Tạm ngừng hoạt động", "Suspended"}
    assert rows[0].user == officer
