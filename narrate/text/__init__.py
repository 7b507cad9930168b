"""Text: reading documents, chapters, sentences and normalization (pure, no audio)."""
