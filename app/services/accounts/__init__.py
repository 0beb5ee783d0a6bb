"""Operators and their roles (operators).
"""
