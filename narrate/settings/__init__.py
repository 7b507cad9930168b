"""How a build is set: narrate.toml (`config`), and flags over front matter over narrate.toml
over defaults, resolved once per episode (`resolve`)."""
