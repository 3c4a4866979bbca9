"""Fixtures of core's tests: a new installation beside the test database."""

import os

import pytest
from django.db import connection

ON_SQLITE = connection.vendor == "sqlite"


@pytest.fixture
def fresh_site(tmp_path, django_db_setup):
    """Environment of a new installation: an empty data folder and (PostgreSQL) an empty
    database beside the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_"))}
    env["PALERMO_DATA_DIR"] = str(tmp_path / "site")
    if ON_SQLITE:
        yield env
        return
    import psycopg

    db = connection.settings_dict
    server = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"]}
    name = f"{db['NAME']}_fresh"
    with psycopg.connect(
        dbname="postgres", password=db["PASSWORD"], autocommit=True, **server
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env["PALERMO_DATABASE_URL"] = (
        f"postgres://{db['USER']}{password}@{db['HOST']}:{server['port']}/{name}"
    )
    yield env
    with psycopg.connect(
        dbname="postgres", password=db["PASSWORD"], autocommit=True, **server
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
