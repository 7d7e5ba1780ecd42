"""The store: SQLModel tables, the encrypted engine and migrations."""
