"""Try the job (/try): three short coding tasks and three short billing tasks, each with
feedback, and after each side "how did that feel?", which then counts in the result.

model.py: the content's shape and a chat's progress; steps.py: commands and taps;
screens.py: what the user sees.
"""
