"""The errors a user may see. Each message says what went wrong and, where it helps, what to do."""


class NarrateError(Exception):
    """A problem the user can fix; the CLI prints its message as one line."""

    exit_code = 1


class InputError(NarrateError):
    """The essay (or a setting) cannot be read or makes no sense."""


class EngineError(NarrateError):
    """The speech engine is missing, misconfigured or failed to speak."""


class OutputError(NarrateError):
    """The output folder or a file in it cannot be written."""


class CacheError(NarrateError):
    """The chapter cache cannot be used."""


class EngineHiccup(EngineError):
    """The engine needed a retry inside one process, so the audio may not match a clean run."""
