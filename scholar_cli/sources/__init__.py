"""The outside world: arXiv and GitHub, behind a record store.

Deliberately empty of imports: `commands` imports the submodules it needs lazily, so a run
that finds every record fresh never loads requests, arxiv or lxml.
"""
