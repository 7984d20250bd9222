"""A site's people file: who may request, approve, operate and record changes, with their keys.

``inventories/<site>/people.yml``::

    people:
      - id: zhang.san            # stable id used in change requests and signatures
        name: 张三
        organisation: provider   # provider (乙方) | client (甲方)
        roles: [requester, operator]   # requester, approver, operator, recorder
        ssh_public_key: "ssh-ed25519 AAAA... zhang.san@laptop"

Everything wrong with the file is one line naming the file and the field path, with list
positions counted from 0 (``people[2].roles[0]: 'boss' is not one of ...``). Each key is checked
by ``ssh-keygen -l`` and known by its SHA256 fingerprint afterwards. One key belongs to one
person: the same key under two ids would let one person sign as the other, so it is refused.
An approver must be from the client: the contract wants the client's project supervisor's
written approval (贵公司项目主管的书面批准).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from weibao.errors import N_, ConfigError
from weibao.signing import NAMESPACE, NAMESPACE_RE, PRINCIPAL_RE, run_ssh_keygen

ROLES = ("requester", "approver", "operator", "recorder")
ORGANISATIONS = ("provider", "client")
FIELDS = ("id", "name", "organisation", "roles", "ssh_public_key")
KEY_TYPES = (
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
)
MIN_RSA_BITS = 2048

_KEY_LINE_RE = re.compile(
    r"^(?P<type>\S+) (?P<b64>[A-Za-z0-9+/]{16,}={0,2})(?: (?P<comment>.*))?$")
_KEYGEN_L_RE = re.compile(
    r"^(?P<bits>\d+) (?P<fp>SHA256:[A-Za-z0-9+/]+) .* \((?P<kind>[A-Z0-9-]+)\)$")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    organisation: str
    roles: tuple[str, ...]
    ssh_public_key: str  # "TYPE BASE64", the comment dropped
    key_comment: str
    fingerprint: str  # SHA256:... from ssh-keygen -l
    key_kind: str  # ED25519, RSA, ECDSA, ... as ssh-keygen -l names it
    key_bits: int

    def has_role(self, role: str) -> bool:
        return role in self.roles


class People:
    """The people of one site, looked up by id or by key fingerprint."""

    def __init__(self, path: Path, persons: Iterable[Person], sha256: str = "") -> None:
        self.path = path
        self.sha256 = sha256  # of the file's bytes: what every sign-off records it used
        self.persons = tuple(persons)
        self._by_id = {p.id: p for p in self.persons}
        self._by_fp = {p.fingerprint: p for p in self.persons}

    def __iter__(self) -> Iterator[Person]:
        return iter(self.persons)

    def __len__(self) -> int:
        return len(self.persons)

    def get(self, person_id: str) -> Person | None:
        return self._by_id.get(person_id)

    def by_fingerprint(self, fingerprint: str) -> Person | None:
        """The person whose key has this ``SHA256:...`` fingerprint, if any."""
        return self._by_fp.get(fingerprint)

    def with_role(self, role: str) -> tuple[Person, ...]:
        return tuple(p for p in self.persons if role in p.roles)

    def require(self, person_id: str, role: str | None = None) -> Person:
        """The person ``person_id`` (having ``role`` when given); ConfigError otherwise."""
        person = self._by_id.get(person_id)
        if person is None:
            raise ConfigError(N_("people file %(file)s: no person with id %(id)r"),
                              file=str(self.path), id=person_id)
        if role is not None and role not in person.roles:
            raise ConfigError(
                N_("people file %(file)s: %(id)s does not have the role %(role)s "
                   "(roles: %(roles)s)"),
                file=str(self.path), id=person_id, role=role, roles=", ".join(person.roles))
        return person


def allowed_signers(people: Iterable[Person], namespace: str = NAMESPACE,
                    roles: Iterable[str] | None = None) -> str:
    """allowed-signers text for ``ssh-keygen -Y verify``: ``<id> namespaces="<ns>" <key>``.

    With ``roles``, only people having one of them (e.g. ``["approver"]`` to check approvals).
    """
    if not NAMESPACE_RE.match(namespace):
        raise ValueError(f"namespace {namespace!r}: letters, digits, '@', '.', '_', '-' only")
    wanted = set(roles) if roles is not None else None
    lines = [
        f'{p.id} namespaces="{namespace}" {p.ssh_public_key}\n'
        for p in people
        if wanted is None or wanted.intersection(p.roles)
    ]
    return "".join(lines)


# ----------------------------------------------------------------------------- loading


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # unhashable: construct_mapping reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> tuple[Any, str]:
    """(the data, the sha256 of the file's bytes)."""
    if not path.is_file():
        raise ConfigError(N_("people file %(file)s: does not exist"), file=str(path))
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(N_("people file %(file)s: cannot be read: %(reason)s"),
                          file=str(path), reason=getattr(exc, "strerror", None) or str(exc)
                          ) from exc
    digest = hashlib.sha256(data).hexdigest()  # the file's bytes, as sha256sum says
    try:
        return yaml.load(text, Loader=_StrictLoader), digest  # noqa: S506 - SafeLoader kind
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(N_("people file %(file)s: line %(line)s: not valid YAML: %(problem)s"),
                          file=str(path), line=mark.line + 1 if mark else "?",
                          problem=problem) from exc


def load_people(path: str | Path) -> People:
    """Read and check a people file; ConfigError (one line: file, field, problem) when bad."""
    file = Path(path)
    data, digest = _read_yaml(file)
    if not isinstance(data, dict) or "people" not in data:
        raise ConfigError(
            N_("people file %(file)s: expected a mapping with a 'people' list at the top"),
            file=str(file))
    for key in data:
        if key != "people":
            raise ConfigError(N_("people file %(file)s: %(field)s: unknown field "
                                 "(expected %(expected)s)"),
                              file=str(file), field=str(key), expected="people")
    raw = data["people"]
    if not isinstance(raw, list) or not raw:
        raise ConfigError(N_("people file %(file)s: people: expected a list of at least one "
                             "person"), file=str(file))
    persons: list[Person] = []
    for index, item in enumerate(raw):
        person = _person(file, f"people[{index}]", item)
        _check_unique(file, f"people[{index}]", person, persons)
        persons.append(person)
    return People(file, persons, digest)


def people_problems(path: str | Path) -> tuple[People | None, list[ConfigError]]:
    """Every problem of a people file at once (``weibao people validate``): each entry is
    checked on its own, so one bad key does not hide the next entry's. Returns the people
    when there is no problem."""
    file = Path(path)
    try:
        data, digest = _read_yaml(file)
    except ConfigError as exc:
        return None, [exc]
    if not isinstance(data, dict) or not isinstance(data.get("people"), list) \
            or not data["people"]:
        try:
            load_people(file)
        except ConfigError as exc:
            return None, [exc]
    problems: list[ConfigError] = []
    for key in data:
        if key != "people":
            problems.append(ConfigError(N_("people file %(file)s: %(field)s: unknown field "
                                           "(expected %(expected)s)"),
                                        file=str(file), field=str(key), expected="people"))
    persons: list[Person] = []
    for index, item in enumerate(data["people"]):
        try:
            person = _person(file, f"people[{index}]", item)
            _check_unique(file, f"people[{index}]", person, persons)
        except ConfigError as exc:
            problems.append(exc)
            continue
        persons.append(person)
    return (None if problems else People(file, persons, digest)), problems


def _check_unique(file: Path, where: str, person: Person, earlier: list[Person]) -> None:
    for other in earlier:
        if other.id == person.id:
            raise ConfigError(
                N_("people file %(file)s: %(field)s: the id %(value)r is already used by "
                   "an earlier person"),
                file=str(file), field=f"{where}.id", value=person.id)
        if other.fingerprint == person.fingerprint:
            raise ConfigError(
                N_("people file %(file)s: %(field)s: this key (%(fingerprint)s) is already "
                   "%(other)s's; one key per person, so that nobody can sign as someone else"),
                file=str(file), field=f"{where}.ssh_public_key",
                fingerprint=person.fingerprint, other=other.id)


def _person(file: Path, where: str, item: Any) -> Person:
    if not isinstance(item, dict):
        raise _type_error(file, where, "a mapping", item)
    for key in item:
        if key not in FIELDS:
            raise ConfigError(N_("people file %(file)s: %(field)s: unknown field "
                                 "(expected %(expected)s)"),
                              file=str(file), field=f"{where}.{key}",
                              expected=", ".join(FIELDS))
    for key in FIELDS:
        if key not in item or item[key] in (None, ""):
            raise ConfigError(N_("people file %(file)s: %(field)s: missing"),
                              file=str(file), field=f"{where}.{key}")
    person_id = _string(file, f"{where}.id", item["id"])
    if not PRINCIPAL_RE.match(person_id):
        raise ConfigError(
            N_("people file %(file)s: %(field)s: %(value)r is not a valid id (lower-case "
               "letters, digits, '.', '_', '-'; at most 64)"),
            file=str(file), field=f"{where}.id", value=person_id)
    name = _string(file, f"{where}.name", item["name"])
    organisation = _choice(file, f"{where}.organisation", item["organisation"], ORGANISATIONS)
    roles = _roles(file, f"{where}.roles", item["roles"])
    if "approver" in roles and organisation != "client":
        raise ConfigError(
            N_("people file %(file)s: %(field)s: an approver must be from the client "
               "(organisation: client): the client's project supervisor approves in writing"),
            file=str(file), field=f"{where}.roles")
    key = _string(file, f"{where}.ssh_public_key", item["ssh_public_key"])
    key_text, comment, fp, kind, bits = _check_key(file, f"{where}.ssh_public_key", key)
    return Person(id=person_id, name=name, organisation=organisation, roles=roles,
                  ssh_public_key=key_text, key_comment=comment, fingerprint=fp,
                  key_kind=kind, key_bits=bits)


def _type_error(file: Path, field: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(N_("people file %(file)s: %(field)s: expected %(expected)s, got "
                          "%(type)s"),
                       file=str(file), field=field, expected=expected,
                       type=type(value).__name__)


def _string(file: Path, field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error(file, field, "a string", value)
    return value.strip()


def _choice(file: Path, field: str, value: Any, choices: tuple[str, ...]) -> str:
    text = _string(file, field, value)
    if text not in choices:
        raise ConfigError(N_("people file %(file)s: %(field)s: %(value)r is not one of "
                             "%(choices)s"),
                          file=str(file), field=field, value=text, choices=", ".join(choices))
    return text


def _roles(file: Path, field: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _type_error(file, field, "a list of at least one role", value)
    roles: list[str] = []
    for index, item in enumerate(value):
        role = _choice(file, f"{field}[{index}]", item, ROLES)
        if role in roles:
            raise ConfigError(N_("people file %(file)s: %(field)s: %(value)r is listed twice"),
                              file=str(file), field=f"{field}[{index}]", value=role)
        roles.append(role)
    return tuple(roles)


def _check_key(file: Path, field: str, text: str) -> tuple[str, str, str, str, int]:
    """("TYPE BASE64", comment, fingerprint, kind, bits) of a public key line.

    The key text is never repeated in a message: a private key pasted here by mistake must
    not end up in a terminal log.
    """
    if "PRIVATE KEY" in text:
        raise ConfigError(
            N_("people file %(file)s: %(field)s: this is a PRIVATE key; put only the public "
               "key (the .pub file) here, and treat the private key as disclosed"),
            file=str(file), field=field)
    match = _KEY_LINE_RE.match(text)
    if "\n" in text or "\r" in text or not match:
        raise ConfigError(
            N_("people file %(file)s: %(field)s: not an OpenSSH public key line (expected "
               "'TYPE BASE64 [comment]' on one line)"),
            file=str(file), field=field)
    key_type = match["type"]
    if key_type not in KEY_TYPES:
        raise ConfigError(
            N_("people file %(file)s: %(field)s: key type %(type)r is not accepted (use one "
               "of %(choices)s)"),
            file=str(file), field=field, type=key_type, choices=", ".join(KEY_TYPES))
    fp, kind, bits = _keygen_fingerprint(file, field, f"{key_type} {match['b64']}")
    if kind == "RSA" and bits < MIN_RSA_BITS:
        raise ConfigError(
            N_("people file %(file)s: %(field)s: an RSA key of %(bits)s bits is too short "
               "(at least %(min)s)"),
            file=str(file), field=field, bits=bits, min=MIN_RSA_BITS)
    return f"{key_type} {match['b64']}", match["comment"] or "", fp, kind, bits


def _keygen_fingerprint(file: Path, field: str, key: str) -> tuple[str, str, int]:
    with tempfile.TemporaryDirectory(prefix="weibao-ssh-") as tmp:
        pub = Path(tmp) / "key.pub"
        pub.write_text(key + "\n", encoding="ascii")
        result = run_ssh_keygen(["-l", "-E", "sha256", "-f", str(pub)])
    out = result.stdout.decode("utf-8", "replace").strip()
    match = _KEYGEN_L_RE.match(out) if result.returncode == 0 else None
    if not match:
        raise ConfigError(
            N_("people file %(file)s: %(field)s: ssh-keygen does not accept this public key "
               "(damaged or cut short?)"),
            file=str(file), field=field)
    return match["fp"], match["kind"], int(match["bits"])
