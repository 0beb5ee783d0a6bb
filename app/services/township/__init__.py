"""The township's gathering database: gather village backups (gather), the merge rules and
conflicts (merge), the branches side by side and one ranking across them (overview).
"""
