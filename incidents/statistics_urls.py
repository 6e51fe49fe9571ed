"""URLs of statistics (filled in by the views of this issue)."""

from __future__ import annotations

app_name = "statistics"

urlpatterns: list = []
