"""``make bench``: the scale goals of the pipeline measured in one run, printed, never asserted.

Daily Airflow runs (``pilotage run``, the real DAG) at a low and a high volume on a short and a
long history, a history rebuild against one plain DuckDB query over the same files, validation's
share, peak memory per step (the process tree sampled in a thread). Writes
``docs/benchmarks.md``. ``python -m pilotage.bench --quick`` fits in about 5 minutes.
"""
