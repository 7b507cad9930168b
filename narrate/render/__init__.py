"""Making chapters' audio: one chapter job (`job`), the local pool of worker processes (`pool`),
the content-keyed chapter cache (`cache`) and its upkeep (`upkeep`)."""
