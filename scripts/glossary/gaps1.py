"""English for the gaps1 work: the committee kept from the 委员 roster."""

GLOSSARY = {
    "（无：委员在三支队伍中任免）": "(none: committee members are appointed and removed in Three teams)",
    "职务：正式党员不足 %(need)s 人（现 %(full)s 人）的支部不设委员会，只设书记": (
        "Post: a branch with fewer than %(need)s full members (now %(full)s) has no committee, only a secretary"
    ),
    "职务：支部委员会至多 %(high)s 人（已满）": "Post: a branch committee has at most %(high)s members (it is full)",
}
