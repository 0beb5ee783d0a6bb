"""Dialogs: each opened window-modal with open(), never exec(), so tests can drive them."""
