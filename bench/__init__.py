"""Benchmarks: `python -m bench [name...]` runs `bench/<name>.py` modules' `run()` on a scratch
database created from DATABASE_URL (PostgreSQL or SQLite) and dropped afterwards."""
