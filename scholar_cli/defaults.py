"""Every default the user can override, defined once (settings, fetch options and flags read
them from here; they disagreed when each kept its own)."""

ARXIV_MAX_AGE = 86400.0  # seconds a paper record is used without asking: papers change rarely
GITHUB_MAX_AGE = 3600.0  # seconds a repository record is used without asking: stars move
# Seconds a citation count is used without asking: counts move slowly, and keyless calls to
# OpenAlex and Semantic Scholar are rationed.
CITATIONS_MAX_AGE = 7 * 86400.0
LOCK_TIMEOUT = 60.0  # seconds refresh waits for another refresh of the same page
DEADLINE = 30.0  # seconds of network time per source in one run
