"""Looking at a finished dataset: an HTML report, SQL over the tables, one article in the terminal."""
