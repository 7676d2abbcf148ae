"""Placeholder: commands are being added here."""
