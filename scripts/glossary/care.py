"""English for the console strings of personal services (care) and the green channel (appeals)."""

GLOSSARY = {
    # care: models and fields
    "暖心服务": "Service for workers",
    "服务场次": "Service session",
    "服务报名": "Service sign-up",
    "服务类别": "Kind of service",
    "提供单位": "Provided by",
    "服务电话": "Service phone",
    "公开的服务电话或热线": "The public service phone or hotline",
    "服务时间": "Service hours",
    "如 工作日 9:00-17:00 值班": "e.g. on duty on working days 9:00-17:00",
    "服务内容": "What is offered",
    "有效期起": "Valid from",
    "有效期止": "Valid until",
    "发布中": "Published",
    "服务": "Service",
    "场次": "Session",
    # appeals: the green channel
    "绿色通道": "Green channel",
    "小哥绿色通道：从快办理": "Green channel: handled with priority",
    "已备案从业人员在绿色通道类别中提出的诉求（时限更短），同一期间单独统计。": (
        "Appeals by registered workers in the green-channel categories (shorter time limits), counted apart "
        "for the same period."
    ),
    "该期间没有绿色通道任务。": "No green-channel tasks in this period.",
    "绿色通道合计": "Green channel total",
}
