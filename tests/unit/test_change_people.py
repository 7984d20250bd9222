"""People files: lookups, allowed-signers text, and one-line errors naming file and field."""

import subprocess
from pathlib import Path

import pytest

from weibao.change.people import allowed_signers, load_people
from weibao.errors import ConfigError

FIXTURE = Path(__file__).parent / "fixtures" / "change" / "people.yml"


def make_key(directory: Path, name: str, kind: str = "ed25519", bits: int | None = None) -> Path:
    path = directory / name
    args = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", f"{name}@test", "-f", str(path)]
    if bits:
        args[4:4] = ["-b", str(bits)]
    subprocess.run(args, check=True)
    return path


def pub(key: Path) -> str:
    return Path(f"{key}.pub").read_text().strip()


def keygen_fingerprint(key: Path) -> str:
    out = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", f"{key}.pub"], check=True,
                         capture_output=True, text=True).stdout
    return out.split()[1]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    return {name: make_key(directory, name) for name in ("a", "b", "c")}


def person(pid: str, key: str, roles: str = "[requester, operator]",
           organisation: str = "provider", extra: str = "") -> str:
    return (f"  - id: {pid}\n    name: 张三\n    organisation: {organisation}\n"
            f"    roles: {roles}\n    ssh_public_key: \"{key}\"\n{extra}")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_people(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    return message


# ----------------------------------------------------------------------------- good files


def test_example_fixture_loads_with_ssh_keygen_fingerprints():
    people = load_people(FIXTURE)
    assert [p.id for p in people] == ["zhang.san", "li.si", "wang.wu", "zhao.liu"]
    zhang = people.require("zhang.san", "operator")
    assert zhang.name == "张三"
    assert zhang.organisation == "provider"
    assert zhang.roles == ("requester", "operator")
    assert zhang.fingerprint == "SHA256:oQqjmpSSKn3n4gxlsdwvf2gg1JOfiUZU9GV9hcI4gLU"
    assert zhang.key_kind == "ED25519"
    assert zhang.key_comment == "zhang.san@example"
    assert zhang.ssh_public_key.split() == [
        "ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAID5esbKHY5ez1Amjf6o88bTBDirwmGA4X2/KucpEOk6d"]
    assert people.get("zhao.liu").key_kind == "RSA"
    assert people.get("zhao.liu").key_bits == 3072
    assert [p.id for p in people.with_role("approver")] == ["wang.wu"]
    assert [p.id for p in people.with_role("recorder")] == ["li.si", "zhao.liu"]


def test_lookup_by_id_and_by_fingerprint(tmp_path, keys):
    path = write(tmp_path, "people:\n" + person("a.one", pub(keys["a"]))
                 + person("b.two", pub(keys["b"]), "[approver]", "client"))
    people = load_people(path)
    assert len(people) == 2
    assert people.get("a.one").fingerprint == keygen_fingerprint(keys["a"])
    assert people.by_fingerprint(keygen_fingerprint(keys["b"])).id == "b.two"
    assert people.by_fingerprint(keygen_fingerprint(keys["c"])) is None
    assert people.get("nobody") is None


def test_require_names_the_file_the_id_and_the_missing_role(tmp_path, keys):
    path = write(tmp_path, "people:\n" + person("a.one", pub(keys["a"])))
    people = load_people(path)
    with pytest.raises(ConfigError, match=r"people\.yml: no person with id 'x\.y'"):
        people.require("x.y")
    with pytest.raises(ConfigError, match="a.one does not have the role approver "
                                          r"\(roles: requester, operator\)"):
        people.require("a.one", "approver")


def test_allowed_signers_text_one_line_per_person_comment_dropped(tmp_path, keys):
    path = write(tmp_path, "people:\n" + person("a.one", pub(keys["a"]))
                 + person("b.two", pub(keys["b"]), "[approver]", "client"))
    people = load_people(path)
    a_type, a_b64, _comment = pub(keys["a"]).split()
    text = allowed_signers(people, "weibao-change")
    assert text.splitlines()[0] == f'a.one namespaces="weibao-change" {a_type} {a_b64}'
    assert len(text.splitlines()) == 2
    assert text.endswith("\n")
    only = allowed_signers(people, "weibao-change", roles=["approver"])
    assert only.split()[0] == "b.two"
    assert len(only.splitlines()) == 1
    with pytest.raises(ValueError, match="namespace"):
        allowed_signers(people, 'bad" ns')


def test_keys_may_carry_no_comment(tmp_path, keys):
    bare = " ".join(pub(keys["a"]).split()[:2])
    people = load_people(write(tmp_path, "people:\n" + person("a.one", bare)))
    assert people.get("a.one").key_comment == ""


# ----------------------------------------------------------------------------- bad files


def test_bad_role_names_the_field_path(tmp_path, keys):
    path = write(tmp_path, "people:\n" + person("a.one", pub(keys["a"]))
                 + person("b.two", pub(keys["b"]))
                 + person("c.three", pub(keys["c"]), "[boss, operator]"))
    assert error_of(path).endswith(
        "people[2].roles[0]: 'boss' is not one of requester, approver, operator, recorder")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (dict(organisation="vendor"),
         "people[0].organisation: 'vendor' is not one of provider, client"),
        (dict(roles="operator"), "people[0].roles: expected a list of at least one role, got str"),
        (dict(roles="[]"), "people[0].roles: expected a list of at least one role, got list"),
        (dict(roles="[operator, operator]"), "people[0].roles[1]: 'operator' is listed twice"),
        (dict(roles="[approver]"), "people[0].roles: an approver must be from the client"),
        (dict(pid="Zhang.San"), "people[0].id: 'Zhang.San' is not a valid id"),
        (dict(pid="'zhang*'"), "people[0].id: 'zhang*' is not a valid id"),
        (dict(pid="'a,b'"), "people[0].id: 'a,b' is not a valid id"),
        (dict(pid="12"), "people[0].id: expected a string, got int"),
        (dict(extra="    role: operator\n"),
         "people[0].role: unknown field (expected id, name, organisation, roles, ssh_public_key)"),
    ],
)
def test_field_errors(tmp_path, keys, entry, expected):
    text = "people:\n" + person(entry.get("pid", "a.one"), pub(keys["a"]),
                                entry.get("roles", "[requester, operator]"),
                                entry.get("organisation", "provider"), entry.get("extra", ""))
    assert expected in error_of(write(tmp_path, text))


def test_missing_field(tmp_path, keys):
    text = "people:\n" + person("a.one", pub(keys["a"])).replace("    name: 张三\n", "")
    assert error_of(write(tmp_path, text)).endswith("people[0].name: missing")


def test_duplicate_id(tmp_path, keys):
    path = write(tmp_path, "people:\n" + person("a.one", pub(keys["a"]))
                 + person("a.one", pub(keys["b"])))
    assert error_of(path).endswith("people[1].id: the id 'a.one' is already used by an earlier "
                                   "person")


def test_same_key_for_two_people_is_refused_even_with_another_comment(tmp_path, keys):
    other_comment = " ".join(pub(keys["a"]).split()[:2]) + " someone@else"
    path = write(tmp_path, "people:\n" + person("a.one", pub(keys["a"]))
                 + person("b.two", other_comment))
    message = error_of(path)
    assert "people[1].ssh_public_key: this key" in message
    assert keygen_fingerprint(keys["a"]) in message
    assert "is already a.one's" in message


@pytest.mark.parametrize(
    ("key_text", "expected"),
    [
        ("not a key", "not an OpenSSH public key line"),
        ("ssh-ed25519", "not an OpenSSH public key line"),
        ('from=\\"10.0.0.1\\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB',
         "not an OpenSSH public key line"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB", "ssh-keygen does not accept this public key"),
        ("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJ/ULenQ8mK80xLSSts4NNqAKJN9V9CtkYp/ZanVqCyU",
         "ssh-keygen does not accept this public key"),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP x", "key type 'ssh-dss' is not accepted"),
    ],
)
def test_bad_key_text(tmp_path, key_text, expected):
    message = error_of(write(tmp_path, "people:\n" + person("a.one", key_text)))
    assert "people[0].ssh_public_key: " + expected in message


def test_multi_line_key_is_refused(tmp_path, keys):
    two = pub(keys["a"]) + "\\n" + pub(keys["b"])
    message = error_of(write(tmp_path, "people:\n" + person("a.one", two)))
    assert "people[0].ssh_public_key: not an OpenSSH public key line" in message


def test_private_key_is_refused_and_never_echoed(tmp_path, keys):
    private = keys["a"].read_text()
    body = "\n".join("      " + line for line in private.splitlines())
    text = ("people:\n  - id: a.one\n    name: x\n    organisation: provider\n"
            "    roles: [operator]\n    ssh_public_key: |\n" + body + "\n")
    message = error_of(write(tmp_path, text))
    assert "people[0].ssh_public_key: this is a PRIVATE key" in message
    for line in private.splitlines()[1:-1]:
        assert line not in message


def test_short_rsa_key_is_refused(tmp_path):
    key = make_key(tmp_path, "short", "rsa", 1024)
    message = error_of(write(tmp_path, "people:\n" + person("a.one", pub(key))))
    assert "people[0].ssh_public_key: an RSA key of 1024 bits is too short (at least 2048)" \
        in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("people: [\n", "line 2: not valid YAML"),
        ("- a\n- b\n", "expected a mapping with a 'people' list at the top"),
        ("persons: []\n", "expected a mapping with a 'people' list at the top"),
        ("people: []\n", "people: expected a list of at least one person"),
        ("people: {a: 1}\n", "people: expected a list of at least one person"),
        ("people:\n  - just text\n", "people[0]: expected a mapping, got str"),
        ("people:\n  - id: a\n    id: b\n", "line 3: not valid YAML: key 'id' appears twice"),
        ("people:\n  - id: a\nsite: x\n", "site: unknown field (expected people)"),
    ],
)
def test_file_shape_errors(tmp_path, text, expected):
    assert expected in error_of(write(tmp_path, text))


def test_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigError, match=r"people file .*/nope\.yml: does not exist"):
        load_people(tmp_path / "nope.yml")


def test_name_must_be_text(tmp_path, keys):
    text = "people:\n" + person("a.one", pub(keys["a"])).replace("name: 张三", "name: [x]")
    assert error_of(write(tmp_path, text)).endswith("people[0].name: expected a string, got list")


def test_the_recorded_sha256_is_the_files_bytes_line_endings_included(tmp_path, keys):
    """What every sign-off records is what `sha256sum people.yml` prints: a file whose
    line endings were changed (LF to CRLF) is another file."""
    import hashlib

    text = "people:\n" + person("a.one", pub(keys["a"]))
    lf = write(tmp_path, text)
    crlf = tmp_path / "crlf" / "people.yml"
    crlf.parent.mkdir()
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    assert load_people(lf).sha256 == hashlib.sha256(lf.read_bytes()).hexdigest()
    assert load_people(crlf).sha256 == hashlib.sha256(crlf.read_bytes()).hexdigest()
    assert load_people(crlf).sha256 != load_people(lf).sha256
    assert load_people(crlf).get("a.one").fingerprint == load_people(lf).get("a.one").fingerprint
