"""The written maintenance request (书面维护申请): loading, every kind of error, the digest."""

import hashlib
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml

from weibao.change.request import (
    KINDS,
    ChangeRequest,
    canonical_digest,
    load_request,
    parse_duration,
    validate_request,
)
from weibao.change.request.meaning import PLACEHOLDER
from weibao.change.request.problems import MESSAGES
from weibao.change.request.structure import schema
from weibao.change.skeleton import next_change_id, skeleton
from weibao.errors import ConfigError
from weibao.services.inventory import SITE_NAME_RE
from weibao.signing import PRINCIPAL_RE

FIXTURES = Path(__file__).parent / "fixtures" / "change"
EXAMPLE = FIXTURES / "CR-2026-0001.yml"
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))
# The example's digest. If this changes while the fixture did not, the canonical form changed,
# and every signature ever made over a request would stop verifying: don't.
EXAMPLE_DIGEST = "936795126af9d5eacb8dd81b213e8f35cb416c836d9feef0f3a782eb19d7b7e7"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def example_data() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def expectations(path: Path) -> dict[str, str]:
    """The fixture's header: '# field: …', '# problem: …', optionally '# line: …'."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines()[:4]:
        key, _, value = line.removeprefix("# ").partition(":")
        if key in ("field", "problem", "line"):
            found[key] = value.strip()
    return found


# ----------------------------------------------------------------------------- the example


def test_example_loads_with_typed_fields():
    request = load_request(EXAMPLE)
    assert isinstance(request, ChangeRequest)
    assert request.id == "CR-2026-0001"
    assert request.kind == "os_patch" and request.needs_backup
    assert (request.requester, request.operator, request.recorder) == (
        "wang.fang", "li.wei", "zhang.min")
    assert request.people == ("wang.fang", "li.wei", "zhang.min", "chen.jing")
    assert request.targets.inventory == "inventories/example"
    assert request.targets.limit == "db_servers"
    assert request.playbook == "playbooks/os_patch.yml"
    assert request.variables == {"os_patch_reboot": True, "os_patch_security_only": True,
                                 "os_patch_serial": 1}
    assert len(request.steps) == 6
    assert request.hardware_changes == ()
    assert len(request.software_changes) == 3
    assert request.window.start == datetime(2026, 3, 7, 22, 0, tzinfo=SHANGHAI)
    assert request.window.end == datetime(2026, 3, 8, 2, 0, tzinfo=SHANGHAI)
    assert request.window.minutes == 240
    assert request.expected_minutes == 150
    assert request.application_downtime.minutes == 10
    assert request.emergency.is_emergency is False and request.emergency.reason == ""
    assert request.media[0].sha256 == (
        "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")
    assert request.raw == example_data()
    assert validate_request(EXAMPLE) == []


def test_schema_is_valid_draft_2020_12_and_accepts_the_example():
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(example_data())


def test_person_and_site_names_are_those_of_the_people_file_and_inventory():
    assert schema()["$defs"]["person"]["pattern"] == PRINCIPAL_RE.pattern
    assert schema()["properties"]["site"]["pattern"] == SITE_NAME_RE.pattern
    assert tuple(schema()["properties"]["kind"]["enum"]) == KINDS


def test_every_message_names_its_place_first():
    assert all(message.startswith("%(where)s: ") for message in MESSAGES.values())


def test_schema_names_only_messages_that_exist():
    named: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "x-messages":
                    for item in value.values():
                        named.extend(item.values() if isinstance(item, dict) else [item])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema())
    assert len(named) >= 10
    assert set(named) <= set(MESSAGES)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-03-07T22:00:00", datetime(2026, 3, 7, 22, 0, tzinfo=SHANGHAI)),  # unquoted
        ("'2026-03-07T22:00+08:00'", datetime(2026, 3, 7, 22, 0, tzinfo=SHANGHAI)),
        ("'2026-03-07T14:00Z'", None),  # UTC, which Asia/Shanghai is not
    ],
)
def test_window_times_are_local_or_carry_the_zones_offset(tmp_path, start, expected):
    text = EXAMPLE.read_text(encoding="utf-8").replace('start: "2026-03-07T22:00"',
                                                       f"start: {start}")
    path = tmp_path / "CR-2026-0001.yml"
    path.write_text(text, encoding="utf-8")
    if expected is None:
        [problem] = validate_request(path)
        assert str(problem) == (
            "window.start: offset +00:00 does not match Asia/Shanghai (+08:00 at that time)")
        return
    request = load_request(path)
    assert request.window.start == expected
    assert request.raw["window"]["start"] == start.strip("'")  # text, never a YAML timestamp


def test_emergency_with_reason_loads(tmp_path):
    data = example_data()
    data["emergency"] = {"is_emergency": True, "reason": "db01 kernel panics every hour"}
    request = load_request(write(tmp_path / "CR-2026-0001.yml", data))
    assert request.emergency.is_emergency
    assert request.emergency.reason == "db01 kernel panics every hour"


def test_merge_keys_may_be_overridden(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "variables:\n  os_patch_reboot: true\n",
        "x_defaults: &defaults\n  os_patch_serial: 2\n"
        "variables:\n  <<: *defaults\n  os_patch_reboot: true\n", 1)
    path = tmp_path / "CR-2026-0001.yml"
    path.write_text(text, encoding="utf-8")
    fields = [p.field for p in validate_request(path)]
    assert fields == ["x_defaults"]  # the anchor's holder is unknown; no duplicate key error


@pytest.mark.parametrize(("text", "minutes"),
                         [("2h30m", 150), ("2h", 120), ("45m", 45), ("0h5m", 5), ("", None),
                          ("2.5h", None), ("150", None), ("2h 30m", None), ("h", None)])
def test_parse_duration(text, minutes):
    assert parse_duration(text) == minutes


# ----------------------------------------------------------------------------- the digest


def test_digest_is_sha256_of_canonical_json_of_the_parsed_document():
    request = load_request(EXAMPLE)
    text = json.dumps(example_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_digest(request) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert canonical_digest(request) == canonical_digest(example_data()) == request.digest
    assert canonical_digest(request) == EXAMPLE_DIGEST


def test_digest_ignores_comments_key_order_and_quoting(tmp_path):
    data = example_data()
    reordered = dict(reversed(list(data.items())))
    reordered["window"] = dict(reversed(list(data["window"].items())))
    path = tmp_path / "CR-2026-0001.yml"
    path.write_text(yaml.safe_dump(reordered, allow_unicode=True, sort_keys=False,
                                   default_style='"'), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert not any(line.lstrip().startswith("#") for line in lines)  # no comments at all
    assert lines[0].startswith('"media":')  # last field first
    assert canonical_digest(load_request(path)) == EXAMPLE_DIGEST


def leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path


def changed(data, path):
    copy = json.loads(json.dumps(data))
    holder = copy
    for part in path[:-1]:
        holder = holder[part]
    old = holder[path[-1]]
    if isinstance(old, bool):
        holder[path[-1]] = not old
    elif isinstance(old, int):
        holder[path[-1]] = old + 1
    else:
        holder[path[-1]] = old + "."
    return copy


@pytest.mark.parametrize("path", list(leaves(example_data())), ids=str)
def test_digest_changes_when_any_value_changes(path):
    assert canonical_digest(changed(example_data(), path)) != EXAMPLE_DIGEST


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["steps"].reverse(),  # order of steps
        lambda d: d["software_changes"].pop(),  # a list item removed
        lambda d: d["attendees"].append("zhao.lei"),  # a list item added
        lambda d: d.pop("attendees"),  # an optional field removed
        lambda d: d["application_downtime"].pop("description"),
        lambda d: d["variables"].update(os_patch_serial="1"),  # same text, other type
        lambda d: d.update(title=d["title"] + " "),  # trailing space
        lambda d: d["window"].update(start="2026-03-07T22:00+08:00"),  # same moment, other text
    ],
)
def test_digest_changes_with_structure_type_and_spelling(tmp_path, edit):
    data = example_data()
    edit(data)
    assert canonical_digest(data) != EXAMPLE_DIGEST


def test_editing_the_file_changes_the_digest(tmp_path):
    path = shutil.copy(EXAMPLE, tmp_path / "CR-2026-0001.yml")
    text = Path(path).read_text(encoding="utf-8")
    Path(path).write_text(text.replace("minutes: 10", "minutes: 15"), encoding="utf-8")
    assert load_request(path).digest != EXAMPLE_DIGEST


# ----------------------------------------------------------------------------- invalid requests


def test_there_is_an_invalid_fixture_per_kind_of_error():
    assert len(INVALID) >= 30
    kinds = {(expectations(p)["field"], expectations(p)["problem"]) for p in INVALID}
    assert len(kinds) == len(INVALID)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_one_problem_at_its_field(path):
    expected = expectations(path)
    problems = validate_request(path)
    assert len(problems) == 1, [str(p) for p in problems]
    [problem] = problems
    assert problem.field == expected["field"]
    assert expected["problem"] in str(problem)
    if "line" in expected:
        assert problem.line == int(expected["line"])


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_load_request_raises_one_line_naming_file_and_field(path):
    expected = expectations(path)
    with pytest.raises(ConfigError) as err:
        load_request(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    assert f"{expected['field']}: " in message
    assert expected["problem"] in message
    assert "\n" not in message


def test_secret_values_are_never_quoted():
    path = FIXTURES / "invalid" / "secret-variable.yml"
    assert "s3cr3t-Value" in path.read_text(encoding="utf-8")
    [problem] = validate_request(path)
    assert "s3cr3t-Value" not in problem.render(file=path)


def test_problem_messages_are_msgids_rendered_with_gettext():
    [problem] = validate_request(FIXTURES / "invalid" / "window-order.yml")
    assert problem.message == MESSAGES["window_order"]
    shouted = problem.render(lambda msgid: msgid.replace("must be after", "MUST BE AFTER"),
                             file="changes/x.yml")
    assert shouted == "changes/x.yml: line 61: window.end: MUST BE AFTER window.start"
    [typed] = validate_request(FIXTURES / "invalid" / "hardware-changes-none.yml")
    catalog = {MESSAGES["list_or_empty"]: "%(where)s: 应为列表, 实际为%(actual)s; 没有时写 []",
               "text": "文本"}
    assert typed.render(lambda msgid: catalog.get(msgid, msgid)) == (
        "line 50: hardware_changes: 应为列表, 实际为文本; 没有时写 []")
    error = problem.to_error("changes/x.yml")
    assert error.message == MESSAGES["window_order"]
    assert error.render() == "changes/x.yml: line 61: window.end: must be after window.start"


def test_validate_lists_every_problem_in_file_order(tmp_path):
    data = example_data()
    data["steps"] = []
    data["window"]["end"] = "2026-03-07T21:00"
    data["media"][0]["sha256"] = "abc"
    data["attendees"] = ["chen.jing", "chen.jing"]
    data.pop("rollback_plan")
    data["expected_duration"] = "2.5h"
    path = write(tmp_path / "CR-2026-0001.yml", data)
    problems = [str(p) for p in validate_request(path)]
    assert problems == [
        "rollback_plan: is required",
        "attendees[1]: 'chen.jing' is listed twice",
        "steps: at least one step is required",
        "window.end: must be after window.start",
        "expected_duration: '2.5h' is not a duration like 2h30m, 2h or 45m",
        "media[0].sha256: 'abc' is not 64 hex digits (lower case, as sha256sum prints)",
    ]
    with pytest.raises(ConfigError, match="rollback_plan: is required"):
        load_request(path)


def test_file_named_like_another_change_is_refused(tmp_path):
    path = shutil.copy(EXAMPLE, tmp_path / "CR-2026-0002.yml")
    [problem] = validate_request(path)
    assert str(problem) == "id: 'CR-2026-0001' does not match the file name CR-2026-0002.yml"
    other = shutil.copy(EXAMPLE, tmp_path / "patch-db.yml")  # not named like an id: no check
    assert validate_request(other) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "(document): expected a mapping at the top, got nothing"),
        ("a: 1\n---\nb: 2\n", "not valid YAML: but found another document"),
        ("id: !!binary aGVsbG8=\n", "id: bytes values are not allowed"),
        ("id: .nan\n", "id: nan is not a finite number"),
    ],
)
def test_documents_that_are_not_plain_data(tmp_path, text, expected):
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    problems = validate_request(path)
    assert expected in str(problems[0])


def test_alias_bombs_stop_early(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = tmp_path / "x.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = validate_request(path)
    assert "more than 100000 values" in str(problem)


def test_unreadable_and_oversized_files(tmp_path):
    missing = tmp_path / "CR-2026-0009.yml"
    with pytest.raises(ConfigError, match=f"{missing}: cannot be read: No such file"):
        load_request(missing)
    big = tmp_path / "big.yml"
    big.write_text("# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    assert "larger than 1048576 bytes" in str(validate_request(big)[0])
    latin = tmp_path / "latin.yml"
    latin.write_bytes("title: café\n".encode("latin-1"))
    assert "not UTF-8" in str(validate_request(latin)[0])


# ----------------------------------------------------------------------------- new requests

NOW = datetime(2026, 3, 1, 9, 17, tzinfo=SHANGHAI)


def test_skeleton_is_yaml_naming_every_field_in_both_languages():
    text = skeleton("CR-2026-0002", "example", NOW)
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    assert set(data) == set(schema()["properties"])
    assert data["id"] == "CR-2026-0002" and data["site"] == "example"
    lines = text.splitlines()
    for key in schema()["properties"]:
        [comment] = [line for line in lines if line.startswith("# ") and f"/ {key}:" in line]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in comment), comment


def test_skeleton_is_rejected_until_filled_in(tmp_path):
    path = tmp_path / "CR-2026-0002.yml"
    path.write_text(skeleton("CR-2026-0002", "example", NOW), encoding="utf-8")
    with pytest.raises(ConfigError, match="title: still the skeleton's placeholder"):
        load_request(path)
    problems = validate_request(path)
    assert len(problems) >= 15
    assert all(p.message == MESSAGES["placeholder"] for p in problems), [str(p) for p in problems]

    filled = yaml.safe_load(path.read_text(encoding="utf-8"))
    example = example_data()
    for key, value in filled.items():
        if PLACEHOLDER in json.dumps(value):
            filled[key] = example[key]
    request = load_request(write(path, filled))
    assert request.id == "CR-2026-0002"


def test_skeleton_fills_the_site_time_zone_and_the_earliest_start():
    text = skeleton("CR-2026-0002", "example", NOW, timezone="Asia/Shanghai")
    assert yaml.safe_load(text)["window"]["timezone"] == "Asia/Shanghai"
    assert "2026-03-02T10:00+08:00" in text  # 24 h after 09:17, on the next full hour
    utc_now = NOW.astimezone(ZoneInfo("UTC")) + timedelta(minutes=43)  # 02:00 UTC exactly
    assert "2026-03-02T10:00+08:00" in skeleton("CR-2026-0002", "example", utc_now,
                                                timezone="Asia/Shanghai")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("CR-26-1", "example"), "change id 'CR-26-1': expected CR-YYYY-NNNN"),
        (("CR-2026-0002", "bad site!"), "site 'bad site!': not a valid site name"),
    ],
)
def test_skeleton_refuses_bad_ids_and_sites(args, expected):
    with pytest.raises(ConfigError, match=expected):
        skeleton(*args, NOW)
    with pytest.raises(ConfigError, match="unknown time zone 'Asia/Beijing'"):
        skeleton("CR-2026-0002", "example", NOW, timezone="Asia/Beijing")


def test_next_change_id_counts_every_request_of_the_year(tmp_path):
    changes = tmp_path / "changes"
    assert next_change_id(changes, 2026) == "CR-2026-0001"  # no folder yet
    for name in ("CR-2026-0001.yml", "CR-2026-0007.yaml", "closed/CR-2026-0012.yml",
                 "CR-2025-0099.yml", "CR-2026-0500.txt", "notes.yml"):
        (changes / name).parent.mkdir(parents=True, exist_ok=True)
        (changes / name).write_text("", encoding="utf-8")
    assert next_change_id(changes, 2026) == "CR-2026-0013"
    assert next_change_id(changes, 2025) == "CR-2025-0100"
    assert next_change_id(changes, 2027) == "CR-2027-0001"
    (changes / "CR-2027-9999.yml").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="no change id left for 2027"):
        next_change_id(changes, 2027)


def test_malformed_id_in_a_file_named_like_an_id_is_one_problem(tmp_path):
    data = example_data()
    data["id"] = "CR-26-1"
    [problem] = validate_request(write(tmp_path / "CR-2026-0001.yml", data))
    assert str(problem) == "id: 'CR-26-1' is not a change id like CR-2026-0001"
