"""The client's trust anchor: the client vouches for its own people.

Without it the provider alone could add a "client supervisor" whose key it holds to the
people file before submitting a change, and approve its own change. So:

- At contract start the client's project supervisor gives the provider the public key of a
  key the client keeps (its **anchor**). It goes into the site's settings,
  ``weibao_site.client_anchor: "ssh-ed25519 AAAA... supervisor@client"``, and its fingerprint
  is printed on every report and service record, so the client checks at every delivery that
  the anchor is still theirs.
- The client's supervisor vouches for the client-side people of the people file with that
  key: ``weibao people vouch --inventory inventories/<site> --key CLIENT_KEY`` signs (OpenSSH
  signature, namespace ``weibao-people``) the canonical list of the client-side entries (id,
  name, roles, public key) into ``people.vouched.yml`` beside ``people.yml``.
- Every sign-off by a client-side person (an approval, a client recorder's attestation or
  closing), at signing and at ``change run``, needs that person vouched for in the file's
  current form: a client-side person added, or a key or role changed, after the supervisor
  vouched is refused until the supervisor vouches again. Provider-side entries need no vouching.

The anchor is one of the site settings every sign-off signs (its fingerprint), so replacing
it after a change was signed is refused too; replacing it before shows on the next report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from weibao.canonical import canonical_bytes
from weibao.change.people import People, Person
from weibao.change.refusal import Refusal
from weibao.errors import N_, ConfigError
from weibao.signing import SignatureError, parse_signature, sign, verify
from weibao.sshkeys import key_line

NAMESPACE = "weibao-people"
PRINCIPAL = "client-anchor"


def vouch_path(people_path: Path) -> Path:
    return people_path.with_name(people_path.stem + ".vouched.yml")


def client_entries(people: People) -> list[dict[str, Any]]:
    """What the client vouches for: its own people, as they stand in the file."""
    return [{"id": p.id, "name": p.name, "roles": sorted(p.roles), "key": p.ssh_public_key}
            for p in sorted(people, key=lambda p: p.id) if p.organisation == "client"]


@dataclass(frozen=True)
class Vouched:
    """What the anchor vouched for: client-side ids, with when."""

    ids: frozenset[str]
    entries: tuple[str, ...]  # canonical JSON of each vouched entry
    time: str
    fingerprint: str


def vouch(people: People, key: str | Path, anchor: str, time: str,
          passphrase: str | None = None, interactive: bool = False) -> Path:
    """Sign the client-side entries of ``people`` with the anchor's key; write the file."""
    statement = canonical_bytes({"kind": "weibao-people-vouch", "time": time,
                                 "people_sha256_at_vouch": people.sha256,
                                 "client_people": client_entries(people)}).decode("utf-8")
    signature = sign(statement.encode("utf-8"), key, passphrase, namespace=NAMESPACE,
                     interactive=interactive)
    try:
        verify(statement.encode("utf-8"), signature, PRINCIPAL, _allowed(anchor),
               namespace=NAMESPACE, what="the vouching")
    except SignatureError as exc:
        raise ConfigError(N_("--key %(key)s is not the site's client anchor "
                             "(weibao_site.client_anchor): %(reason)s"),
                          key=str(key), reason=exc.render()) from None
    path = vouch_path(people.path)
    path.write_text(yaml.safe_dump({"statement": statement, "signature": signature},
                                   allow_unicode=True, sort_keys=False, width=10**6),
                    encoding="utf-8")
    return path


def _allowed(anchor: str) -> str:
    return f'{PRINCIPAL} namespaces="{NAMESPACE}" {key_line(anchor)}\n'


def read_vouched(people: People, anchor: str) -> Vouched:
    """What the anchor vouched for; Refusal (rule ``anchor``) when it cannot be shown."""
    if not key_line(anchor):
        raise Refusal("anchor", N_("the site has no client trust anchor "
                                   "(weibao_site.client_anchor): client-side sign-offs need "
                                   "the client's supervisor to vouch for the client's people "
                                   "first (docs/change-control.md, the client's trust anchor)"))
    path = vouch_path(people.path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        statement, signature = raw["statement"], raw["signature"]
        data = json.loads(statement)
        entries = data["client_people"]
        time = str(data["time"])
    except FileNotFoundError:
        raise Refusal("anchor", N_("the client has not vouched for its people: no %(file)s; "
                                   "the client's supervisor signs it with the anchor key: "
                                   "weibao people vouch --inventory DIR --key KEY"),
                      file=str(path)) from None
    except (OSError, yaml.YAMLError, ValueError, KeyError, TypeError) as exc:
        raise Refusal("anchor", N_("%(file)s: cannot be read: %(reason)s"), file=str(path),
                      reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                      ) from None
    try:
        verify(str(statement).encode("utf-8"), str(signature), PRINCIPAL, _allowed(anchor),
               namespace=NAMESPACE, what=str(path))
    except SignatureError as exc:
        raise Refusal("anchor", N_("%(file)s is not signed by the site's client anchor "
                                   "(weibao_site.client_anchor): %(reason)s"),
                      file=str(path), reason=exc.render()) from None
    return Vouched(ids=frozenset(str(e.get("id")) for e in entries if isinstance(e, dict)),
                   entries=tuple(canonical_bytes(e).decode("utf-8") for e in entries),
                   time=time, fingerprint=parse_signature(str(signature)).fingerprint)


def check_vouched(people: People, person: Person, anchor: str) -> Vouched | None:
    """Refusal unless ``person`` (when of the client) is vouched for, as the file says now."""
    if person.organisation != "client":
        return None
    vouched = read_vouched(people, anchor)
    current = next((e for e in client_entries(people) if e["id"] == person.id), None)
    if current is None or canonical_bytes(current).decode("utf-8") not in vouched.entries:
        params = {"person": person.id, "time": vouched.time,
                  "file": str(vouch_path(people.path))}
        if person.id not in vouched.ids:
            raise Refusal("anchor", N_("%(person)s of the client is not among the people the "
                                       "client vouched for on %(time)s (%(file)s): the "
                                       "client's supervisor vouches again: weibao people vouch "
                                       "--inventory DIR --key KEY"), **params)
        raise Refusal("anchor", N_("%(person)s of the client changed (name, roles or key) "
                                   "since the client vouched for it on %(time)s (%(file)s): the "
                                   "client's supervisor vouches again: weibao people vouch "
                                   "--inventory DIR --key KEY"), **params)
    return vouched
