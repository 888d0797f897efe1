"""Personal services behind the 小哥绿色通道: the catalogue per county and station (红色教育, 子女入学,
法律援助, 心理辅导, 就业招聘) and the green channel's shorter time limits (issue 15, item 4)."""
