"""/certs: the credential menu, one card per credential, and all of them at a glance."""

from __future__ import annotations

from flows.callbacks import Tap
from flows.replies import Outcome
from flows.steps.base import Steps, Turn


class CredentialSteps(Steps):
    def _cmd_certs(self, turn: Turn, payload: str) -> Outcome:
        return self._say(turn.state, self.views.credentials_menu(turn.language))

    def _on_credentials(self, turn: Turn, tap: Tap) -> Outcome:
        in_place = tap.args == ("here",)
        return self._say(turn.state, self.views.credentials_menu(turn.language, replace=in_place))

    def _on_credential(self, turn: Turn, tap: Tap) -> Outcome:
        credential = tap.args[0]
        if credential not in {c.id for c in self.content.credentials.credentials}:
            return self._out_of_date(turn)
        return self._say(turn.state, self.views.credential(turn.language, credential))

    def _on_card_page(self, turn: Turn, tap: Tap) -> Outcome:
        credential, page = tap.args[0], tap.number(1)
        known = {c.id for c in self.content.credentials.credentials}
        if credential not in known or page >= len(
            self.views.credential_pages(turn.language, credential)
        ):
            return self._out_of_date(turn)
        return self._say(turn.state, self.views.credential(turn.language, credential, page))

    def _on_compare(self, turn: Turn, tap: Tap) -> Outcome:
        return self._say(turn.state, self.views.compare_credentials(turn.language))

    def _on_compare_page(self, turn: Turn, tap: Tap) -> Outcome:
        page = tap.number(0)
        if page >= self.views.compare_page_count(turn.language):
            return self._out_of_date(turn)
        return self._say(turn.state, self.views.compare_credentials(turn.language, page))
