"""English for the gaps2 work: the rule book's informational rules (how each rule is enforced)."""

GLOSSARY = {
    "执行方式": "Enforced by",
    "拒绝时引用": "Cited when refusing",
    "以组织生活完成情况和缺项提示体现，不拒绝登记": "Shown as meeting completion and shortfalls; never refuses a record",
    "以指导员联系企业数统计和年度考核体现，不拒绝分配": "Shown in instructors' enterprise counts and the yearly assessment; never refuses an assignment",
    "以办理期限、超时催办和督办体现，不拒绝办理": "Shown as deadlines, overdue reminders and escalation; never refuses handling",
}
