"""DOCX (placeholder until the reader lands)."""
