"""Data for printed paper: plain report objects built from the scorer and the ledger
(report_data); app.reports renders them to PDF.
"""
