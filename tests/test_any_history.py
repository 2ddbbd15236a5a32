"""Any history loads: a run over 1999 goes through real Airflow; a run that schedules no task
fails loudly instead of printing "done" (issue 8, items 2)."""

from __future__ import annotations

from datetime import date

import pytest
from pilotage import airflow_local

pytestmark = pytest.mark.integration


def test_a_run_that_schedules_no_task_fails_with_the_reason(settings, airflow_db):
    dag = airflow_local.load_dag(settings)
    before = dag.start_date.date()
    with pytest.raises(airflow_local.NothingScheduled, match="no task ran"):
        airflow_local.run_window(settings, date(before.year - 1, 1, 1), date(before.year - 1, 1, 2), dag=dag)
    assert not settings.warehouse_path.exists()
