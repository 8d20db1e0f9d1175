"""The use-cases the Repository facade composes, each handed the parts it needs."""
