"""URLs of commune_reports (filled in by the views of this issue)."""

from __future__ import annotations

app_name = "commune_reports"

urlpatterns: list = []
