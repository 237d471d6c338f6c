"""Pure functions that turn spans into values: figures, dates, places."""
