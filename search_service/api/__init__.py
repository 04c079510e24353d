"""HTTP routes, one module per area; ``search_service.app.create_app`` registers them."""
