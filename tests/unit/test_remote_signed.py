"""The two signed archives (the office's bundle, the site's result) are opened by one function,
remote._open_signed: a tampered or foreign archive is refused the same way whichever it is,
through ``weibao worker`` (run_bundle) and ``weibao import`` (import_result) alike, before
anything runs or is stored."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select
from test_remote_bundle import provider  # noqa: F401 (the fixture: a key, its signers)

from weibao import i18n, signing
from weibao.config import Settings
from weibao.errors import EXIT_USAGE
from weibao.services import remote
from weibao.store import Run, Store

BUNDLE_ID = "0" * 8 + "-0000-4000-8000-" + "0" * 12
STREAM = b'{"kwargs": {}}\n{"eof": true}\n'
NEVER = "/bin/false"  # a worker command that fails loudly (RunnerError) if it is ever run
KINDS = {"bundle": remote.BUNDLE_KIND, "result": remote.RESULT_KIND}


def archive(path: Path, kind: remote.SignedKind, key: Path | None, manifest_extra=None,
            stream: bytes = STREAM) -> Path:
    """A signed archive of ``kind`` as make_bundle / run_bundle write it (``key`` None:
    unsigned)."""
    manifest = {"format": kind.format, "bundle_id": BUNDLE_ID, "signer": "provider",
                "site": {"name": "s"}, "period": "2026-11",
                "stream_sha256": hashlib.sha256(stream).hexdigest(), **(manifest_extra or {})}
    data = json.dumps(manifest).encode()
    members: dict[str, Path | bytes] = {kind.manifest: data, kind.stream: stream}
    if key is not None:
        members[kind.sig] = signing.sign(data, str(key), namespace=kind.namespace).encode()
    remote._tar_write(path, members)
    return path


def rewrite(path: Path, member: str, change) -> None:
    """``member`` of the tar ``path`` changed by ``change`` (bytes -> bytes), the rest kept."""
    with tarfile.open(path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    members[member] = change(members[member])
    remote._tar_write(path, members)


def open_through_cli_service(label: str, path: Path, signers: Path | None, tmp_path: Path):
    """The archive through its command's service: run_bundle for a bundle (``weibao
    worker``), import_result for a result (``weibao import``)."""
    if label == "bundle":
        out = tmp_path / "out.wresult"
        try:
            return remote.run_bundle(path, out, signers, NEVER)
        finally:
            assert not out.exists()  # refused: no result written
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        settings = Settings(data_dir=tmp_path / "data", db_url="(unused: the store is given)")
        return remote.import_result(settings, store, path, allowed=signers)
    finally:
        with store.session() as s:
            assert s.scalars(select(Run)).all() == []  # refused: no run stored
        store.dispose()


def _other(kind: remote.SignedKind) -> remote.SignedKind:
    return remote.RESULT_KIND if kind is remote.BUNDLE_KIND else remote.BUNDLE_KIND


def _member(path: Path, name: str) -> bytes:
    with tarfile.open(path) as tar:
        return tar.extractfile(name).read()


def refused(kind: remote.SignedKind, tmp_path: Path, key: Path, how: str) -> tuple[Path, str]:
    """An archive of ``kind`` spoilt as ``how`` says, and the message (a regex, its file
    left out) it must be refused with."""
    path = archive(tmp_path / f"a.{kind.label}", kind, key)
    if how == "stream changed":
        rewrite(path, kind.stream, lambda b: b + b"x")
        return path, f"^{kind.label} [^:]+: {kind.stream} does not match .*sha256"
    if how == "manifest changed after signing":
        rewrite(path, kind.manifest, lambda b: b.replace(b"2026-11", b"2026-12"))
        return path, f"^{kind.label} [^:]+: does not match the signed data"
    if how == "stream and its sha256 changed":
        # the stream's sha256 is in the manifest: only the signature guards both
        stream = STREAM.replace(b"{}", b'{"x": 1}')
        rewrite(path, kind.stream, lambda b: stream)
        rewrite(path, kind.manifest, lambda b: b.replace(
            hashlib.sha256(STREAM).hexdigest().encode(), hashlib.sha256(stream).hexdigest()
            .encode()))
        return path, f"^{kind.label} [^:]+: does not match the signed data"
    if how == "signed in the other kind's namespace":
        data = _member(path, kind.manifest)
        rewrite(path, kind.sig, lambda b: signing.sign(
            data, str(key), namespace=_other(kind).namespace).encode())
        return path, (f"^{kind.label} [^:]+: made for namespace '{_other(kind).namespace}', "
                      f"expected '{kind.namespace}'$")
    if how == "unsigned":
        path = archive(path, kind, None)
        return path, f"^{kind.label} [^:]+: is not signed$"
    if how == "signed format of the other kind":
        path = archive(path, kind, key, manifest_extra={"format": _other(kind).format})
        return path, f"^{kind.label} [^:]+: format '{_other(kind).format}', expected " \
            f"'{kind.format}'$"
    if how == "stream missing":
        with tarfile.open(path) as tar:
            members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()
                       if m.name != kind.stream}
        remote._tar_write(path, members)
        return path, f"^{kind.label} [^:]+: {kind.stream} is missing$"
    if how == "not a tar":
        path.write_bytes(b"not a tar file at all" * 40)
        return path, f"^{kind.label} [^:]+: not a readable {kind.label} "
    raise AssertionError(how)


HOWS = ["stream changed", "manifest changed after signing", "stream and its sha256 changed",
        "signed in the other kind's namespace", "unsigned", "signed format of the other kind",
        "stream missing", "not a tar"]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("label", sorted(KINDS))
def test_spoilt_archives_are_refused_alike(tmp_path, provider, label, how):  # noqa: F811
    kind = KINDS[label]
    path, pattern = refused(kind, tmp_path, provider[0], how)
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(remote.RefusedError, match=pattern) as direct:
        remote._open_signed(path, kind, provider[1], into)
    with pytest.raises(remote.RefusedError) as served:
        open_through_cli_service(label, path, provider[1], tmp_path)
    # the command refuses with the very message the shared opener gives, exit 3
    assert served.value.render() == direct.value.render()
    assert served.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize("how, zh", [("signed format of the other kind", "格式为"),
                                     ("stream changed", "不符")])
@pytest.mark.parametrize("label", sorted(KINDS))
def test_each_kind_keeps_its_own_message_in_chinese(tmp_path, provider,  # noqa: F811
                                                     label, how, zh):
    kind = KINDS[label]
    path, _ = refused(kind, tmp_path, provider[0], how)
    with pytest.raises(remote.RefusedError) as refusal:
        open_through_cli_service(label, path, provider[1], tmp_path)
    text = refusal.value.render(i18n.cli_gettext("zh-CN"))
    assert text.startswith({"bundle": "任务包 ", "result": "结果文件 "}[label]) and zh in text


def test_sha256_is_checked_only_after_the_signature(tmp_path, provider):  # noqa: F811
    # an unsigned archive with a changed stream: the missing signature is what is reported
    kind = remote.BUNDLE_KIND
    path = archive(tmp_path / "a", kind, None)
    rewrite(path, kind.stream, lambda b: b + b"x")
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(remote.RefusedError, match="is not signed"):
        remote._open_signed(path, kind, provider[1], into)


def test_a_bundle_is_never_opened_without_allowed_signers(tmp_path, provider):  # noqa: F811
    path = archive(tmp_path / "a", remote.BUNDLE_KIND, provider[0])
    with pytest.raises(ValueError, match="only against allowed signers"):
        remote._open_signed(path, remote.BUNDLE_KIND, None, tmp_path)
    assert not (tmp_path / remote.B_STREAM).exists()  # nothing extracted


def test_a_result_may_come_unsigned_when_no_signers_are_given(tmp_path):
    path = archive(tmp_path / "a", remote.RESULT_KIND, None)
    into = tmp_path / "into"
    into.mkdir()
    manifest, data, stream = remote._open_signed(path, remote.RESULT_KIND, None, into)
    assert manifest["bundle_id"] == BUNDLE_ID and json.loads(data) == manifest
    assert stream.read_bytes() == STREAM and stream.parent == into


def test_only_the_named_members_are_extracted(tmp_path, provider):  # noqa: F811
    kind = remote.RESULT_KIND
    path = archive(tmp_path / "a", kind, provider[0])
    with tarfile.open(path, "a") as tar:
        info = tarfile.TarInfo("../escape")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    into = tmp_path / "into"
    into.mkdir()
    _, _, stream = remote._open_signed(path, kind, provider[1], into)
    assert sorted(p.name for p in into.iterdir()) == sorted([kind.manifest, kind.sig,
                                                              kind.stream])
    assert not (tmp_path / "escape").exists() and stream.read_bytes() == STREAM
