"""weibao remind holidays: before the Spring Festival, Labour Day and National Day (days off
from the holidays package, 调休 included), the reminder to check and back up and the holiday
duty roster, in both languages; an injected clock across National Day 2026 and the Spring
Festival 2027."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from weibao import cli as cli_mod
from weibao.services import holidays as hol

EXAMPLE = Path(__file__).resolve().parents[2] / "inventories" / "example"
ROSTER = [
    {"person": "zhang.san", "phone": "138 0000 0001", "from": "2026-10-01", "to": "2026-10-04"},
    {"person": "li.si", "phone": "+86 138-0000-0002", "from": "2026-10-05", "to": "2026-10-07"},
    {"person": "wang.wu", "phone": "13800000003", "from": "2027-02-05", "to": "2027-02-07"},
]


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def cli(args):
    cli_mod.main(list(args))


def site_inventory(tmp_path: Path, roster=ROSTER) -> Path:
    inv = tmp_path / "inv"
    shutil.copytree(EXAMPLE, inv)
    path = inv / "group_vars" / "all" / "site.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["weibao_site"]["holiday_duty"] = roster
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return inv


def remind(tmp_path: Path, inv: Path, now: str, *extra: str):
    return CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), "--lang", "en",
                                    "remind", "holidays", "--site", "example", "-i", str(inv),
                                    "--now", now, *extra], catch_exceptions=False)


def spans(year: int) -> list[tuple[str, str, str, int]]:
    return [(h.key, h.first.isoformat(), h.last.isoformat(), h.days)
            for h in hol.long_holidays(year)]


def test_long_holidays_include_the_weekends_and_the_swapped_days():
    # 2026: the State Council's notice (Feb 14, Feb 28, Sep 20, Oct 10 are worked Saturdays
    # and Sundays); 2027: the package's projection until its notice is in the package
    assert spans(2026) == [("spring_festival", "2026-02-15", "2026-02-23", 9),
                           ("labour_day", "2026-05-01", "2026-05-05", 5),
                           ("national_day", "2026-10-01", "2026-10-07", 7)]
    assert spans(2027)[0] == ("spring_festival", "2027-02-05", "2027-02-10", 6)
    assert [key for key, *_ in spans(2027)] == ["spring_festival", "labour_day",
                                                "national_day"]


@pytest.mark.parametrize("today, due", [
    ("2026-09-23", None),  # 8 days before National Day
    ("2026-09-24", "national_day"),
    ("2026-10-01", "national_day"),  # its first day, still due
    ("2026-10-02", None),  # under way: too late to remind
    ("2027-01-28", None),
    ("2027-01-29", "spring_festival"),  # 7 days before 2027-02-05
])
def test_due_within_the_days_given(today, due):
    found, _next = hol.upcoming(dt.date.fromisoformat(today), 7)
    assert (found.key if found else None) == due


def test_national_day_2026_reminder_with_the_roster_in_both_languages(tmp_path):
    inv = site_inventory(tmp_path)
    result = remind(tmp_path, inv, "2026-09-26T09:00")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("site example: National Day 2026, 2026-10-01 to 2026-10-07 (7 days off), "
                        "starts in 5 day(s)")
    assert lines[1].startswith("Before the holiday, check the systems and back them up: "
                               "weibao inspect -i ")
    assert "  2026-10-01 - 2026-10-04  张三 (zhang.san)  138 0000 0001" in lines
    assert "  2026-10-05 - 2026-10-07  李四 (li.si)  +86 138-0000-0002" in lines
    assert "  2027-02-05 - 2027-02-07  王五 (wang.wu)  13800000003" not in lines
    zh = result.output.split("\n", 5)[-1]
    assert "国庆节 2026" in zh and "放假 7 天" in zh and "节假日值班表" in zh
    assert "节前请检查并备份系统" in zh


def test_spring_festival_2027_with_days_nobody_covers_exits_2(tmp_path):
    inv = site_inventory(tmp_path)
    result = remind(tmp_path, inv, "2027-01-30T09:00")
    assert result.exit_code == 2
    assert ("site example: Spring Festival 2027, 2027-02-05 to 2027-02-10 (6 days off), starts "
            "in 6 day(s)") in result.output
    assert "  nobody on duty on 2027-02-08, 2027-02-09, 2027-02-10" in result.output
    assert "春节 2027" in result.output and "无人值班" in result.output


def test_nothing_due_says_when_the_next_is(tmp_path):
    inv = site_inventory(tmp_path)
    result = remind(tmp_path, inv, "2026-11-02T09:00", "--days", "7")
    assert result.exit_code == 0
    assert result.output == ("site example: no long holiday starts within 7 day(s); the next "
                             "is Spring Festival 2027 from 2027-02-05\n")


@pytest.mark.parametrize("entry, problem", [
    ({"person": "nobody", "phone": "1380000", "from": "2026-10-01", "to": "2026-10-02"},
     "weibao_site.holiday_duty[0].person: 'nobody' is not in"),
    ({"person": "li.si", "phone": "call me", "from": "2026-10-01", "to": "2026-10-02"},
     "weibao_site.holiday_duty[0].phone: 'call me' is not a phone number"),
    ({"person": "li.si", "phone": "1380000", "from": "2026-10-01", "to": "2026-09-30"},
     "weibao_site.holiday_duty[0]: to 2026-09-30 is before from 2026-10-01"),
    ({"person": "li.si", "phone": "1380000", "from": "10/01", "to": "2026-10-02"},
     "weibao_site.holiday_duty[0].from: expected a date YYYY-MM-DD, got '10/01'"),
    ({"person": "li.si", "phone": "1380000", "from": "2026-10-01"},
     "weibao_site.holiday_duty[0].to: missing"),
    ({"person": "li.si", "phone": "1380000", "from": "2026-10-01", "to": "2026-10-02",
      "pager": 1}, "weibao_site.holiday_duty[0]: unknown field 'pager'"),
])
def test_a_bad_roster_is_one_line_naming_the_field(tmp_path, entry, problem):
    inv = site_inventory(tmp_path, [entry])
    result = remind(tmp_path, inv, "2026-09-26T09:00")
    assert result.exit_code == 3
    assert problem in result.output
    assert len(result.output.strip().splitlines()) == 1
