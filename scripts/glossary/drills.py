"""English for the drills work: the SMS outbox notice, the database-outage page and message."""

GLOSSARY = {
    "短信通道暂时繁忙，验证码已排队，将在通道恢复后发送至 %(masked)s，请稍候留意短信（5 分钟内有效），无需重复获取。": "The SMS service is busy; your code is queued and will be sent to %(masked)s as soon as the service is back. Watch for the message (valid for 5 minutes); there is no need to ask again.",
    "数据库暂时无法连接，系统正在自动恢复，请稍后重试；您刚才的操作未保存，不会重复提交。": "The database cannot be reached at the moment and the system is recovering by itself. Please try again shortly; what you just did was not saved and will not be submitted twice.",
    "服务暂时不可用": "Service temporarily unavailable",
    "情况紧急请直接拨打": "In an emergency call",
    "从业人员服务首页": "Worker portal home",
}
