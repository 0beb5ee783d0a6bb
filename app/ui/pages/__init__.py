"""The pages of the main window; each has `refresh()` and `focus_search()`."""
