"""Making chapters' audio: one chapter job (`job`), the local pool of worker processes (`pool`)
and their fork server (`server`), a call made in a fork (`fork`), the Ray executor (`cluster`),
the content-keyed chapter cache (`cache`) and its upkeep (`upkeep`)."""
