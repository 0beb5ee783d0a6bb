"""The roster: members added, edited, transferred and marked deceased (members); the window's
paged search in SQL (queries); Excel import and export in the shape clerks keep (excel).
"""
