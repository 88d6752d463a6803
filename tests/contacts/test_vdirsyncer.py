"""A real CardDAV client, vdirsyncer, syncs bob's address book from a live server into a
folder: the first sync brings every connection, and later syncs bring each change — an edited
line, a line switched to "only me", a removed connection."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import vobject

from kith.contacts.actions import app_password_create
from kith.people import actions as people_actions
from kith.people.models import ContactField, FieldKind, Visibility
from kith.relationships.actions.connections import connection_create, connection_remove
from tests.conftest import CARD_VALUES, make_person

pytestmark = pytest.mark.django_db(transaction=True)

VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"


def _vdirsyncer_command() -> list[str]:
    if VDIRSYNCER.exists():
        return [str(VDIRSYNCER)]
    found = shutil.which("vdirsyncer")
    if found is None:
        pytest.skip("vdirsyncer is not installed (pip install -e '.[test]')")
    return [found]


class Vdirsyncer:
    def __init__(self, tmp_path: Path, url: str, username: str, password: str) -> None:
        self.tmp_path = tmp_path
        self.config = tmp_path / "config"
        self.local = tmp_path / "contacts"
        self.config.write_text(
            f"""[general]
status_path = "{tmp_path / "status"}/"

[pair kith]
a = "kith_remote"
b = "kith_local"
collections = ["from a"]
conflict_resolution = "a wins"

[storage kith_remote]
type = "carddav"
url = "{url}"
username = "{username}"
password = "{password}"
read_only = true

[storage kith_local]
type = "filesystem"
path = "{self.local}/"
fileext = ".vcf"
"""
        )
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.lower().endswith("_proxy") and not key.startswith("VDIRSYNCER")
        }
        self.env.update(HOME=str(tmp_path), NO_PROXY="*", no_proxy="*")

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [*_vdirsyncer_command(), "-c", str(self.config), *args],
            input="y\n" * 5,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"vdirsyncer {args} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    def cards(self) -> dict[str, str]:
        """Return the synced cards' text by full name."""
        files = list((self.local / "connections").glob("*.vcf"))
        texts = [path.read_text() for path in files]
        return {vobject.readOne(text).fn.value: text for text in texts}


def test_vdirsyncer_follows_every_change(live_server, tmp_path, alice, bob):
    dora = make_person("dora")
    connection_create(person=bob, other=dora, how_met="call")
    people_actions.contact_field_add(
        person=dora, kind=FieldKind.EMAIL, value="dora@work.example", visibility="connections"
    )
    password = app_password_create(person=bob, name="vdirsyncer")[1]
    # From the site's root URL: vdirsyncer finds the server through /.well-known/carddav.
    client = Vdirsyncer(tmp_path, live_server.url + "/", "bob", password)

    client.run("discover", "kith")
    client.run("sync")
    cards = client.cards()
    assert set(cards) == {"Alice", "Dora"}
    assert CARD_VALUES[Visibility.PUBLIC] in cards["Alice"]
    assert CARD_VALUES[Visibility.CONNECTIONS] in cards["Alice"]
    assert CARD_VALUES[Visibility.ONLY_ME] not in cards["Alice"]
    assert "dora@work.example" in cards["Dora"]

    organisation = ContactField.objects.get(person=alice, value=CARD_VALUES[Visibility.PUBLIC])
    people_actions.contact_field_update(field=organisation, value="Kiln Collective")
    client.run("sync")
    cards = client.cards()
    assert "Kiln Collective" in cards["Alice"]
    assert CARD_VALUES[Visibility.PUBLIC] not in cards["Alice"]

    phone = ContactField.objects.get(person=alice, value=CARD_VALUES[Visibility.CONNECTIONS])
    people_actions.contact_field_update(field=phone, visibility=Visibility.ONLY_ME)
    client.run("sync")
    assert CARD_VALUES[Visibility.CONNECTIONS] not in client.cards()["Alice"]

    connection_remove(person=dora, other=bob)
    client.run("sync")
    assert set(client.cards()) == {"Alice"}
