"""The JSON columns' serializer (weibao.store.db.json_dumps): json.dumps byte for byte."""

import json
import random

import pytest
from sqlalchemy import text

from weibao.store import Store
from weibao.store.db import json_dumps

VALUES = [None, True, False, 0, -1, 2**70, 1.5, -0.0, 1e-300, 1e300, float("nan"),
          float("inf"), -float("inf"), "", "x", '时间 "q" \\ \n\t\x00\u2028', [], {}, (),
          {"a": [1, {"b": None}], "z": (1, 2)}, [1.0, "é", {"k": "v"}],
          {1: "int key", 2.5: "float key", False: "bool key", None: "null key"},
          {"summary": {"key": "system.load.ok", "params": {"load": 0.5}},
           "recommendation": None}]


def _random_value(rng, depth=0):
    kind = rng.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randint(-10**20, 10**20)
    if kind == 2:
        return rng.uniform(-1e6, 1e6)
    if kind in (3, 4):
        return "".join(rng.choice('ab "\\\n中文é\x01') for _ in range(rng.randrange(6)))
    if kind == 5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(_random_value(rng, 4)): _random_value(rng, depth + 1)
            for _ in range(rng.randrange(4))}


def test_the_same_text_as_json_dumps():
    rng = random.Random(15)
    for value in VALUES + [_random_value(rng) for _ in range(2000)]:
        assert json_dumps(value) == json.dumps(value)


@pytest.mark.parametrize("bad", [object(), {(1, 2): 1}, {"a": {1, 2}}, b"bytes"])
def test_the_same_error_as_json_dumps(bad):
    with pytest.raises(TypeError) as ours:
        json_dumps(bad)
    with pytest.raises(TypeError) as theirs:
        json.dumps(bad)
    assert str(ours.value) == str(theirs.value)


def test_the_store_writes_its_json_columns_with_it(store_url, monkeypatch):
    import datetime as dt

    from weibao.store import Run, db

    calls = []
    monkeypatch.setattr(db, "json_dumps", lambda v: calls.append(v) or json_dumps(v))
    store = Store(store_url)
    try:
        with store.session() as s:
            s.add(Run(kind="inspection", site="s", period="2026-12", status="running",
                      started_at=dt.datetime.now(dt.UTC), user="u", inventory="i",
                      playbook="p", limit="", ansible_version="2.19", weibao_version="0",
                      site_meta={"name": "s", "时区": "Asia/Shanghai"}, message=""))
        assert {"name": "s", "时区": "Asia/Shanghai"} in calls
        with store.session() as s:
            stored = s.execute(text("SELECT site_meta FROM runs")).scalar_one()
        assert (json.loads(stored) if isinstance(stored, str) else stored) == {
            "name": "s", "时区": "Asia/Shanghai"}
    finally:
        store.dispose()
