"""Democratic management (F1, F3): the workers' congress and its representatives, proposals with
seconders, and polls with secret ballots.

A secret ballot is kept in two tables that share nothing but the poll: `Voter` says that a
person may vote and whether they have (no time, no order that follows the vote), `Ballot` holds
what was chosen under a random id with the digest of the voter's receipt — no voter, no time.
The voter keeps the receipt; it proves their ballot was counted and shows no one how they voted.

States: a poll is scheduled until `opens_at` (its voter list is frozen the moment it opens),
open until `closes_at`, then closed and counted. A proposal is drafted, open for seconders
until its window ends, then accepted (立案), assigned, answered and rated — or turned into a
suggestion with the committee's reason."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org


class Congress(Scoped):
    """A session of the workers' congress (第几届第几次) of a union."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    term = models.PositiveSmallIntegerField(_("届"))
    session = models.PositiveSmallIntegerField(_("次"))
    title = models.CharField(_("名称"), max_length=120)
    opens_on = models.DateField(_("开会日期"))
    # Composition rules (seed 002 §3.3; defaults from the law's practice).
    frontline_min = models.DecimalField(max_digits=4, decimal_places=3, default=0.5)
    managers_max = models.DecimalField(max_digits=4, decimal_places=3, default=0.2)
    seconders = models.PositiveSmallIntegerField(_("附议人数"), default=2)
    second_days = models.PositiveSmallIntegerField(_("附议期限（天）"), default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-term", "-session", "-pk"]
        constraints = [models.UniqueConstraint(fields=["org", "term", "session"], name="congress_once")]

    def __str__(self) -> str:
        return self.title


class Category(models.TextChoices):
    FRONTLINE = "frontline", _("一线职工")
    TECHNICAL = "technical", _("专业技术人员")
    MANAGER = "manager", _("中高层管理人员")
    OTHER = "other", _("其他")


class Representative(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the congress's
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="representatives")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    delegation = models.CharField(_("代表团"), max_length=60)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)

    class Meta:
        ordering = ["delegation", "pk"]
        constraints = [models.UniqueConstraint(fields=["congress", "member"], name="representative_once")]


class ProposalStatus(models.TextChoices):
    SECONDING = "seconding", _("征集附议")
    SUBMITTED = "submitted", _("待审查")
    ACCEPTED = "accepted", _("已立案")
    SUGGESTION = "suggestion", _("转为建议")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class ProposalRating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    NOT = "not", _("不满意")


class Proposal(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the congress's
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="proposals")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(Representative, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("案由"), max_length=120)
    body = models.TextField(_("理由和办法"), max_length=5000)
    status = models.CharField(max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SECONDING)
    second_until = models.DateTimeField()
    reason = models.TextField(_("审查意见"), max_length=2000, blank=True)
    departments = models.CharField(_("承办部门"), max_length=200, blank=True)
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    answer = models.TextField(_("答复"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField(max_length=12, choices=ProposalRating.choices, blank=True)
    sent_back = models.BooleanField(default=False)
    workdays = models.PositiveSmallIntegerField(_("办理期限（工作日）"), default=15)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="proposal_number_once")]


class ProposalStep(Scoped):
    """One department's share of an accepted proposal (承办): it answers by `due_on`, counted in
    working days on the union's calendar. A proposal sent back by its proposer starts a second
    round for the same departments."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the proposal's
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField(default=1)
    department = models.CharField(_("承办部门"), max_length=50)
    due_on = models.DateField(_("答复期限"))
    answer = models.TextField(_("承办意见"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal_id", "round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round", "department"], name="proposal_step_once")
        ]


class Second(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="seconds")
    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "representative"], name="second_once")]


class PollKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTI = "multi", _("多选")
    ITEMS = "items", _("逐项表决")


class Electorate(models.TextChoices):
    CONGRESS = "congress", _("职代会代表")
    MEMBERS = "members", _("会员")


class Majority(models.TextChoices):
    ALL_MEMBERS = "all_members", _("超过应到人数的一半")
    VOTES_CAST = "votes_cast", _("超过实到人数的一半")


class Poll(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("表决事项"), max_length=160)
    kind = models.CharField(max_length=8, choices=PollKind.choices)
    options = models.JSONField()  # the choices (single, multi) or the items (items)
    max_choices = models.PositiveSmallIntegerField(default=1)
    electorate = models.CharField(max_length=10, choices=Electorate.choices)
    congress = models.ForeignKey(
        Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="polls"
    )
    audience = models.JSONField(default=dict, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    quorum = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.VOTES_CAST)
    frozen_at = models.DateTimeField(null=True, blank=True)  # the voter list taken
    paper = models.JSONField(default=dict, blank=True)  # {"voters": n, "counts": {...}, "tellers": [..]}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]


class Voter(Scoped):
    """Who may vote in a poll, and whether they have: no time, nothing of the ballot."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the poll's
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="voter_once")]


class Ballot(Scoped):
    """What was chosen, under a random id. No voter, no time: `receipt` is the SHA-256 of the
    random receipt its voter was given once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the poll's
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choices = models.JSONField()
    receipt = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]


class MatterKind(models.TextChoices):
    DELIBERATION = "deliberation", _("审议通过")
    NEGOTIATION = "negotiation", _("协商签订")
    DISCLOSURE = "disclosure", _("公开告知")


class Matter(Scoped):
    """A matter of the members' interest on its track (F2): the steps its kind requires, in
    order, each recorded with its minutes or attachment; the vote a step needs; the answer owed
    to the members by a date."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    congress = models.ForeignKey(
        Congress, null=True, blank=True, on_delete=models.SET_NULL, related_name="matters"
    )
    kind = models.CharField(_("类型"), max_length=14, choices=MatterKind.choices)
    title = models.CharField(_("事项"), max_length=160)
    summary = models.TextField(_("说明"), max_length=5000, blank=True)
    done_steps = models.PositiveSmallIntegerField(default=0)
    poll = models.ForeignKey(Poll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class MatterStep(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20)
    note = models.TextField(_("纪要"), max_length=10000)
    attachment = models.FileField(upload_to="matters/", blank=True)
    done_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["matter", "step"], name="matter_step_once")]


class SuggestionStatus(models.TextChoices):
    RECEIVED = "received", _("已收到")
    ASSESSED = "assessed", _("已评估")
    ADOPTED = "adopted", _("已采纳")
    REJECTED = "rejected", _("未采纳")
    IMPLEMENTED = "implemented", _("已实施")


class Suggestion(Scoped):
    """A rationalisation suggestion (合理化建议, F5). `anonymous`: other members see no name;
    staff always see who it is from (to reward it)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the author's union
    author = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("建议"), max_length=120)
    body = models.TextField(_("内容"), max_length=5000)
    anonymous = models.BooleanField(_("对其他会员匿名"), default=False)
    status = models.CharField(
        max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.RECEIVED
    )
    reason = models.TextField(_("评估意见"), max_length=2000, blank=True)
    value = models.DecimalField(
        _("评估价值（元/年）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reward = models.DecimalField(_("奖励（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    supports = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Support(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "member"], name="support_once")]


class Contract(Scoped):
    """A collective contract (集体合同, F4) of an enterprise union: its term, its clauses written as
    rules the platform checks, and the data items the enterprise must deliver for the checks."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("合同名称"), max_length=160)
    starts_on = models.DateField(_("生效日期"))
    ends_on = models.DateField(_("到期日期"))
    matter = models.ForeignKey("Matter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]


class ClauseKind(models.TextChoices):
    MINIMUM = "minimum", _("不低于")
    MAXIMUM = "maximum", _("不超过")
    FORMULA = "formula", _("计算式")
    MONTHLY = "monthly", _("按月发放")


class Clause(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("条款"), max_length=2000)
    kind = models.CharField(max_length=10, choices=ClauseKind.choices)
    rule = models.JSONField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="clause_number_once")]


class DataItem(Scoped):
    """A figure the enterprise delivers: per month or per quarter, by `due_days` after the period."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=40)
    name = models.CharField(_("数据项"), max_length=80)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    monthly = models.BooleanField(_("按月报送"), default=False)
    due_days = models.PositiveSmallIntegerField(_("期满后几天内报送"), default=15)
    # A figure the platform computes from its own records (core.sources), not the enterprise.
    source = models.CharField(_("数据来源"), max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "code"], name="data_item_once")]

    @property
    def source_label(self) -> str:
        from unionhome.core.sources import SOURCES

        return str(SOURCES[self.source][0]) if self.source in SOURCES else self.source


class Delivery(Scoped):
    """One delivered figure: the item, its period ("2026-07" or "2026Q3"), the value, and for a
    payment the day it was paid; kept as delivered (a correction is a new delivery)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(DataItem, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(max_length=7)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    paid_on = models.DateField(null=True, blank=True)
    delivered_at = models.DateTimeField()
    platform = models.BooleanField(default=False)  # computed from the platform's records: never late

    class Meta:
        ordering = ["item", "period", "-delivered_at", "-pk"]


class Verdict(models.TextChoices):
    COMPLIANT = "compliant", _("符合")
    NOT_COMPLIANT = "not_compliant", _("不符合")
    DATA_MISSING = "data_missing", _("缺少数据")
    DATA_LATE = "data_late", _("数据逾期报送")


class CheckResult(Scoped):
    """A clause's verdict for a quarter; an exception opens a review (异常复议) with an owner and a
    deadline."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="results")
    quarter = models.CharField(max_length=6)  # 2026Q3
    verdict = models.CharField(max_length=14, choices=Verdict.choices)
    detail = models.CharField(max_length=500)
    checked_at = models.DateTimeField()
    review_owner = models.CharField(_("复议责任人"), max_length=60, blank=True)
    review_due = models.DateField(null=True, blank=True)
    review_closed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("复议结论"), max_length=2000, blank=True)

    class Meta:
        ordering = ["clause__number"]
        constraints = [models.UniqueConstraint(fields=["clause", "quarter"], name="check_result_once")]


class TopicKind(models.TextChoices):
    """The negotiation topics of platform workers (seed 002 §4.3)."""

    DISPATCH = "dispatch", _("派单规则")
    COMMISSION = "commission", _("抽成比例")
    OVERTIME = "overtime", _("超时判定")
    APPEAL = "appeal", _("申诉复核")
    REST = "rest", _("休息安排")
    PENALTY = "penalty", _("奖惩口径")


class NegotiationItem(Scoped):
    """An item of the negotiation list, grouping the riders' and drivers' issues of one topic;
    it can become a matter on the register (F2), whose signing can become a clause (F4)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=TopicKind.choices)
    title = models.CharField(_("协商事项"), max_length=160)
    summary = models.TextField(_("说明"), max_length=5000, blank=True)
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    clause = models.ForeignKey("Clause", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Topic(Scoped):
    """An issue a platform worker raises under one of the six topics; others support it."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the author's union
    author = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("议题类别"), max_length=12, choices=TopicKind.choices)
    title = models.CharField(_("议题"), max_length=120)
    body = models.TextField(_("具体情况"), max_length=3000)
    supports = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(
        NegotiationItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-supports", "-created_at", "-pk"]


class TopicSupport(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "member"], name="topic_support_once")]
