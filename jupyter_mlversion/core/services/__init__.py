"""The use-cases the Repository facade composes."""
