"""English for the cards work: the practitioners list's 民族 filter and its bounded count (issue 17)."""

GLOSSARY = {
    "其他": "Other",
    "未填写": "Not filled in",
    "上一页": "Previous",
    "下一页": "Next",
    "超过部分不计数": "not counted beyond this",
}
