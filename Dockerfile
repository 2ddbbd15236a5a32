# The pilotage image: the locked stack (uv.lock, with the `deploy` extra: Celery, Redis,
# Postgres drivers) and the project installed, run as a non-root user. One image for every
# Airflow component of docker-compose.yml (the service's command picks the component).
FROM python:3.11-slim-bookworm

ARG UV_VERSION=0.13.9
ARG AIRFLOW_UID=50000
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/opt/pilotage/.venv \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/pilotage/.venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    GX_ANALYTICS_ENABLED=false \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false

# curl for the healthchecks, tini to forward signals to the Airflow process (warm shutdown)
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir "uv==${UV_VERSION}" \
 && useradd --uid "${AIRFLOW_UID}" --gid 0 --create-home --home-dir /home/airflow airflow

WORKDIR /opt/pilotage
# dependencies first (a layer that only changes with the lock file), then the project itself
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra deploy --no-install-project
COPY include/ include/
COPY dags/ dags/
COPY plugins/ plugins/
COPY dbt_project/ dbt_project/
COPY center/ center/
COPY expectations/ expectations/
COPY deploy/ deploy/
COPY scripts/ scripts/
RUN uv sync --frozen --no-dev --extra deploy \
 && mkdir -p /opt/airflow /opt/pilotage/volumes/landing /opt/pilotage/volumes/data \
             /opt/pilotage/volumes/packs /opt/pilotage/volumes/logs /opt/pilotage/volumes/auth \
 && chown -R "${AIRFLOW_UID}:0" /opt/airflow /opt/pilotage/volumes /opt/pilotage/dbt_project \
 && chmod -R g+rwX /opt/airflow /opt/pilotage/volumes

USER ${AIRFLOW_UID}
ENTRYPOINT ["/usr/bin/tini", "--", "airflow"]
CMD ["version"]
