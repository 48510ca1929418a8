"""PDF (placeholder until the reader lands)."""
