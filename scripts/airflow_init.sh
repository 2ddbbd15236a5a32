#!/usr/bin/env bash
# One-shot initialisation of an Airflow deployment of pilotage (the `airflow-init` service of
# docker-compose.yml; tests/test_deploy_topology.py runs it natively the same way):
#   1. create or upgrade the metadata DB (airflow db migrate);
#   2. pools and Variables from the settings files (pool duckdb_writer: 1 slot; warehouse_loads:
#      the raw loads on a server warehouse, 4 slots);
#   3. Connections from a file when one is given (secrets otherwise come as AIRFLOW_CONN_* in .env);
#   4. the admin's password for the API server's auth manager, from AIRFLOW_ADMIN_PASSWORD.
# Idempotent: run it again after an upgrade; Variables edited in the UI are kept.
set -euo pipefail
SETTINGS_DIR=${PILOTAGE_AIRFLOW_SETTINGS_DIR:-$(cd "$(dirname "$0")/../deploy" && pwd)}
: "${AIRFLOW_ADMIN_PASSWORD:?set AIRFLOW_ADMIN_PASSWORD (in .env)}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?set the auth manager passwords file}"

echo "airflow-init: migrating the metadata DB"
airflow db migrate
echo "airflow-init: pools from $SETTINGS_DIR/pools.json"
airflow pools import "$SETTINGS_DIR/pools.json"
echo "airflow-init: Variables from $SETTINGS_DIR/variables.yaml"
airflow variables import --action-on-existing-key skip "$SETTINGS_DIR/variables.yaml"
if [ -n "${PILOTAGE_CONNECTIONS_FILE:-}" ]; then
    echo "airflow-init: Connections from $PILOTAGE_CONNECTIONS_FILE"
    airflow connections import --overwrite "$PILOTAGE_CONNECTIONS_FILE"
fi
# SimpleAuthManager reads `{"user": "password"}` from this file; the user and its role come from
# AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS (admin:admin). Written with the password from .env so
# it is never a generated one printed in a log.
passwords=$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE
mkdir -p "$(dirname "$passwords")"
umask 077
python - "$passwords" <<'PY'
import json, os, sys
users = os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin")
names = [entry.split(":")[0] for entry in users.split(",") if entry.strip()]
with open(sys.argv[1], "w") as out:
    json.dump({name: os.environ["AIRFLOW_ADMIN_PASSWORD"] for name in names}, out)
PY
echo "airflow-init: done (users: ${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin})"
