"""narrate: essays into chaptered, podcast-ready audio with offline text-to-speech."""

__version__ = "0.1.0"
