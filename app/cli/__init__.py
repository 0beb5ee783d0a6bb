"""The headless command line: the same services as the window, one verb at a time."""
