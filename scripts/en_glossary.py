"""English for the console's Chinese labels: `python scripts/en_glossary.py` fills
src/xinye/locale/en/LC_MESSAGES/django.po (after `make messages`) and leaves unknown strings untranslated."""

import pathlib
import re

GLOSSARY = {
    "显示名": "Display name", "用户": "User", "代码": "Code", "名称": "Name", "说明": "Description",
    "授权": "Grants", "内置": "Built-in", "角色": "Role", "所在单位": "Unit", "限定行业": "Industry restriction",
    "授权时间": "Granted at", "角色授权": "Role assignments", "用途": "Purpose", "前缀": "Prefix",
    "创建时间": "Created at", "最近使用": "Last used", "过期时间": "Expires at", "吊销时间": "Revoked at",
    "API 令牌": "API tokens", "新增": "Create", "修改": "Update", "删除": "Delete", "登录": "Login",
    "退出": "Logout", "登录失败": "Failed login", "锁定": "Lockout", "查看敏感信息": "View sensitive data",
    "导出": "Export", "导入": "Import", "令牌": "Token", "时间": "Time", "用户名": "Username",
    "请求编号": "Request ID", "渠道": "Channel", "操作": "Action", "对象类型": "Object type",
    "对象编号": "Object ID", "对象": "Object", "修改前": "Before", "修改后": "After", "变更字段": "Changed fields",
    "操作日志": "Change log", "互联网": "Internet", "外卖骑手": "Food delivery riders", "快递": "Express delivery",
    "大货车（网约车）": "Trucks (ride-hailing)", "物流": "Logistics", "查看": "View", "审批": "Approve",
    "党建指导员": "Party-building instructor", "驻企联络员": "Enterprise liaison", "类别": "Kind", "姓名": "Name",
    "手机号": "Mobile", "派出单位": "Dispatching unit", "负责区域": "Area", "行业": "Industry",
    "登录账号": "Login account", "纬度（WGS-84）": "Latitude (WGS-84)", "经度（WGS-84）": "Longitude (WGS-84)",
    "在岗": "Active", "指导员/联络员": "Instructor/liaison", "指导员与联络员": "Instructors and liaisons",
    "省级": "Province", "地级": "Prefecture", "县级": "County", "功能区": "Functional zone",
    "市委组织部": "Municipal Organisation Department", "两新工委": "Two-New Work Committee",
    "行业党委": "Industry party committee", "行业党建办": "Industry party-building office",
    "行业主管部门": "Competent department", "群团组织": "Mass organisation", "街道（乡镇）": "Street (town)",
    "社区": "Community", "党委": "Party committee", "党总支": "General branch", "党支部": "Party branch",
    "联合党支部": "Joint branch", "网络（虚拟）党支部": "Online (virtual) branch", "党小组": "Party group",
    "县级党建办": "County office", "社区兜底": "Community (fallback)", "区划代码": "Region code", "级别": "Level",
    "上级区划": "Parent region", "功能区（非法定行政区划）": "Functional zone (not a legal division)",
    "行政区划": "Regions", "编码": "Code", "类型": "Kind", "上级单位": "Parent unit",
    "业务指导（行业党委）": "Answers to (industry committee)",
    "行业党建办同时对本行业的市级行业党委负责（上下联动、横向贯通）":
        "An industry office also answers to its city-level industry committee (the second line)",
    "所在区划": "Region", "树路径": "Tree path", "层级": "Depth", "排序": "Order", "在用": "Active",
    "更新时间": "Updated at", "组织单位": "Organisation units", "责任角色": "Responsibility role",
    "责任单位": "Responsible unit", "责任人（指导员/联络员）": "Responsible person (instructor/liaison)",
    "起始日期": "Since", "备注": "Note", "责任关系": "Responsibilities", "责任矩阵": "Responsibility matrix",
    "新业 · 新就业群体党建工作平台": "xinye · party-building platform for new-employment workers", "新业": "xinye",
    "新业态新就业群体党建": "Party building in new business forms", "首页": "Home", "工作台": "Dashboard",
    "组织树": "Organisation tree", "一、谁负责": "1. Who is responsible", "二、怎么建": "2. Building organisations",
    "三、作用发挥": "3. Members' role", "四、如何保障": "4. Services", "五、力量弱": "5. People",
    "六、提质增效": "6. Institutions", "系统与审计": "System and audit",
}


def fill(po_path: pathlib.Path) -> int:
    text = po_path.read_text(encoding="utf-8")
    filled = 0

    def repl(match):
        nonlocal filled
        msgid = match.group(1)
        english = GLOSSARY.get(msgid)
        if english is None or match.group(2):
            return match.group(0)
        filled += 1
        return f'msgid "{msgid}"\nmsgstr "{english}"'

    text = re.sub(r'msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"', repl, text)
    po_path.write_text(text, encoding="utf-8")
    return filled


if __name__ == "__main__":
    root = pathlib.Path(__file__).resolve().parent.parent
    po = root / "src/xinye/locale/en/LC_MESSAGES/django.po"
    print(f"filled {fill(po)} strings in {po}")
