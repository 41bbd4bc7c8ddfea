import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_all_up(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "storage": True,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_names_the_broker_when_it_is_down(client, unused_port):
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{unused_port}/0"):
        response = client.get("/health/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]


def test_health_names_the_storage_when_it_cannot_write(client, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("occupied")
    with override_settings(MEDIA_ROOT=str(not_a_folder)):
        response = client.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content)["failing"] == ["storage"]
