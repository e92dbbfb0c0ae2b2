"""Deployment settings built from the environment: read replica, shared cache and sessions,
uploads on S3-compatible storage. The settings module is run afresh with a chosen environment
(no network: an S3 storage is built and signs URLs locally)."""

import os
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from motcua.common.db import report_db_alias

SETTINGS_FILE = Path(__file__).resolve().parents[3] / "config" / "settings.py"
PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "MOTCUA_CACHE", "MOTCUA_STORAGE", "AWS_")
PRIMARY = "postgres://motcua:pw@10.0.0.11:5432/motcua"
REPLICA = "postgres://motcua_report:pw@10.0.0.12:5432/motcua"
S3_ENV = {
    "MOTCUA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "motcua-hoso",
    "AWS_S3_ENDPOINT_URL": "http://10.0.0.14:9000",
    "AWS_ACCESS_KEY_ID": "motcua",
    "AWS_SECRET_ACCESS_KEY": "khoa-bi-mat-thu",
    "AWS_S3_REGION_NAME": "ap-southeast-1",
    "AWS_S3_ADDRESSING_STYLE": "path",
}


@pytest.fixture
def build(monkeypatch):
    def run(**env: str) -> dict:
        for name in list(os.environ):
            if name.startswith(PREFIXES):
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return run


def test_no_replica_without_its_url(build):
    databases = build(DATABASE_URL=PRIMARY)["DATABASES"]

    assert list(databases) == ["default"]


def test_replica_url_adds_a_replica_like_the_primary(build):
    settings = build(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, DATABASE_CONN_MAX_AGE="30")
    default, replica = settings["DATABASES"]["default"], settings["DATABASES"]["replica"]

    assert replica["ENGINE"] == default["ENGINE"] == "django.db.backends.postgresql"
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "10.0.0.12",
        "motcua_report",
        "motcua",
    )
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"] == 30
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["TEST"] == {"MIRROR": "default"}
    assert settings["DATABASE_ROUTERS"] == ["config.routers.PrimaryWritesRouter"]


def test_postgresql_may_prepare_hot_statements_unless_switched_off(build):
    on = build(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)["DATABASES"]
    off = build(DATABASE_URL=PRIMARY, DATABASE_PREPARED_STATEMENTS="false")["DATABASES"]

    assert on["default"]["OPTIONS"]["prepare_threshold"] == 5
    assert on["replica"]["OPTIONS"]["prepare_threshold"] == 5
    assert "prepare_threshold" not in off["default"].get("OPTIONS", {})


def test_without_a_replica_reports_read_the_primary():
    assert "replica" not in django_settings.DATABASES
    assert report_db_alias() == "default"


def test_sqlite_replica_gets_the_same_connection_options(build, tmp_path):
    settings = build(
        DATABASE_URL=f"sqlite:///{tmp_path / 'a.sqlite3'}",
        DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'b.sqlite3'}",
    )
    default, replica = settings["DATABASES"]["default"], settings["DATABASES"]["replica"]

    assert replica["NAME"] == str(tmp_path / "b.sqlite3")
    assert replica["OPTIONS"] == default["OPTIONS"]
    assert replica["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_redis_url_shares_cache_and_caches_sessions(build):
    settings = build(REDIS_URL="redis://10.0.0.13:6379/0", DJANGO_DEBUG="true")

    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://10.0.0.13:6379/0"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_production_without_redis_shares_the_database_cache(build):
    settings = build(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 50)

    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["CACHES"]["default"]["LOCATION"] == "motcua_cache"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_one_process_laptop_keeps_memory_unless_asked(build):
    laptop = build(DJANGO_DEBUG="true")
    asked = build(DJANGO_DEBUG="true", MOTCUA_CACHE="database")

    assert laptop["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert asked["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")


def test_unknown_cache_kind_is_refused(build):
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_CACHE"):
        build(MOTCUA_CACHE="memcached")


def test_uploads_stay_on_local_disk_by_default(build):
    storages = build()["STORAGES"]

    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_storage_from_the_environment_is_private(build):
    from storages.backends.s3 import S3Storage

    storages = build(**S3_ENV)["STORAGES"]
    backend = storages["default"]["BACKEND"]
    storage = S3Storage(**storages["default"]["OPTIONS"])
    url = storage.url("hoso/2026/don.pdf")  # signed locally, no request is sent

    assert backend == "storages.backends.s3.S3Storage"
    assert storage.bucket_name == "motcua-hoso"
    assert storage.endpoint_url == "http://10.0.0.14:9000"
    assert storage.default_acl == "private"
    assert storage.querystring_auth is True
    assert storage.file_overwrite is False
    assert url.startswith("http://10.0.0.14:9000/motcua-hoso/hoso/2026/don.pdf?")
    assert "X-Amz-Signature=" in url or "Signature=" in url
    assert storages["staticfiles"]["BACKEND"].startswith("django.contrib.staticfiles")


def test_s3_without_a_bucket_is_refused(build):
    env = {**S3_ENV, "AWS_STORAGE_BUCKET_NAME": ""}

    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        build(**env)


def test_unknown_storage_is_refused(build):
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_STORAGE"):
        build(MOTCUA_STORAGE="ftp")


@pytest.mark.django_db
def test_migrations_create_the_cache_table_the_database_cache_uses():
    cache = DatabaseCache("motcua_cache", {})

    assert "motcua_cache" in connection.introspection.table_names()
    assert cache.add("motcua:ratelimit:thu:1", 1, timeout=60) is True
    assert cache.add("motcua:ratelimit:thu:1", 1, timeout=60) is False
    assert cache.incr("motcua:ratelimit:thu:1") == 2
    assert cache.get("motcua:ratelimit:thu:1") == 2
