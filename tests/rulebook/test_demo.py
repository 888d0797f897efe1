"""The demo rule book: the 实施方案 and the 4 measures the seed names, every enforced rule linked, idempotent."""

from xinye.demo import rulebook as rulebook_demo
from xinye.rulebook import services
from xinye.rulebook.keys import RULE_KEYS
from xinye.rulebook.models import Clause, RuleDocument

SEED_TITLES = {
    "关于加强新业态、新就业群体党的建设的实施方案",
    "关于规范新业态、新就业群体党组织党内政治生活的若干措施",
    "关于新业态、新就业群体常态化发展党员的若干措施",
    "关于新业态、新就业群体建好党组织书记、党员、党务工作者“三支队伍”的若干措施",
    "新业态、新就业群体党建指导员和驻企联络员选派管理办法",
}


def test_the_seed_documents_with_every_rule_linked(world):
    rulebook_demo.load({})
    assert {d.title for d in services.current_documents()} == SEED_TITLES
    assert all(services.cite(key).startswith("依据《") for key in RULE_KEYS)
    counts = (RuleDocument.objects.count(), Clause.objects.count())
    rulebook_demo.load({})
    assert (RuleDocument.objects.count(), Clause.objects.count()) == counts
