"""Portal forms: plain Django forms, server-side validation, Chinese messages; they work without JS."""

import uuid

from django import forms
from django.utils.choices import BaseChoiceIterator, normalize_choices

from xinye.ledger.choices import Occupation


def new_key() -> str:
    return str(uuid.uuid4())


class FixedChoices(BaseChoiceIterator):
    """A select's choices with its "请选择" first, normalised once and shared by every form that uses them
    (a form copies its fields' choices, and normalising the grouped appeal categories cost more than the rest of
    the form on every submission). Build it once per set of choices, e.g. at module level."""

    def __init__(self, choices, blank: str = "请选择"):
        self.items = normalize_choices([("", blank), *choices])

    def __iter__(self):
        return iter(self.items)

    def __deepcopy__(self, memo):
        return self  # never changed in place: shared


def _with_blank(choices, blank: str = "请选择"):
    return choices if isinstance(choices, FixedChoices) else [("", blank), *choices]


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        error_messages={"min_length": "验证码为 6 位数字", "required": "请输入验证码"},
    )


class RegisterForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=32)
    occupation = forms.ChoiceField(
        label="职业", choices=[("", "请选择")] + list(Occupation.choices), required=False
    )
    enterprise_name = forms.CharField(label="所在企业/平台", max_length=128, required=False)
    community = forms.ChoiceField(label="备案社区", required=False)
    station = forms.CharField(widget=forms.HiddenInput, required=False)
    id_number = forms.CharField(
        label="身份证号（选填）",
        max_length=18,
        required=False,
        help_text="用于与从业人员台账核对；需单独同意敏感信息处理",
    )
    sensitive_consent = forms.BooleanField(label="我单独同意《敏感个人信息处理规则》", required=False)
    volunteer = forms.BooleanField(
        label="我愿意成为志愿者（“移动探头”、平安建设、文明创建等）", required=False
    )
    volunteer_skills = forms.CharField(label="志愿服务特长（选填）", max_length=100, required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "请选择")] + list(communities)


class ProfileForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=32, required=False)
    occupation = forms.ChoiceField(
        label="职业", choices=[("", "请选择")] + list(Occupation.choices), required=False
    )
    enterprise_name = forms.CharField(label="所在企业/平台", max_length=128, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False, help_text="留空即删除")


class CorrectionForm(forms.Form):
    """A correction request (PIPL art. 46): which record, what is wrong, what it should be."""

    record = forms.ChoiceField(label="需要更正的记录", error_messages={"required": "请选择需要更正的记录"})
    wrong = forms.CharField(
        label="哪里有误",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写“哪里有误”", "max_length": "“哪里有误”不能超过 500 字"},
    )
    should_be = forms.CharField(
        label="应更正为",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写“应更正为”", "max_length": "“应更正为”不能超过 500 字"},
    )

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = _with_blank(records)


class AppealForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    region = forms.ChoiceField(label="所在旗县区", required=False, help_text="未备案时用于确定由哪里办理")
    category = forms.ChoiceField(label="诉求类别")
    text = forms.CharField(label="诉求内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    sensitive_consent = forms.BooleanField(
        label="本诉求涉及个人困难，我单独同意《敏感个人信息处理规则》", required=False
    )

    def __init__(self, *args, categories=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _with_blank(categories)
        self.fields["region"].choices = _with_blank(regions)


class ReportForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label="问题类别")
    description = forms.CharField(label="问题描述", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    # Filled by the phone's location ("使用当前位置"), never typed: a rider does not know their coordinates.
    latitude = forms.FloatField(
        label="纬度", min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        label="经度", min_value=-180, max_value=180, required=False, widget=forms.HiddenInput
    )
    near_station = forms.ChoiceField(label="或：就在这个服务站附近", required=False)

    def __init__(self, *args, categories=(), stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _with_blank(categories)
        self.fields["near_station"].choices = _with_blank(stations, "—")

    def clean(self):
        data = super().clean()
        has_point = data.get("latitude") is not None and data.get("longitude") is not None
        if not has_point and not data.get("near_station"):
            raise forms.ValidationError("请提供位置：点“使用当前位置”，或选择附近的服务站")
        return data


class RateForm(forms.Form):
    satisfied = forms.ChoiceField(
        label="您对办理结果", choices=[("1", "满意"), ("0", "不满意")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见（选填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
