"""kirinuki's search library: corpus → records → index → results (knows nothing of Flask)."""
