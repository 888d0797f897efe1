"""English for the names of the apps of pillars 4–6 (the sidebar groups)."""

GLOSSARY = {
    "制度落实 · 规则手册": "Institutions · Rule book",
    "队伍建设 · 三支队伍": "Teams · The three teams",
    "队伍建设 · 最美评选与先进典型": "Teams · Campaigns and role models",
    "如何保障 · 党建经费": "Support · Party-building funds",
    "如何保障 · 结对共建": "Support · Pairing",
    "如何保障 · 精准服务企业": "Support · Services to enterprises",
    "如何保障 · 暖心服务": "Support · Services for workers",
    "制度落实 · 工作方案与督办": "Institutions · Work plans and supervision",
    "制度落实 · 空白点→实心点→闪光点": "Institutions · Blank, solid and shining points",
}
