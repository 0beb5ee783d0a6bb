"""Reading back what a renderer produced, without a PDF library (the renderers' tests and the
`report` verb's "共 N 页"). Writing a PDF to disk is app.services.files.write_pdf's job."""

from __future__ import annotations

import re

_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """Pages in a PDF written by reportlab (which never hides page objects in streams)."""
    return len(_PAGE.findall(pdf))
