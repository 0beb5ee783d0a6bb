"""Printed paper, rendered with reportlab only: report data first, then the renderer.

Data classes (app.reports.data) are built by app.services.printing.report_data; each renderer takes
one and returns the PDF as bytes, which app.services.files writes to disk atomically (this
package writes no files). Fonts, page geometry and styles live in app.reports.layout.

The names below are imported on first use, so that code which only needs the data classes
(or a command-line verb that prints no paper) does not load reportlab.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "render_annual": "app.reports.annual",
    "render_certificates": "app.reports.certificates",
    "render_meeting_record": "app.reports.meeting_papers",
    "render_monthly_notice": "app.reports.notices",
    "render_signin_sheet": "app.reports.meeting_papers",
    "render_star_notice": "app.reports.notices",
    "render_scorecards": "app.reports.scorecards",
    "page_count": "app.reports.reading",
    "Progress": "app.reports.progress",
    "RenderCancelled": "app.reports.progress",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'app.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
