"""The one error a user's answer can raise."""


class AnswerError(ValueError):
    """A user's answer that cannot be used; the message is one line saying how to fix it."""
