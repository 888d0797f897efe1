"""The grading of enterprises and party organisations (空白点 → 实心点 → 闪光点) by a readable rule
table, each grade explained, with its history (issue 16, item 4)."""
