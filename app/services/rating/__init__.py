"""The annual star rating: rounds through its five steps (rounds), what the window shows of a
round (queries), who it rates (rated), the files exchanged with the township (exchange), the
ledger lock while a round is reported (lock).
"""
