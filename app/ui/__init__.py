"""The PySide6 window: the only package (with main.py) that imports Qt."""
