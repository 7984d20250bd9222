"""Fixtures shared by the change-control tests (tests/unit/change_env.py builds the world)."""

import pytest
from change_env import ChangeEnv, Clock, make_keys
from pg import pg_cluster, pg_url  # noqa: F401  (fixtures: a throwaway PostgreSQL cluster)


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    """Real ssh-keygen keys for the four people of a change, made once per test session."""
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def change_world(tmp_path, keys, monkeypatch):
    """Make a change-control world (store, people, inventory, service) with its clock at ``now``."""
    worlds = []

    def make(now, db_url=None):
        world = ChangeEnv(tmp_path, keys, Clock(now), db_url)
        monkeypatch.setenv("WEIBAO_CONTENT_DIR", str(world.content))
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """The URL of a new, empty store: the test runs on SQLite and on PostgreSQL (pg.py)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")
