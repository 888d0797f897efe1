"""The three teams (三支队伍): secretaries, committee members and party workers with their history,
双向进入、交叉任职, reserve candidates, training, incentives and assessments, 党员先锋岗 (issue 14)."""
