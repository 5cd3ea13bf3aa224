"""The ``seqfit`` command line: parse, call the library, render. No logic lives only here."""

from .app import app as app
from .app import main as main
