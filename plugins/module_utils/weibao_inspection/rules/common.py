# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every area's rules share."""

from __future__ import annotations

from ansible.module_utils.weibao_inspection.messages import msg


def section_failure(section):
    """(reason message, cause) when a data section holds no data, else None: not collected
    (None) is ``incomplete``; a failure section (parsers.sections) keeps its own cause."""
    if section is None:
        return msg("reason.not_collected"), "incomplete"
    if isinstance(section, dict) and section.get("error"):
        return section["error"], section.get("cause") or "source_unreadable"
    return None
