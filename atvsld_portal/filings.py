"""The filing registry: each app registers its concrete filing kinds here from its AppConfig.

Core runs periods and transitions for any filing without importing the apps: it finds the model
by label and calls the app's function that creates the pending filings when a period opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.models import Model

    from atvsld_portal.models import ReportingPeriod


@dataclass(frozen=True)
class FilingKind:
    key: str
    label: str | Promise
    model_label: str  # "app_label.ModelName" of a concrete Filing with a `period`
    create_pending: Callable[[ReportingPeriod], int]
    parts: tuple[str, ...] = ("year",)
    detail_url_name: str = ""  # takes public_id
    default_dates: Callable[[int, str], tuple] | None = field(default=None, compare=False)
    # Who files: "enterprise" (the model has `enterprise`; owed filings show on the enterprise's
    # home page) or "commune" (the commune's own report to the province; the model has `commune`).
    filer: str = "enterprise"

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)


_REGISTRY: dict[str, FilingKind] = {}


def register_filing_kind(kind: FilingKind) -> None:
    _REGISTRY[kind.key] = kind


def filing_kinds(*, filer: str | None = None) -> list[FilingKind]:
    return [kind for kind in _REGISTRY.values() if filer is None or kind.filer == filer]


def get_filing_kind(key: str) -> FilingKind | None:
    return _REGISTRY.get(key)


def filing_kind_label(key: str) -> str:
    kind = _REGISTRY.get(key)
    return str(kind.label) if kind else key


def filing_kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in _REGISTRY.values()]
