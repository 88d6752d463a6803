"""Ids, settings documentation and the demo network."""

from __future__ import annotations

import pathlib

import pytest

from kith.core.ids import new_id, new_ids, parse_id
from kith.envvars import REGISTRY

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_ids_increase_and_fit_in_64_bits():
    ids = [new_id() for _ in range(10_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(0 < i < 2**63 for i in ids)


def test_new_ids_are_consecutive_and_after_every_id_made_before():
    before = new_id()
    block = new_ids(70_000)  # more than one millisecond's 65,536: carries into the next
    after = new_id()
    assert len(block) == 70_000 and list(block) == list(range(block[0], block[0] + 70_000))
    assert before < block[0] and block[-1] < after
    assert len(new_ids(0)) == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123", 123),
        ("abc", None),
        ("", None),
        ("-1", None),
        ("9" * 25, None),
        (None, None),
        (str(2**63), None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in REGISTRY if f"`{name}`" not in readme]
    assert not missing, f"README.md does not document: {missing}"


def test_demo_network_is_deterministic(db):
    from kith.demo import load_demo
    from kith.people.models import ContactField, Person
    from kith.relationships.models import Connection

    def snapshot():
        people = list(
            Person.objects.exclude(handle="moderator")
            .order_by("id")
            .values_list("handle", "display_name", "bio")
        )
        fields = sorted(
            ContactField.objects.values_list("person__handle", "kind", "value", "visibility")
        )
        pairs = sorted(
            tuple(sorted((c.person_a.handle, c.person_b.handle)))
            for c in Connection.objects.select_related("person_a", "person_b")
        )
        return people, fields, pairs

    result = load_demo(people=12, seed=3)
    assert len(result.people) == 12 and result.connections > 0
    first = snapshot()
    assert {v for *_, v in first[1]} == {"public", "connections", "only_me"}
    Person.objects.all().delete()
    load_demo(people=12, seed=3)
    assert snapshot() == first


def test_post_images_are_scaled_stripped_and_thumbnailed(settings):
    import io

    from PIL import Image

    from kith.core.images import normalised_media, thumbnail

    source = Image.new("RGB", (4000, 1000), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG", exif=exif.tobytes())
    data, width, height = normalised_media(buffer.getvalue())
    assert (width, height) == (2048, 512)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "WEBP" and not stored.getexif()
    small = Image.open(io.BytesIO(thumbnail(data)))
    assert small.size == (400, 100)
    settings.KITH_MEDIA_MAX_PIXELS = 1000
    with pytest.raises(Exception, match="pixels"):
        normalised_media(buffer.getvalue())
