from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Occupational accidents and diseases")

    def ready(self) -> None:
        from atvsld_portal.filings import FilingKind, register_filing_kind
        from incidents.reference import seed_incidents_reference_data
        from incidents.services import reports

        post_migrate.connect(seed_incidents_reference_data, sender=self)
        register_filing_kind(
            FilingKind(
                key=reports.PERIODIC_REPORT_KIND,
                label=_("Accident statistics report (Appendix XII)"),
                model_label="incidents.PeriodicAccidentReport",
                create_pending=reports.periodic_report_create_pending,
                parts=("h1", "year"),
                detail_url_name="statistics:report_detail",
                default_dates=reports.periodic_report_default_dates,
            )
        )
        register_filing_kind(
            FilingKind(
                key=reports.COMMUNE_REPORT_KIND,
                label=_("Commune accident report to the Department of Home Affairs"),
                model_label="incidents.CommuneAccidentReport",
                create_pending=reports.commune_report_create_pending,
                parts=("h1", "year"),
                detail_url_name="commune_reports:detail",
                default_dates=reports.commune_report_default_dates,
                filer="commune",
            )
        )
