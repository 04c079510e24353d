"""Operating the service: database schema, backup and restore (administrators' commands)."""
