"""Text: from a document to what is said."""
