"""Survey ledgers (摸排台账): enterprises, practitioners, party members, party organisations, imports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.crypto import keyed_hash
from xinye.core.fields import DocumentField, EncryptedTextField
from xinye.core.scope import ScopeSpec
from xinye.core.versioning import Versioned
from xinye.ledger.choices import (
    CoordSystem,
    Education,
    EnterpriseType,
    FormationState,
    Gender,
    MembershipHeld,
    Occupation,
    PoliticalStatus,
)
from xinye.orgs.choices import UnitKind


class Enterprise(Versioned, models.Model):
    """A new-business enterprise or a platform's local site (摸排: fixed place, ≥10 staff, real operations).

    Owned by the county 行业党建办 of its industry (`unit`), in its county (`region`).
    """

    name = models.CharField(_("企业名称"), max_length=128)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True)
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, db_index=True)
    enterprise_type = models.CharField(
        _("类型"), max_length=16, choices=EnterpriseType.choices, default=EnterpriseType.SITE
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管行业党建办"), on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    latitude = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    longitude = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    coord_source = models.CharField(
        _("坐标来源"), max_length=8, choices=CoordSystem.choices, default=CoordSystem.WGS84, blank=True
    )
    staff_count = models.PositiveIntegerField(_("从业人员数"), default=0)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=32, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), mask="phone")
    contact_phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    in_survey_scope = models.BooleanField(_("纳入摸排范围"), default=True)
    is_active = models.BooleanField(_("在营"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="pk")

    class Meta:
        verbose_name = _("新业态企业")
        verbose_name_plural = _("新业态企业")
        ordering = ["region_id", "industry", "name"]
        indexes = [models.Index(fields=["region", "industry"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.contact_phone_hash = keyed_hash(self.contact_phone)
        super().save(*args, **kwargs)


class BirthDateField(models.DateField):
    """A birth date derived from the ID number. Beside the masked ID it would give the eight masked digits
    back, so it is a sensitive field like the ID: the console, the change log and the API show only its
    year to whoever lacks view_sensitive (the `sensitive`/`mask` attributes the rest of the platform reads)."""

    sensitive = True
    mask = "birth_date"


class Practitioner(Versioned, models.Model):
    """A worker in a new-business enterprise (从业人员). ID and phone are encrypted; gender and birth date
    are derived from the ID number."""

    name = models.CharField(_("姓名"), max_length=32)
    id_number = EncryptedTextField(_("公民身份号码"), mask="id_number")
    id_hash = models.CharField(max_length=40, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号"), mask="phone")
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = BirthDateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField(
        _("职业"), max_length=16, choices=Occupation.choices, default=Occupation.OTHER
    )
    # The occupation as a survey sheet wrote it when no choice matched (written as 其他): kept and shown.
    occupation_note = models.CharField(_("职业（原文）"), max_length=64, blank=True, default="")
    political_status = models.CharField(
        _("政治面貌"),
        max_length=16,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
        db_index=True,
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("所在企业"), on_delete=models.PROTECT, related_name="practitioners"
    )
    # Denormalised from the enterprise so scope filters need no join on large ledgers.
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        ordering = ["enterprise_id", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self, enterprise: "Enterprise | None" = None) -> "Practitioner":
        """Set everything derived from other fields: lookup hashes, gender and birth date from a valid ID,
        and the enterprise's unit/region/industry. The one definition, used by save() and by bulk writers
        (importers, demo) before bulk_create; pass `enterprise` to avoid a query per row."""
        from xinye.core.validators import clean_id_number

        self.id_hash = keyed_hash(self.id_number)
        self.phone_hash = keyed_hash(self.phone)
        if self.id_number:
            try:
                info = clean_id_number(self.id_number)
            except ValueError:
                pass  # services refuse invalid IDs; legacy rows keep what they have
            else:
                self.gender = info.gender
                self.birth_date = info.birth_date
        enterprise = enterprise or (self.enterprise if self.enterprise_id else None)
        if enterprise is not None:
            self.unit_id = enterprise.unit_id
            self.region_id = enterprise.region_id
            self.industry = enterprise.industry
        return self


class PartyOrganisation(models.Model):
    """The ledger record of an enterprise party organisation (党委/党总支/党支部/联合/网络支部/党小组).

    The organisation itself is an OrgUnit (`unit`, of a party kind) so scoping and the tree apply;
    this record holds what the ledger needs: covered enterprises, secretary, founding and term.
    """

    unit = models.OneToOneField(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="party_organisation"
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("覆盖企业"), related_name="party_organisations", blank=True
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    secretary = models.ForeignKey(
        "ledger.PartyMember",
        verbose_name=_("书记"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secretary_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("书记账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    committee = models.ManyToManyField(
        "ledger.PartyMember", verbose_name=_("委员"), related_name="committee_of", blank=True
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=3)
    next_election_on = models.DateField(_("下次换届日期"), null=True, blank=True)
    is_online = models.BooleanField(_("网上运行（虚拟支部/网络党小组）"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprises")

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["unit__path"]

    def __str__(self):
        return self.unit.name


class PartyMember(Versioned, models.Model):
    """Party details of a practitioner who is a (probationary or full) member."""

    practitioner = models.OneToOneField(
        Practitioner, verbose_name=_("从业人员"), on_delete=models.CASCADE, related_name="party_member"
    )
    # The party organisation the member belongs to (or, while unorganised, the enterprise's office).
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, db_index=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("所在企业"), on_delete=models.PROTECT, related_name="members"
    )
    is_full = models.BooleanField(_("正式党员"), default=True, db_index=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    full_member_on = models.DateField(_("转正日期"), null=True, blank=True)
    membership_held = models.CharField(
        _("组织关系"), max_length=16, choices=MembershipHeld.choices, default=MembershipHeld.HERE
    )
    home_organisation = models.CharField(_("组织关系所在党组织（流动党员）"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["unit_id", "id"]

    def __str__(self):
        return self.practitioner.name


class ImportBatch(models.Model):
    """One import of a survey sheet: the file's hash makes a second import of the same file a no-op."""

    kind = models.CharField(_("台账类型"), max_length=16)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_hash = models.CharField(_("文件摘要（SHA-256）"), max_length=64, db_index=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("导入单位"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变"), default=0)
    warning_count = models.PositiveIntegerField(_("警告"), default=0)
    # [{"row", "column", "value", "reason"}] — the doubts the import wrote through (values masked), so the
    # clerk can open the warned rows afterwards; the first MAX_KEPT_WARNINGS of them.
    warnings = models.JSONField(_("警告明细"), default=list, blank=True)
    committed = models.BooleanField(_("已写入"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self):
        return _("%(name)s（%(time)s）") % {
            "name": self.file_name,
            "time": f"{self.created_at:%Y-%m-%d %H:%M}",
        }


FORMATION_KINDS = [
    (k.value, k.label)
    for k in (
        UnitKind.PARTY_COMMITTEE,
        UnitKind.GENERAL_BRANCH,
        UnitKind.BRANCH,
        UnitKind.JOINT_BRANCH,
        UnitKind.ONLINE_BRANCH,
    )
]


class FormationCase(models.Model):
    """One organisation being formed by the standard process (规范组建流程), from proposal to the ledger.

    Owned by the lead enterprise's 行业党建办; a joint branch covers several enterprises (`enterprises`).
    The state changes only through `ledger.services.apply_formation_transition`.
    """

    name = models.CharField(_("拟成立党组织名称"), max_length=128)
    kind = models.CharField(_("组织类型"), max_length=32, choices=FORMATION_KINDS, default=UnitKind.BRANCH)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("牵头企业"), on_delete=models.PROTECT, related_name="formation_cases"
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("覆盖企业"), related_name="formation_cases_covering", blank=True
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管行业党建办"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    state = models.CharField(
        _("当前环节"),
        max_length=32,
        choices=FormationState.choices,
        default=FormationState.PROPOSAL,
        db_index=True,
    )
    state_changed_on = models.DateField(_("本环节日期"), null=True, blank=True)
    organisation = models.ForeignKey(
        PartyOrganisation,
        verbose_name=_("成立的党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="formation_cases",
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("组建流程")
        verbose_name_plural = _("规范组建流程")
        ordering = ["-created_at"]

    def __str__(self):
        return _("%(name)s（%(state)s）") % {"name": self.name, "state": self.get_state_display()}


class FormationStep(models.Model):
    """One step of a formation case: the transition, its date, who did it, the document and a note."""

    case = models.ForeignKey(
        FormationCase, verbose_name=_("组建流程"), on_delete=models.CASCADE, related_name="steps"
    )
    from_state = models.CharField(_("原环节"), max_length=32, choices=FormationState.choices, blank=True)
    to_state = models.CharField(_("新环节"), max_length=32, choices=FormationState.choices)
    date = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=64, blank=True)
    document = DocumentField(_("文件（批复、会议记录等）"), upload_to="ledger/formation/%Y/%m/", blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = ScopeSpec(unit="case__unit", industry="case__industry", enterprise="case__enterprise")

    class Meta:
        verbose_name = _("组建环节")
        verbose_name_plural = _("组建环节")
        ordering = ["case_id", "date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_to_state_display()}"


class ChoiceAlias(models.Model):
    """A word survey sheets use for a choice (issue 13: "the alias table is data a city can extend"): in the
    column `column`, the cell `alias` means `value`. Read at the start of every import, after the words
    built into the importer; city staff edit it in the console."""

    COLUMNS = {
        "industry": Industry,
        "enterprise_type": EnterpriseType,
        "coord_source": CoordSystem,
        "education": Education,
        "occupation": Occupation,
        "political_status": PoliticalStatus,
        "membership_held": MembershipHeld,
    }

    column = models.CharField(
        _("列"),
        max_length=32,
        choices=[
            ("industry", _("行业")),
            ("enterprise_type", _("企业类型")),
            ("coord_source", _("坐标来源")),
            ("education", _("学历")),
            ("occupation", _("职业")),
            ("political_status", _("政治面貌")),
            ("membership_held", _("组织关系")),
        ],
    )
    alias = models.CharField(_("表格中的写法"), max_length=64)
    value = models.CharField(_("对应选项"), max_length=32)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("导入词语对照")
        verbose_name_plural = _("导入词语对照")
        ordering = ["column", "alias"]
        constraints = [models.UniqueConstraint(fields=["column", "alias"], name="choicealias_column_alias")]

    def __str__(self):
        return f"{self.get_column_display()}：{self.alias} → {self.value_label}"

    @property
    def value_label(self) -> str:
        choices = self.COLUMNS.get(self.column)
        return str(dict(choices.choices).get(self.value, self.value)) if choices else self.value
