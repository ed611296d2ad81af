"""Forms of the clinic app, one module per area; errors are shown next to their field."""
