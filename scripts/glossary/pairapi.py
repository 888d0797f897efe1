"""English for the pairapi work: the 结对共建 writes over the API (summaries, field descriptions, refusals)."""

GLOSSARY = {
    "登记结对（结对双方均须在本人管辖范围内）": "Record a pair (both sides must be within your scope)",
    "修改结对（期限、类别、目标；双方不能修改）": "Change a pair (period, sector, goals; the sides cannot change)",
    "删除误录的结对（已有活动的不能删除）": "Delete a pair recorded by mistake (not one with activities)",
    "修改共建活动": "Change a pairing activity",
    "删除误录的共建活动（连同佐证）": "Delete an activity logged by mistake (with its evidence)",
    "上传活动佐证（照片或文件，10 MB 以内）": "Upload evidence of an activity (a photo or document, up to 10 MB)",
    "修改活动佐证的说明": "Change an evidence's caption",
    "删除活动佐证": "Delete evidence",
    "写年度共建计划（该年已有计划则修改之）": "Write the yearly plan (changes the year's plan if there is one)",
    "修改年度共建计划": "Change a yearly plan",
    "删除年度共建计划（连同计划活动）": "Delete a yearly plan (with its planned activities)",
    "添加计划活动": "Add a planned activity",
    "修改计划活动": "Change a planned activity",
    "删除计划活动": "Delete a planned activity",
    "写年度评估（该年已有评估则修改之）": "Write the yearly review (changes the year's review if there is one)",
    "修改年度评估": "Change a yearly review",
    "删除年度评估": "Delete a yearly review",
    "结对党组织（机关、国企、事业单位或社区的党组织）的组织单位 id": (
        "The org unit id of the host party organisation (of a government body, SOE, public institution or community)"
    ),
    "结对单位类别：organ、soe、institution、community": "Host sector: organ, soe, institution, community",
    "企业党组织 id（与 enterprise 二选一）": "The enterprise party organisation's id (or enterprise, not both)",
    "未建党组织的企业 id（与 partner_org 二选一）": "The id of an enterprise without a party organisation (or partner_org, not both)",
    "结对结束：改截止日期": "To end a pair, change its end date",
    "六联：organisation、venue、activity、information、service、team，可多选": (
        "The six links: organisation, venue, activity, information, service, team; several allowed"
    ),
    "参加人数，至少 1": "Participants, at least 1",
    "计划月份，1–12": "Planned month, 1–12",
    "评价等次：excellent（好）、good（较好）、fair（一般）、poor（差）": (
        "Rating: excellent, good, fair, poor"
    ),
    "评价等次：excellent、good、fair、poor": "Rating: excellent, good, fair, poor",
    "{field} 不能为 null：不修改请不要发送该字段": "{field} cannot be null: leave the field out to keep it",
    "该字段不能修改": "This field cannot be changed",
    "说明最多 {CAPTION_MAX} 个字符": "A caption has at most {CAPTION_MAX} characters",
}
