"""Committee packs written when the marts are updated (see each DAG's ``doc_md``)."""

from __future__ import annotations

from airflow.sdk import Asset, Param, dag, task
from pilotage.dag_defaults import (  # MARTS: publish_marts' outlet
    DEFAULT_ARGS,
    MARTS,
    START_DATE,
    airflow_settings,
)

CADENCES = {
    # dag suffix: (committees, audiences, when the packs come out)
    "weekly": (("production",), ("committee", "supervisors"),
               "the **production** pack of the ISO week, on Monday morning: the daily run that loads "
               "Sunday runs at 00:00 Monday and updates the marts"),
    "monthly": (("quality", "calibration", "steering"), ("committee", "supervisors"),
                "the **quality**, **calibration** and **steering** packs of the month, as soon as "
                "the month's last day is in the marts (the run at 00:00 on the 1st), so they are "
                "ready on the first business day"),
    "semiannual": (("strategic",), ("committee",),
                   "the **strategic** pack of the half-year, once 30 June / 31 December is in the marts"),
}

DOC = """
### pilotage_packs_{cadence} — standardized committee packs

Triggered by the **`pilotage_marts` Asset** (outlet of `pilotage_daily`'s `publish_marts`), not by
a sensor or a clock: each time the marts are updated, **plan** asks the warehouse for the last
business day processed and lists the packs now due — {when}. A pack already written (its
folder exists) is not rewritten, so a late daily run or a re-run does not silently replace the
pack a committee received; the next period is picked up by the first marts update that
completes it, even after missed runs.

**write** (one mapped task per committee × provider × audience) reads the published copy of
the marts (never the working warehouse a run writes, so neither task takes the writer pool:
packs are written while the next run loads) and renders the Excel
workbook and the HTML report in French and English plus one CSV per table into
`<packs>/<provider>/<committee>/<period>/` — one folder per provider, holding only that
provider's rows; agent-level detail only in `supervisors/`.

Manual runs (conf): `period` (e.g. `2026-10`), `providers` (list), `force` (rewrite), `langs`.
Packs folder: Variable `pilotage_packs_dir` or env `PILOTAGE_PACKS_DIR` (default `<data>/packs`);
published copy: `pilotage_published` / `pilotage_data_dir` as for `pilotage_daily`.
"""



def make_packs_dag(cadence: str):
    committees, audiences, when = CADENCES[cadence]
    packs_asset = Asset(name=f"pilotage_packs_{cadence}", uri=f"pilotage://packs/{cadence}")

    @dag(
        dag_id=f"pilotage_packs_{cadence}",
        description=f"Committee packs ({', '.join(committees)}) when the marts are updated.",
        schedule=[MARTS],
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=["pilotage", "packs", cadence],
        doc_md=DOC.format(cadence=cadence, when=when),
        params={
            "period": Param(None, type=["null", "string"],
                            description="Period label to (re)write instead of the latest complete one."),
            "providers": Param(None, type=["null", "array"], description="Provider ids (default: all)."),
            "force": Param(False, type="boolean", description="Rewrite packs that already exist."),
            "langs": Param(["fr", "en"], type="array", description="Languages of the Excel/HTML outputs."),
        },
        default_args=DEFAULT_ARGS,
    )
    def packs_dag():
        @task
        def plan(**context) -> list[dict]:
            """The packs due now (or those asked for in the run's conf)."""
            from dataclasses import asdict

            from pilotage.packs.deliver import due_requests, packs_dir

            params = context.get("params") or {}
            settings = airflow_settings()
            requests = due_requests(settings, committees, packs_dir(settings), period=params.get("period"),
                                    providers=params.get("providers"), audiences=audiences,
                                    force=bool(params.get("force")))
            print(f"pilotage: {len(requests)} pack(s) due: {[asdict(r) for r in requests]}")
            return [asdict(r) for r in requests]

        @task(outlets=[packs_asset])
        def write(request: dict, **context) -> list[str]:
            """Render one pack (every format, each language) into the packs folder."""
            from pilotage.packs.deliver import PackRequest, packs_dir, read_packs, write_pack

            params = context.get("params") or {}
            settings = airflow_settings()
            (pack,) = read_packs(settings, [PackRequest(**request)])
            paths = write_pack(pack, packs_dir(settings), langs=tuple(params.get("langs") or ("fr", "en")))
            return [str(p) for p in paths]

        write.expand(request=plan())

    return packs_dag()


for _cadence in CADENCES:
    make_packs_dag(_cadence)
