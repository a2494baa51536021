"""Page blueprints: thin views over the services."""
