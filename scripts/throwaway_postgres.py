"""Run a command against a throwaway PostgreSQL cluster: `throwaway_postgres.py -- CMD ...`.

Starts a fresh cluster in a temporary folder on a free loopback port, sets
KITH_TEST_DATABASE_URL for the command, and removes the cluster afterwards, whatever happens.
PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    sys.exit(f"PostgreSQL's {name} was not found: install the server (apt-get install postgresql).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    if "--" not in sys.argv:
        sys.exit(__doc__)
    command = sys.argv[sys.argv.index("--") + 1 :]
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    run_as: list[str] = []
    workdir = tempfile.mkdtemp(prefix="kith-pg-")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(workdir, "data"), free_port()
    log = os.path.join(workdir, "server.log")
    try:
        subprocess.run(
            [
                *run_as,
                initdb,
                "-D",
                data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-l", log, "-o", options, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"PostgreSQL started on 127.0.0.1:{port} (cluster in {workdir})", flush=True)
        env = {
            **os.environ,
            "KITH_TEST_DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres",
        }
        return subprocess.run(command, env=env).returncode
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)
        # give the port back before the caller goes on
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
