"""The tick: campaigns whose stage's last day has passed move on, as far as their rules allow."""

from dataclasses import dataclass, field

from django.utils import timezone

from xinye.core.errors import Refused
from xinye.honours.choices import (
    Stage,
)
from xinye.honours.models import Campaign
from xinye.honours.services.campaigns import advance_stage, due_stage

READS = ()


# --- the tick ---


@dataclass
class TickResult:
    moved: int = 0
    held: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.moved

    @property
    def summary(self) -> str:
        return f"评选进入下一阶段 {self.moved} 个，因未办结暂缓 {self.held} 个"


def tick(*, actor, now=None) -> TickResult:
    """Advance every campaign whose current stage's last day has passed, as far as the dates allow; a
    campaign a rule holds back (reviews pending, objections open) is reported, not forced. Idempotent."""
    today = timezone.localdate(now) if now else timezone.localdate()
    result = TickResult()
    for campaign in Campaign.objects.exclude(stage=Stage.CLOSED).order_by("pk"):
        while due_stage(campaign, today):
            before = campaign.get_stage_display()
            try:
                campaign = advance_stage(campaign, actor=actor)
            except Refused as exc:
                result.held += 1
                result.details.append(f"{campaign.title}：停留在{before}，{'；'.join(exc.messages)}")
                break
            result.moved += 1
            result.details.append(f"{campaign.title}：{before} → {campaign.get_stage_display()}")
    return result
