"""A file drop over real SFTP: fsspec's sftp:// against a loopback SSH server (paramiko)."""

from __future__ import annotations

import json
import os
import socket
import threading
from datetime import date
from pathlib import Path

import pytest

paramiko = pytest.importorskip("paramiko")  # the `sftp` extra

from pilotage.extract.filedrop import drop_config, pickup  # noqa: E402
from pilotage.settings import Settings  # noqa: E402

USER, PASSWORD = "pilotage", "drop-password-123"


class _Server(paramiko.ServerInterface):
    def check_auth_password(self, username, password):
        ok = username == USER and password == PASSWORD
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def get_allowed_auths(self, username):
        return "password"

    def check_channel_request(self, kind, chanid):
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(paramiko.SFTPHandle):
    def stat(self):
        return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))


def _sftp_interface(root: Path):
    class Folder(paramiko.SFTPServerInterface):
        """Serves ``root`` read-only, as an SFTP server of a vendor would."""

        def _local(self, path: str) -> Path:
            return root / self.canonicalize(path).lstrip("/")

        def canonicalize(self, path):
            return "/" + os.path.normpath("/" + path).lstrip("/")

        def list_folder(self, path):
            folder = self._local(path)
            if not folder.is_dir():
                return paramiko.SFTP_NO_SUCH_FILE
            out = []
            for child in sorted(folder.iterdir()):
                attrs = paramiko.SFTPAttributes.from_stat(child.stat())
                attrs.filename = child.name
                out.append(attrs)
            return out

        def stat(self, path):
            target = self._local(path)
            if not target.exists():
                return paramiko.SFTP_NO_SUCH_FILE
            return paramiko.SFTPAttributes.from_stat(target.stat())

        lstat = stat

        def open(self, path, flags, attr):
            target = self._local(path)
            if not target.is_file():
                return paramiko.SFTP_NO_SUCH_FILE
            handle = _Handle(flags)
            handle.readfile = open(target, "rb")  # noqa: SIM115 - closed by paramiko with the handle
            handle.filename = str(target)
            return handle

    return Folder


@pytest.fixture
def sftp_server(tmp_path):
    root = tmp_path / "vendor-outbound"
    root.mkdir()
    host_key = paramiko.RSAKey.generate(1024)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    stop = threading.Event()
    transports = []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            transport = paramiko.Transport(conn)
            transport.add_server_key(host_key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _sftp_interface(root))
            transport.start_server(server=_Server())
            transports.append(transport)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield root, listener.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for transport in transports:
        transport.close()
    listener.close()


def test_sftp_drop_with_credentials_from_the_airflow_connection(sftp_server, settings, monkeypatch):
    root, port = sftp_server
    (root / "acd").mkdir()
    (root / "acd" / "contacts_20261005.jsonl").write_bytes(b'{"ContactId": "c1"}\n')
    conn = {"conn_type": "sftp", "login": USER, "password": PASSWORD, "port": port}
    monkeypatch.setenv("AIRFLOW_CONN_PILOTAGE_DROP", json.dumps(conn))
    from pilotage.dag_defaults import with_airflow_connections  # imports airflow: not at collection

    drop = with_airflow_connections(Settings.build(env={
        "PILOTAGE_DROP_URL": "sftp://127.0.0.1/", "PILOTAGE_DROP_SETTLE_SECONDS": "0.01",
        "PILOTAGE_DROP_OPTIONS": '{"timeout": 5}'}))
    cfg = drop_config(drop.drop, drop.connections["pilotage_drop"])
    result = pickup("acd", date(2026, 10, 5), date(2026, 10, 6), settings, config=cfg)
    picked = [f for f in result["files"] if f["status"] != "absent"]
    assert [(f["name"], f["status"]) for f in picked] == [("contacts_20261005.jsonl", "picked")]
    assert (settings.landing_dir / "acd" / "contacts_20261005.jsonl").read_bytes() == b'{"ContactId": "c1"}\n'
    again = pickup("acd", date(2026, 10, 5), date(2026, 10, 6), settings, config=cfg)
    assert again["counts"] == {"unchanged": 1, "absent": 1}
