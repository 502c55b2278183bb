"""How far along a plan is: ticked steps per phase."""

from __future__ import annotations

from dataclasses import dataclass

from flows.plans import Plan, PlanPhase


def is_ticked(ticks: int, index: int) -> bool:
    return bool(ticks >> index & 1)


@dataclass(frozen=True)
class PhaseProgress:
    phase: PlanPhase
    offset: int  # the index of the phase's first step among all the plan's steps
    ticks: int

    @property
    def indexes(self) -> range:
        return range(self.offset, self.offset + len(self.phase.steps))

    @property
    def total(self) -> int:
        return len(self.phase.steps)

    @property
    def done(self) -> int:
        return sum(is_ticked(self.ticks, index) for index in self.indexes)

    def ticked(self, index: int) -> bool:
        return is_ticked(self.ticks, index)


def plan_progress(plan: Plan, ticks: int) -> tuple[PhaseProgress, ...]:
    phases, offset = [], 0
    for phase in plan.phases:
        phases.append(PhaseProgress(phase, offset, ticks))
        offset += len(phase.steps)
    return tuple(phases)


def phase_of_step(plan: Plan, index: int) -> int:
    """The phase (its position in the plan) that holds step `index`."""
    for position, phase in enumerate(plan_progress(plan, 0)):
        if index in phase.indexes:
            return position
    raise IndexError(index)


def first_open_phase(plan: Plan, ticks: int) -> int:
    """Where to open a plan: the first phase with a step still open (else the last)."""
    phases = plan_progress(plan, ticks)
    return next((i for i, p in enumerate(phases) if p.done < p.total), len(phases) - 1)
