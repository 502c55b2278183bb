"""The dialogue's steps, one module per feature; flows.dialogue.Dialogue combines them.

A command /name is handled by a method `_cmd_<name>(turn, payload)`, a tapped button of act
A by `_on_<a>(turn, tap)`. Both return an Outcome.
"""
