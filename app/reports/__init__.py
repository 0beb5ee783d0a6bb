"""Printed paper, rendered with reportlab only: report data first, then the renderer."""
