"""The year's rule sets (积分细则): started from a template or last year's, items, values, caps and
classes; versioned by year so last year's scores never change (rulesets).
"""
