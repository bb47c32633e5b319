"""Errors meant for the user: the CLI prints ``str(exc)`` on one line, the app notifies."""


class BriefingError(Exception):
    """Base class for errors with a message fit to show as is."""

    exit_code = 1


class NotFound(BriefingError):
    """An article id, entity or file that does not exist."""


class QueryError(BriefingError):
    """A query that cannot be parsed; the message says what is wrong and how to write it."""


class IndexBusy(BriefingError):
    """Another process is writing the index."""

    exit_code = 3


class UsageError(BriefingError):
    """A request that cannot be done as given (a path that does not exist, ...): exit 2."""

    exit_code = 2
