"""The 最美 campaigns (推荐 → 审核 → 公众投票 → 公示 → 结果) and the library of models (先进典型) (issue 14, item 4)."""
