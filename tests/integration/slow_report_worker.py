"""A Celery worker whose report generation lingers at the chart step: test use only.

    python -m tests.integration.slow_report_worker worker --pool=prefork -c 1 -Q <queue>

The same worker as ``celery -A atvsld_portal worker``, except that ``quarterly.build_charts``
first sleeps ``SLOW_REPORT_STEP_SECONDS`` (default 60). A test can then kill the worker while
the report shows an intermediate step, without any test hook in the production code. With
``QUICK_REPORT_LAYOUT=1`` the last step returns a one-line PDF instead of laying out the pages
(the layout has its own tests; this keeps a fault test short). The patches are made before the
pool forks, so the prefork child inherits them.
"""

from __future__ import annotations

import os
import sys
import time

QUICK_PDF = b"%PDF-1.7\n% laid out quickly by tests/integration/slow_report_worker.py\n%%EOF\n"


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atvsld_portal.settings.test")
    import django

    django.setup()

    from atvsld_portal.celery import app
    from reporting import quarterly

    delay = float(os.environ.get("SLOW_REPORT_STEP_SECONDS", "60"))
    real_build_charts = quarterly.build_charts

    def slow_build_charts(*args, **kwargs):
        time.sleep(delay)
        return real_build_charts(*args, **kwargs)

    quarterly.build_charts = slow_build_charts
    if os.environ.get("QUICK_REPORT_LAYOUT") == "1":
        quarterly.render_report_pdf = lambda *args, **kwargs: QUICK_PDF
    app.worker_main(argv=argv)


if __name__ == "__main__":
    main(sys.argv[1:])
