"""URLs of the historical pages (included into the "reporting" namespace)."""

from __future__ import annotations

urlpatterns: list = []
