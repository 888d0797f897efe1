"""Work plans with goals and live indicators, monthly tasks to the offices, 督办, the monthly ranking of
the offices and its 通报, and drives (issue 16, items 1, 2 and 5)."""
