"""The practice around the ledger (issue 15): 双报到 service hours, the 民主评议 tally, resident cadres."""
