"""Charts on screen: the shared layout (app.reports.chart_layout) painted with QPainter, so the
window and the paper show one drawing. No charting library: see pyproject.toml for the figures."""
