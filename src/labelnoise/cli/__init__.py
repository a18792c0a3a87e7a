"""The ``labelnoise`` command line (needs the ``cli`` extra; ``report`` for HTML).

Commands: ``find`` (flag label issues from files), ``audit`` (cross-validate a model on a
table, then find issues and write a report), ``report`` (HTML report from files) and
``demo`` (real label errors in CIFAR-10 and MNIST, bundled; what ``python -m labelnoise``
runs without arguments), ``simulate`` (add label noise of a known kind and size to a label
file) and ``bench`` (benchmark the detectors on simulated and real label noise).

Built on click and rich. click is the well-kept standard for Python command lines: it
parses and validates options declaratively, generates ``--help`` for every subcommand and
tests easily. rich draws the progress bars (only on a terminal, so pipes and logs stay
clean) and the summary tables. Both are imported only here, never by ``import labelnoise``.

Every mistake in the input (a missing file, a bad column, a probability matrix that does
not sum to 1) ends the command with exit status 2 and one line on standard error that
names the file, column or option and the fix; ``--debug`` adds the traceback. Outputs are
written atomically and never replace an existing file without ``--force``; inputs are
only read.

Inputs are never misread: the first line of every delimited file is its header (pandas'
``header=0``) unless ``--no-header`` says there is none, never guessed from the content;
``--classes`` follows the API's ``classes=`` rule; image lists stay inside an image root.
CSV outputs neutralise spreadsheet formulas in text cells; SIGTERM removes the temporary
file of a write in progress, and stale ones of killed runs are removed on the next write.
"""

from labelnoise.cli._main import cli, main

__all__ = ["cli", "main"]
