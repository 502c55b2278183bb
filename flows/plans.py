"""30/60/90-day plans, composed from a persona's steps and a track's steps."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flows.schema import Content, Phase, Track


@dataclass(frozen=True)
class PlanStep:
    id: str  # stable within a plan, e.g. "day30.p1" (persona step 1) or "day30.t2"
    text: str


@dataclass(frozen=True)
class PlanPhase:
    phase: Phase
    title: str
    steps: tuple[PlanStep, ...]


@dataclass(frozen=True)
class Plan:
    persona: str
    persona_label: str
    track: Track
    track_name: str
    target: str  # the credential(s) to aim for
    phases: tuple[PlanPhase, ...]
    links: tuple[str, ...]  # link keys in content/facts.yaml

    def steps(self) -> tuple[PlanStep, ...]:
        return tuple(step for phase in self.phases for step in phase.steps)


class PlanBook:
    """Builds plans on demand from content; each combination is composed once."""

    def __init__(self, content: Content) -> None:
        self._content = content
        self.persona_ids = tuple(p.id for p in content.plans.personas)
        self.compose = lru_cache(maxsize=None)(self._compose)

    def is_persona(self, persona: str) -> bool:
        return persona in self.persona_ids

    def _compose(self, language: str, persona: str, track: Track) -> Plan:
        content = self._content
        words = content.words(language).plans
        track_words = words.tracks[track]
        persona_words = words.personas[persona]
        fill = {
            "credential": track_words.credential,
            "program": track_words.program,
            "linkedin_keyword": track_words.linkedin_keyword,
            "remote_keyword": track_words.remote_keyword,
            "entry_roles": track_words.entry_roles,
        }
        phases = tuple(
            PlanPhase(
                phase=phase,
                title=words.phases[phase],
                steps=tuple(
                    [
                        PlanStep(f"{phase}.p{n}", text.format(**fill))
                        for n, text in enumerate(persona_words.steps[phase], start=1)
                    ]
                    + [
                        PlanStep(f"{phase}.t{n}", text)
                        for n, text in enumerate(track_words.steps[phase], start=1)
                    ]
                ),
            )
            for phase in content.plans.phases
        )
        persona_links = next(p.links for p in content.plans.personas if p.id == persona)
        links = tuple(dict.fromkeys([*content.plans.tracks[track].links, *persona_links]))
        return Plan(
            persona=persona,
            persona_label=persona_words.label,
            track=track,
            track_name=track_words.name,
            target=track_words.target,
            phases=phases,
            links=links,
        )
