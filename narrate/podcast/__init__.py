"""Publishing: the pure documents (`rss`, `chapters_json`, `transcripts`), cover art (`cover`),
and the code that writes them beside the episodes (`publish`)."""
