"""Figures of a period: the one query path that feeds the domain's scorer (scoring) and the
rankings built on it (ranking). Every figure on a page or on paper comes from here.
"""
