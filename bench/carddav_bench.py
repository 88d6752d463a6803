"""CardDAV benchmark: a full address-book sync of one person with many connections (issue 3).

Builds a throwaway SQLite database in a temporary KITH_VAR_DIR, bulk-inserts one owner with
`--connections` connections (each with a few card lines of mixed visibility), starts
`kith serve` on a free loopback port, and measures over HTTP, as a contacts app would:

- full sync by hand: PROPFIND Depth 1 of the address book, then addressbook-multiget of every
  card, in one request and in batches of 10 (DAVx5's batch size); the first run also builds
  the address book's change log;
- sync-collection: the initial sync (every card with its data) and a no-change poll;
- vdirsyncer (if installed): `discover` + first `sync`, then a no-change `sync`.

Usage:  .venv/bin/python bench/carddav_bench.py [--connections 1000] [--runs 3]
Everything listens on and talks to 127.0.0.1 only. No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from http_bench import (  # noqa: E402
    HOST,
    ROOT,
    SCRUBBED_ENV,
    free_port,
    kith_command,
    log_tail,
    stop,
    wait_until_healthy,
)

PROPFIND = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getetag/><d:getcontenttype/>
</d:prop></d:propfind>"""
SYNC = """<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>
<d:prop><d:getetag/><c:address-data/></d:prop></d:sync-collection>"""
NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:carddav"}


# --- Data (runs inside a Django process pointed at the throwaway database) -----------------------


def generate(connections: int, seed: int) -> dict:
    """Bulk-insert an owner with `connections` connections; return how to sign in."""
    import random

    import django

    django.setup()
    from django.utils import timezone

    from kith.contacts.actions import app_password_create
    from kith.people.actions import person_create
    from kith.people.models import ContactField, FieldKind, Person, Visibility
    from kith.relationships.models import Connection

    rng = random.Random(seed)
    now = timezone.now()
    owner = person_create(
        handle="owner", display_name="Owner", email="owner@example.org", confirmed=True
    )
    people = [
        Person(
            handle=f"p{i:05d}",
            display_name=f"Person {i} Surname{i % 97}",
            email=f"p{i:05d}@example.org",
            email_confirmed_at=now,
            bio="Bench person. " * rng.randint(0, 4),
            password="!",  # unusable: nobody logs in as them
        )
        for i in range(connections)
    ]
    Person.objects.bulk_create(people, batch_size=500)
    kinds = [
        (FieldKind.JOB_TITLE, "", "Engineer"),
        (FieldKind.ORGANISATION, "", "Example Ltd"),
        (FieldKind.PHONE, "", "+44 7700 900{:03d}"),
        (FieldKind.EMAIL, "", "person{}@work.example"),
        (FieldKind.LOCATION, "", "Bristol, UK"),
        (FieldKind.CUSTOM, "Mastodon", "@p{}@social.example"),
    ]
    visibilities = [Visibility.PUBLIC, Visibility.CONNECTIONS, Visibility.ONLY_ME]
    fields = []
    for i, person in enumerate(people):
        for position, (kind, label, value) in enumerate(rng.sample(kinds, rng.randint(2, 6))):
            fields.append(
                ContactField(
                    person=person,
                    kind=kind,
                    label=label,
                    value=value.format(i % 1000),
                    visibility=rng.choice(visibilities),
                    position=position,
                )
            )
    ContactField.objects.bulk_create(fields, batch_size=1000)
    Connection.objects.bulk_create(
        [
            Connection(
                person_a_id=min(owner.pk, p.pk),
                person_b_id=max(owner.pk, p.pk),
                how_met="in_person",
                since=now,
                last_interaction_at=now,
            )
            for p in people
        ],
        batch_size=1000,
    )
    password = app_password_create(person=owner, name="bench")[1]
    return {"handle": owner.handle, "password": password, "fields": len(fields)}


# --- Measuring -----------------------------------------------------------------------------------


def timed(label: str, figures: list, call):
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    figures.append((label, seconds))
    print(f"  {label:<58} {seconds:8.3f} s")
    return result


def check(response: httpx.Response, status: int = 207) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.request.url}: "
                           f"{response.status_code} {response.text[:300]}")  # fmt: skip
    return response


def propfind_hrefs(client: httpx.Client, book: str) -> list[str]:
    response = check(client.request("PROPFIND", book, content=PROPFIND, headers={"Depth": "1"}))
    root = ET.fromstring(response.content)
    return [h for h in (r.findtext("d:href", namespaces=NS) for r in root) if h != book]


def multiget(client: httpx.Client, book: str, hrefs: list[str]) -> int:
    body = (
        '<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        "<d:prop><d:getetag/><c:address-data/></d:prop>"
        + "".join(f"<d:href>{h}</d:href>" for h in hrefs)
        + "</c:addressbook-multiget>"
    )
    response = check(client.request("REPORT", book, content=body.encode()))
    return response.content.count(b"BEGIN:VCARD")


def full_sync(client: httpx.Client, book: str, batch: int | None) -> int:
    hrefs = propfind_hrefs(client, book)
    size = batch or len(hrefs)
    cards = sum(multiget(client, book, hrefs[i : i + size]) for i in range(0, len(hrefs), size))
    if cards != len(hrefs):
        raise RuntimeError(f"fetched {cards} cards of {len(hrefs)}")
    return cards


def sync_collection(client: httpx.Client, book: str, token: str) -> tuple[str, int, int]:
    response = check(client.request("REPORT", book, content=SYNC.format(token=token).encode()))
    root = ET.fromstring(response.content)
    return (
        root.findtext("d:sync-token", namespaces=NS),
        response.content.count(b"BEGIN:VCARD"),
        len(response.content),
    )


def vdirsyncer_sync(tmp: Path, base_url: str, creds: dict, figures: list) -> None:
    binary = Path(sys.executable).parent / "vdirsyncer"
    command = [str(binary)] if binary.exists() else [shutil.which("vdirsyncer") or ""]
    if not command[0]:
        print("  vdirsyncer is not installed: skipped")
        return
    config = tmp / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{tmp}/vds-status/"\n\n'
        '[pair kith]\na = "remote"\nb = "local"\ncollections = ["from a"]\n'
        'conflict_resolution = "a wins"\n\n'
        f'[storage remote]\ntype = "carddav"\nurl = "{base_url}/dav/"\n'
        f'username = "{creds["handle"]}"\npassword = "{creds["password"]}"\nread_only = true\n\n'
        f'[storage local]\ntype = "filesystem"\npath = "{tmp}/vds-contacts/"\nfileext = ".vcf"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(HOME=str(tmp), NO_PROXY="*")

    def run(*args: str) -> None:
        done = subprocess.run(
            [*command, "-c", str(config), *args], input="y\n" * 5, capture_output=True,
            text=True, env=env, timeout=900, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"vdirsyncer {args}: {done.stdout}\n{done.stderr}")

    timed("vdirsyncer discover + first sync", figures, lambda: (run("discover"), run("sync")))
    files = len(list((tmp / "vds-contacts" / "connections").glob("*.vcf")))
    print(f"  (vdirsyncer wrote {files} cards)")
    timed("vdirsyncer sync, nothing changed", figures, lambda: run("sync"))


@contextlib.contextmanager
def serving(env: dict[str, str], tmp: Path, name: str):
    """Run `kith serve` on a free loopback port for the block; yield its base URL."""
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    log_path = tmp / f"{name}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*kith_command(), "serve", "--host", HOST, "--port", str(port)], env=env, cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_until_healthy(proc, base_url)
            yield base_url
        except Exception:
            print(log_tail(log_path), file=sys.stderr)
            raise
        finally:
            stop(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="repeats of the warm full sync")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-vdirsyncer", action="store_true")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:  # the data step, run in a child process against the throwaway database
        print(json.dumps(generate(args.connections, args.seed)))
        return 0

    started_at = dt.datetime.now(dt.UTC)
    print(
        f"Kith CardDAV benchmark, {started_at:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; {args.connections} connections"
    )
    figures: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="kith-carddav-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(
            KITH_VAR_DIR=str(tmp),
            KITH_EMAIL_BACKEND="locmem",
            KITH_TASK_BACKEND="immediate",
            DJANGO_SETTINGS_MODULE="kith.settings",
            PYTHONUNBUFFERED="1",
        )
        subprocess.run([*kith_command(), "migrate"], env=env, cwd=ROOT, check=True)
        t0 = time.perf_counter()
        made = subprocess.run(
            [sys.executable, __file__, "--generate", "--connections", str(args.connections),
             "--seed", str(args.seed)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        creds = json.loads(made.stdout.strip().splitlines()[-1])
        print(
            f"  generated {args.connections} connections with {creds['fields']} card lines "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        book = f"/dav/addressbooks/{creds['handle']}/connections/"
        auth = (creds["handle"], creds["password"])
        with (
            serving(env, tmp, "server-http") as base_url,
            httpx.Client(base_url=base_url, auth=auth, timeout=300, trust_env=False) as client,
        ):
            timed(
                "full sync, first ever (builds the change log), 1 multiget",
                figures, lambda: full_sync(client, book, None),
            )  # fmt: skip
            for run in range(args.runs):
                timed(
                    f"full sync, PROPFIND + 1 multiget of all (run {run + 1})",
                    figures, lambda: full_sync(client, book, None),
                )  # fmt: skip
            timed(
                "full sync, PROPFIND + multigets of 10 (DAVx5-style)",
                figures, lambda: full_sync(client, book, 10),
            )  # fmt: skip
            timed(
                "PROPFIND Depth 1 alone (a poll for ETags)",
                figures, lambda: propfind_hrefs(client, book),
            )  # fmt: skip
            token, cards, size = timed(
                "sync-collection, initial (every card with data)",
                figures, lambda: sync_collection(client, book, ""),
            )  # fmt: skip
            print(f"  (initial sync-collection: {cards} cards, {size / 1e6:.2f} MB)")
            timed(
                "sync-collection, nothing changed (a phone's poll)",
                figures, lambda: sync_collection(client, book, token),
            )  # fmt: skip
        if not args.no_vdirsyncer:
            # A fresh server process: no card is in its render cache yet.
            with serving(env, tmp, "server-vdirsyncer") as base_url:
                vdirsyncer_sync(tmp, base_url, creds, figures)
    print("\nFigures (seconds):")
    for label, seconds in figures:
        print(f"| {label} | {seconds:.2f} |")
    print(
        "\nReproduce with:\n  cd "
        + str(ROOT)
        + f" && .venv/bin/python bench/carddav_bench.py --connections {args.connections}"
        + f" --runs {args.runs}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
