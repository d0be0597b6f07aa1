"""Project configuration: settings, URLs, database routing and the embedded PostgreSQL."""
