"""How access-log records read to a person: reasons and details in Chinese.

The record keeps its machine values (``reason`` codes, ``details`` as canonical JSON, which
the hash covers); pages and exports show these labels instead.
"""

from __future__ import annotations

import json
from typing import Any

REASONS = {  # reason code -> why, as the auditor reads it
    "role": "角色无此权限", "out_of_scope": "超出可查阅范围", "not_found": "档案不存在",
    "disposed": "档案已销毁", "failed_file": "文件未能提取", "personal_data": "含个人敏感信息",
    "file_unavailable": "原文件无法读取", "no_page": "没有该页", "render_failed": "页面无法生成图像",
    "period_ended": "借阅期满", "same_person": "不能审批本人的申请",
    "unknown_user": "用户名不存在", "bad_password": "密码错误", "disabled": "账户已停用",
    "locked": "账户已锁定", "locked_now": "密码错误，账户被锁定", "locked_until": "账户锁定中",
    "expired": "会话已过期", "revoked": "令牌已吊销",
    "duty": "不属本人的管理职责（三员分立）", "self": "不能变更本人账户",
    "lookup_limit": "个人号码查询超过每小时上限", "rate_limited": "该地址登录失败次数过多",
}
DETAIL_KEYS = {  # details key -> label
    "q": "检索词", "filters": "筛选", "date_from": "起始日期", "date_to": "截止日期",
    "page": "页码", "pages": "页数", "total": "结果数", "accounts": "户号", "account": "户号",
    "count": "数量", "loan": "借阅单", "status": "状态", "requester": "申请人",
    "reason": "原因", "org": "单位", "name": "名称", "user": "用户", "role": "角色",
    "label": "名称", "token": "令牌", "file": "文件", "export": "导出文件",
    "export_sha256": "导出文件 SHA-256", "through_seq": "截至序号", "base_hash": "基准哈希",
    "path": "路径", "place": "位置", "paper_out": "实体档案借出", "masked": "遮蔽",
    "error": "错误", "documents": "档案数", "disposed": "已销毁", "batch": "批次",
    "report": "报表", "case": "抽查项", "spot_check": "抽查", "list": "清单",
    "ok": "结果正常", "checked": "已校验", "message": "说明", "purpose": "借阅目的",
    "days": "天数", "doc_ids": "档案编号", "original": "原件", "paper": "实体档案",
    "period": "期间", "counts": "条数", "within": "天内到期", "missing": "缺少的档案类别",
    "from": "原角色与单位", "to": "新角色与单位", "token_id": "令牌编号",
    "token_issued_by": "令牌签发人", "client_request_id": "客户端请求编号", "numbers": "号码",
    "lookup": "本小时第几次查询", "limit": "每小时上限", "failures": "连续失败次数",
    "loans": "借阅单（按所属单位）", "not_found": "未找到的户号或档案",
}
ROLE_KEYS = frozenset({"role", "from", "to"})  # details whose values name roles
VALUES = {  # machine values that name a report or list (search_service/oversight) -> label
    "overview": "档案管理总览", "assessment": "单位考核", "incomplete": "资料不齐全的客户",
    "hazards": "隐患逾期未整改", "contracts": "合同到期与过期", "inspections": "周期检查逾期",
    "late": "归档不及时的文件",
}


def reason_label(code: str) -> str:
    """The reason in Chinese; an unknown code as it is."""
    return REASONS.get(code, code)


def details_text(details: Any) -> str:
    """``{"q": "明远", "total": 3}`` → ``检索词：明远；结果数：3`` (empty values left out)."""
    if isinstance(details, str):
        details = json.loads(details) if details else {}
    parts = [f"{DETAIL_KEYS.get(key, key)}：{_roles(value) if key in ROLE_KEYS else _value(value)}"
             for key, value in details.items() if value not in ("", None, [], {})]
    return "；".join(parts)


def _roles(value: Any) -> str:
    """A role code (or a [role, unit] pair) with the role as its label (clerk → 营业员)."""
    from search_service.access.policy import role_label

    if isinstance(value, (list, tuple)):
        return "、".join(_roles(v) for v in value if v not in ("", None))
    return role_label(value) if isinstance(value, str) else _value(value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{DETAIL_KEYS.get(k, VALUES.get(k, k))}={_value(v)}"
                        for k, v in value.items() if v not in ("", None, [], {}))
    if isinstance(value, (list, tuple)):
        return "、".join(_value(v) for v in value)
    return VALUES.get(value, str(value)) if isinstance(value, str) else str(value)
