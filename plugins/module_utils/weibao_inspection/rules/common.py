# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers every area's rules share."""

from __future__ import annotations


def section_error(section):
    """Why a collected data section holds no data (None when it does).

    Collector modules put each area's raw data in sections; a section that could not be
    read is missing (``None``) or carries ``{"error": reason}``. Rules turn that reason into
    an ``unknown`` finding, never into ``ok``.
    """
    if section is None:
        return "not collected"
    if isinstance(section, dict) and section.get("error"):
        return section["error"]
    return None
