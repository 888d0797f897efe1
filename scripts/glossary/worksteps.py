"""English for what the 办理 pages say after each step (issue 17: one message saying what happened)."""

GLOSSARY = {
    "已决定不予受理，理由已告知提出人": "Not accepted; the filer has been told why",
    "已派单至%(units)s": "Dispatched to %(units)s",
    "已延期，新的办理时限已生效": "Extended; the new time limit applies",
    "已答复提出人": "Answered the filer",
    "已记录回访": "Return visit recorded",
    "%(unit)s已签收": "%(unit)s has acknowledged the task",
    "已记录办理进展": "Progress recorded",
    "%(unit)s已提交办理结果": "%(unit)s has submitted its result",
    "%(unit)s的任务已完成": "%(unit)s's task is finished",
    "已退回，等待重新派单": "Returned; waiting to be dispatched again",
    "状态已改为“%(status)s”": "Status changed to “%(status)s”",
    "已记录处理情况": "Handling recorded",
    "派单至（已按规则预选，可增减）：": "Dispatch to (preselected by the rules; add or remove): ",
    "输入单位名称筛选": "Type a unit's name to filter",
    "培养联系人/入党介绍人（正式党员，可多选）": "Contact persons / introducers (full members; tick one or more)",
    "输入姓名筛选": "Type a name to filter",
    "本组织暂无正式党员。": "This organisation has no full members yet.",
}
