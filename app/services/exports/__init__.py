"""Every table out to Excel (.xlsx) in a shape WPS prints: a title row, the branch and the period,
column widths, number formats, a frozen header; free text never becomes a live formula; ID
numbers and phones masked unless asked. Figures come from the one scorer (app.services.totals).
"""
