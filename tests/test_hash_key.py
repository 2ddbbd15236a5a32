"""Where the customer hash key comes from, and the keyed hash itself."""

from __future__ import annotations

import hashlib
import hmac
import stat

from pilotage import hash_key
from pilotage.settings import Settings


def _settings(tmp_path, **env) -> Settings:
    return Settings.build(env={"PILOTAGE_DATA_DIR": str(tmp_path), **env})


def test_keyed_hash_is_hmac_sha256_and_keeps_null() -> None:
    expected = hmac.new(b"k", b"CUS00000001", hashlib.sha256).hexdigest()
    assert hash_key.keyed_hash("k", "CUS00000001") == expected
    assert hash_key.keyed_hash("k", "CUS00000001") != hashlib.sha256(b"CUS00000001").hexdigest()
    assert hash_key.keyed_hash("k", None) is None


def test_the_environment_wins(tmp_path, monkeypatch) -> None:
    found = hash_key.resolve(_settings(tmp_path, PILOTAGE_HASH_KEY="from-env"))
    assert found == ("from-env", f"environment variable {hash_key.ENV_VAR}")
    assert not hash_key.key_file(tmp_path).exists()


def test_without_a_key_one_is_generated_once_private_and_kept(tmp_path, monkeypatch, caplog) -> None:
    key, where = hash_key.resolve(_settings(tmp_path))
    path = hash_key.key_file(tmp_path)
    assert where == str(path) and str(path) in caplog.text and key not in caplog.text
    assert len(key) == 64 and path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert hash_key.resolve(_settings(tmp_path)) == (key, str(path))


def test_no_key_and_no_generation_is_an_error(tmp_path, monkeypatch) -> None:
    try:
        hash_key.resolve(_settings(tmp_path), generate=False)
    except RuntimeError as error:
        assert hash_key.ENV_VAR in str(error)
    else:
        raise AssertionError("resolve() returned without a key")


def test_the_airflow_connection_is_used_when_the_environment_has_none(tmp_path) -> None:
    settings = _settings(tmp_path).with_connections({hash_key.CONNECTION_ID: {"password": "from-conn"}})
    assert hash_key.resolve(settings) == ("from-conn", f"Airflow Connection {hash_key.CONNECTION_ID}")
    assert not hash_key.key_file(tmp_path).exists()
