"""The READMEs' check and threshold tables are generated from the check catalogue
(``./dev.sh docs``): a stale table fails here."""

from __future__ import annotations

from weibao import docs


def test_generated_tables_are_current():
    stale = []
    for path, blocks in docs.targets().items():
        text = path.read_text(encoding="utf-8")
        if docs.replace_blocks(text, blocks, str(path)) != text:
            stale.append(str(path))
    assert not stale, f"run ./dev.sh docs: stale tables in {stale}"


def test_every_catalogue_check_is_in_the_readme_table():
    from ansible.module_utils.weibao_inspection import catalogue

    table = docs.checks_table()
    for check_id, check in catalogue.CHECKS.items():
        assert f"`{check_id}`" in table and check.name_zh in table


def test_a_missing_block_is_a_clear_error():
    import pytest

    with pytest.raises(SystemExit, match="no generated block 'checks'"):
        docs.replace_blocks("no markers here", {"checks": "x"}, "README.md")
