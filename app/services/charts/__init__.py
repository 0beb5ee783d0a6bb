"""Chart data: each chart's figures from the one scorer (app.services.totals.scoring), as plain
app.reports.chart_data objects that the screen and the paper both draw. Read-only."""
