"""What is the user's own: their result, their plan with its progress, their check-ins, and
the home screen that brings them together when they come back (/start, or "hi").

progress.py is the model (how far along a plan is), screens.py draws the home screen, a
plan one phase at a time and the retake confirmation, steps.py handles the taps.
"""
