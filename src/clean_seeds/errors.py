"""The errors clean_seeds raises on purpose; the CLI turns each into a one-line message."""


class CleanSeedsError(Exception):
    """Base class: a problem with the user's input, config or paths, not a bug."""


class ConfigError(CleanSeedsError):
    """An invalid config file: unknown key, wrong type, unreadable or bad TOML."""


class InputError(CleanSeedsError):
    """An input path or file that cannot be used (missing, unreadable, not text)."""


class OutputError(CleanSeedsError):
    """An output location that cannot be used (exists, inside the input, not writable)."""


class ChangeLogError(CleanSeedsError):
    """A change log that is missing, corrupt, or does not match the output it describes."""


class WorkerError(CleanSeedsError):
    """A worker process died (killed by the system, out of memory): the run stops, OUTPUT untouched."""
