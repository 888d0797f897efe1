"""English for the maps work (issue 17): the station form's map point picker and the hazard's small map."""

GLOSSARY = {
    "地图选点：点击地图设置经纬度": "Map point picker: click the map to set the latitude and longitude",
    "位置示意图": "Location sketch map",
    "点击地图设置纬度和经度；在输入框中修改坐标，标记随之移动。县界为示意轮廓。": "Click the map to set the latitude and longitude; edit the coordinates in the inputs and the marker follows. County borders are approximate outlines.",
    "该点不在通辽市轮廓内，请核对坐标。": "This point lies outside the outline of Tongliao; please check the coordinates.",
    "上报位置": "Reported location",
    "上报位置：纬度 %(lat).6f，经度 %(lng).6f（WGS-84）": "Reported location: latitude %(lat).6f, longitude %(lng).6f (WGS-84)",
    "；最近驿站：%(name)s，相距 %(metres)s 米": "; nearest station: %(name)s, %(metres)s m away",
    "位置示意": "Location map",
}
