"""URLs of diseases (filled in by the views of this issue)."""

from __future__ import annotations

app_name = "diseases"

urlpatterns: list = []
