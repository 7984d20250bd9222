"""The site's settings a report about one site needs: its names and time zone, its SLA policy
and its people, read from the inventory (``request.inventory``, default
``inventories/<site>``). Shared by the fault, service and performance kinds; not a kind
itself (the registry lists packages, and skips names starting with ``_``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weibao.errors import N_, ConfigError


@dataclass(frozen=True)
class SiteSettings:
    site: dict[str, Any]  # Site.as_dict(): name, client, provider, contract, timezone, ...
    raw: dict[str, Any]  # the inventory's weibao_site mapping
    source: str  # the inventory file, for one-line errors
    folder: Path
    people: Any  # weibao.change.people.People or None (no people.yml)

    @property
    def timezone(self) -> str:
        return self.site.get("timezone") or "UTC"

    def policy(self):
        from weibao.services.sla import policy_from_site

        return policy_from_site(self.raw.get("sla"), self.timezone, self.source)

    def person(self, person_id: str) -> dict[str, Any]:
        """{id, name, organisation}; a person not (or no longer) in people.yml by id alone."""
        found = self.people.get(person_id) if self.people is not None else None
        if found is None:
            return {"id": person_id, "name": person_id, "organisation": ""}
        return {"id": found.id, "name": found.name, "organisation": found.organisation}


def load_site(site: str, inventory: Path | None, store: Any = None,
              people: Path | None = None) -> SiteSettings:
    """The site's settings from its inventory (``inventory``, default ``inventories/<site>``).

    Without an inventory given and none at the default place, the site's names and time zone
    are those its latest stored run recorded (``store`` given), with the contract's SLA
    targets and no people file (ids are shown). ``people``: a people file to use instead of
    the inventory's ``people.yml`` (``--people``). ConfigError (one line) when an inventory
    or people file is given but missing or bad, or when nothing is known of the site.
    """
    from weibao.change.people import load_people
    from weibao.services.inventory import load_inventory, site_vars

    path = Path(inventory) if inventory else Path("inventories") / site
    if not path.exists():
        meta = _stored_meta(store, site) if inventory is None and store is not None else None
        if meta is None:
            raise ConfigError(N_("site %(site)s: no inventory at %(path)s (give --inventory)"),
                              site=site, path=str(path))
        return SiteSettings(meta, {}, str(path), path,
                            load_people(people) if people is not None else None)
    loaded = load_inventory(path, site=site)
    folder = path if path.is_dir() else path.parent
    people_file = Path(people) if people is not None else folder / "people.yml"
    found = load_people(people_file) if people is not None or people_file.is_file() else None
    return SiteSettings(loaded.site.as_dict(), site_vars(loaded), str(loaded.path), folder,
                        found)


def _stored_meta(store: Any, site: str) -> dict[str, Any] | None:
    from sqlalchemy import select

    from weibao.store import Run

    with store.session() as s:
        meta = s.scalars(select(Run.site_meta).where(Run.site == site)
                         .order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
    if meta is None:
        return None
    out = {"client": "", "provider": "", "contract": "", "inspectors": [],
           "client_anchor_fingerprint": "", **dict(meta)}
    out["name"] = site
    out["timezone"] = out.get("timezone") or "UTC"
    return out
