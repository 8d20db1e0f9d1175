"""REST handlers, one module per resource; each parses, calls the engine, returns JSON."""
