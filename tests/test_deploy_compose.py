"""docker-compose.yml holds the topology that test_deploy_topology runs natively, service by service,
and Debian's docker-compose accepts it (`docker-compose config`) with a .env made by
scripts/make_env.sh from .env.example. No Docker engine is needed."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from deploy_topology import (
    BROKER_SCHEME,
    EXECUTOR,
    INIT_SCRIPT,
    METADATA_SCHEME,
    PROJECT_ROOT,
    RESULT_BACKEND_SCHEME,
    SECRETS,
    SERVICES,
    SHARED_SETTINGS,
    VOLUMES,
)

COMPOSE = PROJECT_ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # PyYAML resolves the anchors and `<<` merges


def _mounts(service: dict) -> dict[str, str]:
    """container path -> named volume"""
    return {spec.split(":")[1]: spec.split(":")[0] for spec in service.get("volumes", [])}


def test_every_component_runs_the_native_command_from_the_project_image(compose: dict) -> None:
    services = compose["services"]
    assert set(SERVICES) | {"airflow-init", "postgres", "redis"} == set(services)
    for name, args in SERVICES.items():
        service = services[name]
        assert service["command"] == args, name
        assert service["build"] == "." and service["restart"] == "always", name
        assert service["healthcheck"]["test"], name
        needs = service["depends_on"]
        assert needs["postgres"]["condition"] == needs["redis"]["condition"] == "service_healthy", name
        assert needs["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-worker"]["depends_on"]["airflow-api-server"]["condition"] == "service_healthy"
    init = services["airflow-init"]
    assert init["entrypoint"][-1] == f"/opt/pilotage/{INIT_SCRIPT}" and init["restart"] == "no"
    assert (PROJECT_ROOT / INIT_SCRIPT).exists()
    for backing in ("postgres", "redis"):
        assert services[backing]["healthcheck"]["test"] and services[backing]["restart"] == "always"


def test_executor_broker_metadata_db_and_secrets_match_the_native_run(compose: dict) -> None:
    for name in (*SERVICES, "airflow-init"):
        env = compose["services"][name]["environment"]
        assert set(SHARED_SETTINGS) <= set(env), (name, set(SHARED_SETTINGS) - set(env))
        assert env["AIRFLOW__CORE__EXECUTOR"] == EXECUTOR
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith(METADATA_SCHEME)
        assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith(RESULT_BACKEND_SCHEME)
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith(BROKER_SCHEME)
        assert "@redis:6379/" in env["AIRFLOW__CELERY__BROKER_URL"]
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-api-server:8080/execution/"
        for secret in SECRETS:  # from .env, never a value written in the compose file
            assert env[secret].startswith("${") and ":?" in env[secret], (name, secret)
        assert compose["services"][name]["env_file"] == [".env"]
    assert compose["services"]["airflow-init"]["environment"]["AIRFLOW_ADMIN_PASSWORD"].startswith("${")


def test_every_component_mounts_the_shared_volumes_where_the_dags_look(compose: dict) -> None:
    declared = set(compose["volumes"])
    for name in (*SERVICES, "airflow-init"):
        service = compose["services"][name]
        mounts = _mounts(service)
        for var, volume in VOLUMES.items():
            path = service["environment"][var]
            assert mounts.get(path) == volume, (name, var, path, mounts)
            assert volume in declared
    # the auth manager's passwords file is written by airflow-init and read by the API server
    passwords = Path(compose["services"]["airflow-api-server"]["environment"][
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    for name in ("airflow-init", "airflow-api-server"):
        assert _mounts(compose["services"][name]).get(str(passwords.parent)) == "auth", name
    # the Variables applied by airflow-init point into the same volumes
    variables = yaml.safe_load((PROJECT_ROOT / "deploy" / "variables.yaml").read_text())
    mounts = _mounts(compose["services"]["airflow-worker"])
    for key, path in variables.items():
        assert any(path == m or path.startswith(m + "/") for m in mounts), (key, path)


def test_the_writer_pool_has_one_slot() -> None:
    import json

    pools = json.loads((PROJECT_ROOT / "deploy" / "pools.json").read_text())
    assert pools["duckdb_writer"]["slots"] == 1


def test_env_example_is_committed_and_env_is_not() -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=PROJECT_ROOT).returncode == 0
    assert ignored, ".env must be in .gitignore"
    assert subprocess.run(["git", "check-ignore", "-q", ".env.example"], cwd=PROJECT_ROOT).returncode == 1


def test_make_env_fills_every_secret(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    subprocess.run(["bash", "scripts/make_env.sh", str(target)], cwd=PROJECT_ROOT, check=True)
    values = dict(line.split("=", 1) for line in target.read_text().splitlines()
                  if line and not line.startswith("#"))
    assert set(values) == {"POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET",
                           "AIRFLOW_API_SECRET_KEY", "AIRFLOW_ADMIN_PASSWORD"}
    assert all(len(v) >= 32 for v in values.values()), values
    assert len(base64.urlsafe_b64decode(values["AIRFLOW_FERNET_KEY"])) == 32
    again = subprocess.run(["bash", "scripts/make_env.sh", str(target)], cwd=PROJECT_ROOT, capture_output=True)
    assert again.returncode != 0  # never overwrites the secrets in place


def _docker_compose() -> str:
    found = shutil.which("docker-compose")
    if not found:
        subprocess.run(["bash", "scripts/ensure_docker_compose.sh"], cwd=PROJECT_ROOT, check=False)
        found = shutil.which("docker-compose")
    if not found:
        pytest.skip("Debian's docker-compose is not installed and could not be (needs root and apt-get): "
                    "sudo apt-get install -y docker-compose")
    return found


def test_docker_compose_accepts_the_file_with_a_generated_env(tmp_path: Path) -> None:
    binary = _docker_compose()
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    (tmp_path / ".env").touch()
    refused = subprocess.run([binary, "config", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode != 0 and "POSTGRES_PASSWORD" in refused.stderr + refused.stdout  # secrets required
    (tmp_path / ".env").unlink()
    subprocess.run(["bash", str(PROJECT_ROOT / "scripts/make_env.sh"), str(tmp_path / ".env")], check=True)
    done = subprocess.run([binary, "config"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    for name, args in SERVICES.items():
        service = resolved["services"][name]
        assert service["command"] == args
        assert service["environment"]["AIRFLOW__CORE__EXECUTOR"] == EXECUTOR
        assert "${" not in service["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]


def test_dockerfile_installs_the_locked_stack_as_a_non_root_user() -> None:
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    uv_version = next(line.split(":=")[1].strip() for line in makefile.splitlines() if line.startswith("UV_VERSION"))
    assert f"ARG UV_VERSION={uv_version}" in text  # the same uv as `make install`
    syncs = [line for line in text.splitlines() if "uv sync" in line]
    assert syncs and all("--frozen" in line and "--extra deploy" in line for line in syncs)
    assert "USER ${AIRFLOW_UID}" in text and "ARG AIRFLOW_UID=50000" in text
    for folder in ("include/", "dags/", "plugins/", "dbt_project/", "expectations/", "deploy/", "scripts/"):
        assert f"COPY {folder} {folder}" in text, folder
    assert ".env" in (PROJECT_ROOT / ".dockerignore").read_text().split()  # secrets stay out of the image
