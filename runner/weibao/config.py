"""Where weibao keeps its data: the data directory and the database URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from weibao.errors import N_, StoreError


def default_data_dir() -> Path:
    """``$WEIBAO_DATA_DIR``, else ``$XDG_DATA_HOME/weibao``, else ``~/.local/share/weibao``."""
    env = os.environ.get("WEIBAO_DATA_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "weibao"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str

    @property
    def artifacts_dir(self) -> Path:
        return self.data_dir / "artifacts"


def load_settings(data_dir: str | Path | None = None, db_url: str | None = None) -> Settings:
    """Resolve and check the data directory; the database defaults to SQLite inside it."""
    path = Path(data_dir) if data_dir else default_data_dir()
    path = path.expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            N_("data directory %(path)s: cannot be created: %(reason)s"),
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from exc
    if not path.is_dir():
        raise StoreError(N_("data directory %(path)s: is not a directory"), path=str(path))
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise StoreError(
            N_("data directory %(path)s: not readable and writable by this user"), path=str(path)
        )
    url = db_url or os.environ.get("WEIBAO_DB_URL") or f"sqlite:///{path / 'weibao.db'}"
    return Settings(data_dir=path, db_url=url)
