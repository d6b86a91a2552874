"""kirinuki's Flask front end (filled in by the web issue)."""
