"""Accounts on a shared laptop: who is at the keyboard and what he may do.

operators (accounts, roles, passwords set by an administrator), passwords (Argon2id hashes and
the strength rule), login (log-in with slow-down, unlock, the recovery code), setup (the first
administrator and his recovery code, the demo's accounts), security_settings (idle lock, four
eyes), audit_trail (the 操作日志 read back), restore_audit (who may restore, and the record of
it), keyring (the branch's data key wrapped per account).
"""
