"""What the Library plugs into the platform."""
