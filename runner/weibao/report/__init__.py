"""Reports: the contract's documents rendered from the store.

One package per report kind in :mod:`weibao.report.kinds` (its context builder and view;
its templates in ``report_templates/<kind>/``); :mod:`weibao.report.render` is the engine
that renders any kind (:func:`render_report`).
"""

from weibao.report.render import FORMATS, ReportError, render_report, render_to_strings

__all__ = ["FORMATS", "ReportError", "render_report", "render_to_strings"]
