"""Table models that need more than a plain list of rows (paging through SQL, editing)."""
