"""HTTP routes, one module per area; ``search_service.api.app.create_app`` registers them."""
