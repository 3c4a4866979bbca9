"""What the Directory plugs into the platform."""
