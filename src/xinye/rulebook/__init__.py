"""The rule book: the 实施方案 and its 配套措施办法 as versioned documents with clauses, and the links from
every rule xinye enforces to the clause that sets it (issue 16, item 3)."""
