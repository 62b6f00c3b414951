"""Studies: one market over many seeds and every rulebook, on one machine or a Dask cluster.

A study is (scenario, seeds 1..N, rulebooks, crowd size, length, the player's actions): each
(rulebook, seed) pair is one run, and every run is a pure function of those, so runs can go to any
process on any machine and come back as the same bytes.  The pieces:

* :mod:`.spec`: what a study is, and its manifest (how an output directory knows its study);
* :mod:`.runner`: one run and its result row;
* :mod:`.rows`: the row's columns and their CSV / JSON-lines text;
* :mod:`.outdir`: the output directory: rows appended as runs finish, resumed without duplicates;
* :mod:`.executors`: a local process pool, or an existing Dask cluster;
* :mod:`.summary`: medians and 5-95 % ranges per rulebook, and where the crowd's margin went, as a chart;
* :mod:`.progress`: the progress bar with an ETA.
"""

from .executors import DaskExecutor, ExecutorError, LocalExecutor
from .outdir import OutputDir, OutputDirError
from .runner import run_one
from .spec import StudySpec

__all__ = ["StudySpec", "run_one", "OutputDir", "OutputDirError", "LocalExecutor", "DaskExecutor", "ExecutorError"]
