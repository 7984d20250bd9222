# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared inspection code: one copy for the modules (shipped by AnsiballZ) and the runner.

Layout: ``findings`` is the schema every check emits; ``parsers/`` turn command output or
files into data (pure functions, no judgement); ``rules/`` turn that data plus thresholds
into findings.
"""
