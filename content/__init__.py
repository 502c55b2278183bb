"""The bot's facts and copy, as YAML files shipped with the package.

Nothing but data lives here; flows.content loads and validates it.
"""

from pathlib import Path

CONTENT_DIR = Path(__file__).parent
