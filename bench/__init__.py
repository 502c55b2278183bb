"""Performance benchmark of the CareerPath bot against a bare echo bot (python -m bench)."""
