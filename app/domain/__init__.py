"""The rules of the points scheme in plain Python: no Qt, no SQLAlchemy, no reportlab."""
