"""Plain function views, one module per area; each parses input and calls one action."""
