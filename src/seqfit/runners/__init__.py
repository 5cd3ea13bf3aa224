"""Running models over whole datasets: :func:`seqfit.embed`, :func:`seqfit.classify`,
:func:`seqfit.tag`, and the file-to-file runs behind ``seqfit embed|classify|tag``.

``engine.py`` holds the shared loop (fit a chunk, batch it, run it, in input order),
``loading.py`` loads a model for a task (its head checked first),
``aggregation.py`` how windows become documents (numpy only), ``embedding.py``,
``classification.py`` and ``tagging.py`` the three tasks, ``dataset.py`` the resumable runs
from a data file to an output file.
"""
