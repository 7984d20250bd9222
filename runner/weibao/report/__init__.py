"""Reports: the contract's documents rendered from stored inspection results.

See :func:`weibao.report.render.render_report`; templates live in ``report_templates/``.
"""

from weibao.report.render import FORMATS, ReportError, render_report, render_to_strings

__all__ = ["FORMATS", "ReportError", "render_report", "render_to_strings"]
