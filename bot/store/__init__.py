"""Storage: SQLAlchemy tables, the engine, and one transaction per use case."""
