"""English for the search work: console list searches without the term in the URL (issue 18 item 8)."""

GLOSSARY = {
    # unfold's own placeholder, now also in the console's copy of its search form (templates/admin/search_form.html)
    "Type to search": "Type to search",
    "搜索已失效，请重新搜索": "The search has expired, please search again",
    "搜索失败：列表地址无效，请从列表页重新搜索。": "Search failed: the list address is invalid; search again from the list page.",
    "搜索内容过长：最多 %(n)s 个字，请缩短后重新搜索。": (
        "The search text is too long: at most %(n)s characters; shorten it and search again."
    ),
}
