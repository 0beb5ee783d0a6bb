"""党员积分管理 — the application package."""

__version__ = "0.1.0"
