"""Controllers: the window's conditional logic, kept out of the views that only lay widgets out."""
