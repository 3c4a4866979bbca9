"""Palermo: software for implementing the UN Convention against Transnational Organized Crime."""

__version__ = "0.1.0"
