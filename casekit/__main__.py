"""`python -m casekit`."""

from casekit.cli import main

main()
