"""The 巷鄰 sync backend: FastAPI over SQLAlchemy Core (SQLite by default, PostgreSQL)."""
