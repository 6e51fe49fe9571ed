from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from atvsld_portal.filings import FilingKind, register_filing_kind
        from enterprises.reference import seed_enterprises_reference_data
        from enterprises.services import annual_report_create_pending, annual_report_default_dates

        post_migrate.connect(seed_enterprises_reference_data, sender=self)
        register_filing_kind(
            FilingKind(
                key="annual_osh_report",
                label=_("Annual OSH report"),
                model_label="enterprises.AnnualOshReport",
                create_pending=annual_report_create_pending,
                parts=("year",),
                detail_url_name="enterprises:annual_report_detail",
                default_dates=annual_report_default_dates,
            )
        )
