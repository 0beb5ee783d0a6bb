"""Backups that travel on USB sticks: make, inspect, unpack and verify backup files (archive),
restore with a safety copy (restore), the daily automatic backup (automatic), removable
drives (drives). The file format itself is db.backup_format.
"""
