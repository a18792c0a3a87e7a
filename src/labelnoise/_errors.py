"""The one error family of labelnoise.

Every error raised for bad user input is an :class:`InputError` (a ``ValueError``) or an
:class:`InputTypeError` (also a ``TypeError``). Each names the argument, what was expected,
what was given, and how to fix it, so that the command line can print it as one line.
"""

from __future__ import annotations

__all__ = ["InputError", "InputTypeError"]


class InputError(ValueError):
    """Bad input to a public function: the message names the argument and the fix.

    Attributes
    ----------
    argument : str
        Name of the offending argument (``"pred_probs"``, ``"labels"``, ...).
    message : str
        What was wrong and the fix, without the argument's name in front; ``str(error)``
        is ``"argument: message"``, or the message alone when it opens with
        ``"The 'argument' parameter"``.
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        self.message = message
        # "labels: expected ..."; a message that names its argument itself ("The 'method'
        # parameter of ...", scikit-learn's wording) is not prefixed a second time
        named = message.startswith(f"The {argument!r} parameter")
        super().__init__(message if named else f"{argument}: {message}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # rebuild from both arguments, so the error survives pickling (process pools, Dask)
        return type(self), (self.argument, self.message)


class InputTypeError(InputError, TypeError):
    """Bad input whose *type* is wrong (an object array, a string where a number belongs)."""
