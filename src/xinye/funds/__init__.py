"""Funds: 建设启动资金 and 党建工作经费 — application, review, disbursement, spending lines and balances,
to the fen (issue 15, item 1)."""
