"""结对共建 with the 六联 model: pairs, yearly plans, activities tagged with the six 联, yearly reviews
(issue 15, item 2)."""
