"""备份与恢复: the dialog (dialog.py) and its three tabs, one module each.

stick_tab.py backs up to a USB stick or a folder, restore_tab.py checks a backup and puts it in
place of the open database, gather_tab.py gathers the villages' backups into a township
database. common.py holds what the tabs share: the host they ask and run their work through.
"""
