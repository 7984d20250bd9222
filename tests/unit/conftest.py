"""Fixtures shared by the unit tests (the change-control world: tests/unit/change_env.py)."""

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


@pytest.fixture
def runner_envvars(tmp_path, monkeypatch):
    """``envvars(**run_playbook_kwargs)``: the environment run_playbook hands ansible-runner
    for the monthly inspection playbook (ansible_runner.run replaced; nothing runs)."""
    import ansible_runner

    from weibao.errors import RunnerError
    from weibao.services import ansible as ansible_svc

    def envvars(**kw):
        seen = {}

        def fake_run(**kwargs):
            seen.update(kwargs["envvars"])
            raise RuntimeError("only the environment matters here")

        monkeypatch.setattr(ansible_runner, "run", fake_run)
        with pytest.raises(RunnerError, match="only the environment"):
            ansible_svc.run_playbook("playbooks/monthly_inspection.yml", tmp_path / "hosts.yml",
                                     tmp_path / "private", {}, None, lambda event: None,
                                     lambda: False, **kw)
        return seen

    return envvars
