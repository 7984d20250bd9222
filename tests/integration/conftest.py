"""Fixtures for the integration tests: two podman test hosts and an inventory naming them.

* ``it_hosts`` (session): starts ``weibao-it-healthy-<random>`` (systemd as PID 1, journald,
  rsyslog) and ``weibao-it-faulty-<random>`` (no systemd: podman's init and sleep) from
  localhost/weibao-debian12:latest. The faulty one is started with the mounts
  tests/images/induce_faults.sh needs (a 1 MiB tmpfs at /mnt/weibao-full, a tmpfs with 100
  inodes at /mnt/weibao-inodes, a read-only tmpfs at /mnt/weibao-ro), then the script
  induces its faults: a full filesystem, kernel errors in the syslog files, a pending
  security update, a zombie, a tmpfs out of inodes, and a read-only mount that /etc/fstab
  says is read-write. Without systemd it has no failed unit (inspect_system's Molecule
  scenario covers that).
  A third host, ``weibao-it-gone-<random>``, is in the inventory but never started, so
  Ansible finds it unreachable. The containers are removed at the end, also after a
  failure or an interrupted session.
* ``it_inventory`` (session): the YAML inventory of those hosts (group ``linux``, asset
  vars per host, ``weibao_site`` in group ``all``).

A missing podman or image FAILS the tests (it never skips them): run tests/images/build.sh.
Every test under tests/integration/ carries the ``integration`` marker, so
``pytest -m "not integration"`` leaves them out.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# pytest (rootdir import mode "prepend", no __init__.py) puts this folder on sys.path.
from hosts import (
    BUILD_HINT,
    IMAGE,
    ItHosts,
    PodmanError,
    image_exists,
    induce_faults,
    remove_host,
    start_host,
    unique_name,
    write_inventory,
)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def it_hosts() -> Iterator[ItHosts]:
    if shutil.which("podman") is None:
        pytest.fail("podman is not installed: apt-get install podman runc debootstrap, then "
                    + BUILD_HINT, pytrace=False)
    if not image_exists(IMAGE):
        pytest.fail(f"test image {IMAGE} is missing: {BUILD_HINT}", pytrace=False)
    hosts = ItHosts(healthy=unique_name("healthy"), faulty=unique_name("faulty"),
                    unreachable=unique_name("gone"))
    try:
        hosts.started.append(hosts.healthy)
        start_host(hosts.healthy, systemd=True)
        hosts.started.append(hosts.faulty)
        start_host(hosts.faulty, systemd=False, fault_mounts=True)
        induce_faults(hosts.faulty)
    except PodmanError as exc:
        for name in hosts.started:
            remove_host(name)
        pytest.fail(f"could not start the test hosts: {exc}", pytrace=False)
    except BaseException:
        for name in hosts.started:
            remove_host(name)
        raise
    try:
        yield hosts
    finally:
        for name in hosts.started:
            remove_host(name)


@pytest.fixture(scope="session")
def it_inventory(it_hosts: ItHosts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inventory(tmp_path_factory.mktemp("inventory") / "hosts.yml", it_hosts)
