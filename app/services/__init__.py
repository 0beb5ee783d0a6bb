"""Use cases: each opens one unit of work, calls the domain and the store, returns plain data."""
