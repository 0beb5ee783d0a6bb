"""Domain tests (package so test module names cannot clash with other test folders)."""
