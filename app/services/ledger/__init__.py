"""The points ledger, append-only: entries one by one, in batches and from meetings, review and
reversal (entries); the filtered entry lists the window, the cards and the command line read
(queries). Totals are not summed here: see app.services.totals.ranking.
"""
