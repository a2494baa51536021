"""Services: orchestration over the database, one commit per operation."""
