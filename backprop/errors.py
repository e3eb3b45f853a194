"""The one error type the command lines catch: something a user can cause and mend."""


class UserError(Exception):
    """A bad option, file or folder; its message is one sentence, ready to print."""
