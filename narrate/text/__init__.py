"""Pure text steps: reading, chapters, sentences, normalization, pronunciations."""
