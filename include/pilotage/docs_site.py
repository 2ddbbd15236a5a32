"""``make docs``: the dbt docs and the validation Data Docs side by side under ``<data>/docs``.

The dbt site is generated with ``--static`` (one HTML file holding the manifest and catalog), so
both open from ``file://`` with no server: ``<data>/dbt/target/static_index.html`` and
``<data>/docs/validation/index.html``; ``<data>/docs/index.html`` links and frames the two.
"""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

from pilotage import hash_key
from pilotage.ingest import validation_docs
from pilotage.settings import Settings, subprocess_env
from pilotage.transform import dbt_executable


def dbt_target(settings: Settings) -> Path:
    return settings.data_dir / "dbt" / "target"


def build_dbt_docs(settings: Settings, compile_sql: bool = True) -> Path:
    """``dbt docs generate --static`` against the warehouse; ``compile_sql=False`` parses only
    (no compiled SQL in the pages; works on a warehouse dbt has not built yet)."""
    project, target = settings.dbt_project_dir, dbt_target(settings)
    key, _where = hash_key.resolve(settings)
    env = subprocess_env({"PILOTAGE_WAREHOUSE": str(settings.warehouse_path), hash_key.DBT_ENV_VAR: key,
                          "DBT_TARGET_PATH": str(target),
                          "DBT_LOG_PATH": str(settings.data_dir / "dbt" / "logs")},
                         defaults={"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}, drop=(hash_key.ENV_VAR,))
    where = ["--project-dir", str(project), "--profiles-dir", str(project)]
    steps = [["docs", "generate", "--static"]]
    if not compile_sql:  # --no-compile reads the manifest a parse wrote
        steps = [["parse"], ["docs", "generate", "--static", "--no-compile"]]
    for step in steps:
        done = subprocess.run([dbt_executable(), *step, *where], env=env, cwd=project,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"dbt {' '.join(step)} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return target / "static_index.html"


def write_index(settings: Settings, dbt_page: Path, data_docs: Path) -> Path:
    """``<data>/docs/index.html``: the two sites side by side."""
    out = settings.data_dir / "docs" / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    links = {"dbt docs (models, columns, KPI catalogue)": dbt_page,
             "Validation results (Great Expectations Data Docs)": data_docs}
    cells = "".join(f'<div><p><a href="{html.escape(p.resolve().as_uri())}">{html.escape(t)}</a></p>'
                    f'<iframe src="{html.escape(p.resolve().as_uri())}" title="{html.escape(t)}"></iframe></div>'
                    for t, p in links.items())
    out.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pilotage docs</title><style>'
        "body{font:14px system-ui,sans-serif;margin:1em}main{display:flex;gap:1em}main>div{flex:1}"
        "iframe{width:100%;height:85vh;border:1px solid #ccc}</style></head><body><h1>pilotage docs</h1>"
        f"<main>{cells}</main></body></html>\n", encoding="utf-8")
    return out


def build(settings: Settings, compile_sql: bool = True) -> dict[str, Path]:
    """Both sites and the page joining them."""
    dbt_page = build_dbt_docs(settings, compile_sql)
    data_docs = validation_docs.build(settings)
    return {"dbt": dbt_page, "validation": data_docs, "index": write_index(settings, dbt_page, data_docs)}


if __name__ == "__main__":
    built = build(Settings.from_env(), compile_sql="--no-compile" not in sys.argv)
    for name, path in built.items():
        print(f"{name:11} {path}")
