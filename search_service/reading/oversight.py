"""Every oversight read and spot-check step for a user: scope, masking, one access-log record.

Follows :class:`search_service.reading.reader.ArchiveReader`: each method receives the user, works
only on the units the user may read (:func:`search_service.access.policy.readable_units` over the
unit tree), masks personal data unless the role sees it, and appends one record to the
access log before anything is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from search_service.access.audit import ALLOWED, DENIED, Event
from search_service.access.masking import masked_for
from search_service.access.policy import (Units, can_read_archives, can_spot_check, readable_units,
                                          role_label)
from search_service.access.users import User
from search_service.archive_room.rules import Rules, RulesError, load_rules, type_label
from search_service.errors import ForbiddenError, NotFoundError, QueryError, UnavailableError
from search_service.oversight import assessment, completeness, export, followup, spotcheck
from search_service.oversight.report_pdf import spot_check_pdf
from search_service.reading.reader import ArchiveReader

LIST_NAMES = tuple(followup.LISTS)


class RulesUnusableError(UnavailableError):
    code = "bad_rules"


class Oversight:
    """Oversight reads over the catalog for a user, beside the :class:`ArchiveReader`."""

    def __init__(self, reader: ArchiveReader, today: Callable[[], date] = date.today) -> None:
        self.reader = reader
        self.engine = reader.access.engine
        self.today = today

    # -- scope and rules --------------------------------------------------------------------

    def rules(self) -> Rules:
        try:
            return load_rules(self.reader.settings.resolved_root())
        except RulesError as exc:
            raise RulesUnusableError(exc.message) from exc

    def unit_tree(self) -> Units:
        return self.reader.access.units()

    def units(self, user: User, action: str, org: str = "") -> list[str] | None:
        """The units ``user`` works on: their scope, narrowed to ``org``'s subtree if given."""
        if not can_read_archives(user):
            self._log(user, action, DENIED, "role")
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能查看档案管理报表")
        tree = self.unit_tree()
        readable = readable_units(user, tree)
        if not org:
            return readable
        wanted = tree.subtree(org)
        if org not in tree or (readable is not None and org not in readable):
            self._log(user, action, DENIED, "out_of_scope", details={"org": org})
            raise NotFoundError(f"没有供电单位“{org}”，或不在您的权限范围内")
        return wanted

    # -- reports ----------------------------------------------------------------------------

    def overview(self, user: User, org: str = "") -> dict[str, Any]:
        """The numbers of 档案管理: completeness and each work list's length."""
        units = self.units(user, "oversight_view", org)
        rules, today = self.rules(), self.today()
        with self.engine.connect() as conn:
            code = assessment.latest_quarter(conn, units, today)
            quarter = assessment.parse_period(code)
            summary = completeness.summarize(completeness.statuses(conn, rules, units))
            contracts = followup.contracts(conn, rules, units, today)
            counts = {
                "hazards": len(followup.overdue_hazards(conn, units, today)),
                "contracts_expired": sum(r["state"] == followup.EXPIRED for r in contracts),
                "contracts_expiring": sum(r["state"] == followup.EXPIRING for r in contracts),
                "inspections": len(followup.overdue_inspections(conn, rules, units, today)),
                "late": len(followup.late_filings(conn, rules, units, quarter.start, today)),
            }
        body = {"org": org, "today": today.isoformat(),
                "quarter": code, "quarter_label": quarter.label,
                "current_quarter": code == assessment.current_quarter(today),
                "customers": summary.customers, "complete": summary.complete,
                "incomplete": summary.customers - summary.complete, "rate": summary.rate,
                "missing_by_type": [{"doc_type": code, "label": type_label(code), "count": n}
                                    for code, n in sorted(summary.missing_by_type.items())],
                "expiry_notice_days": rules.expiry_notice_days, **counts}
        self._log(user, "oversight_view", details={"report": "overview", "org": org})
        return body

    def work_list(self, user: User, name: str, org: str = "", period: str = "",
                  within_days: int | None = None, missing: str = "",
                  log: bool = True) -> dict[str, Any]:
        """One work list (``followup.LISTS``) in the user's scope."""
        if name not in followup.LISTS:
            raise NotFoundError(f"没有名为“{name}”的清单")
        units = self.units(user, "oversight_view", org)
        rows = self._rows(name, units, period, within_days, missing)
        if log:
            self._log(user, "oversight_view", details={
                "report": name, "org": org, "period": period, "count": len(rows),
                "accounts": sorted({r["account_no"] for r in rows})[:200]})
        work_list = followup.LISTS[name]
        return {"name": name, "title": work_list.title, "org": org, "period": period,
                "columns": [c.__dict__ for c in work_list.columns], "total": len(rows),
                "rows": self._masked(user, rows)}

    def _rows(self, name: str, units: list[str] | None, period: str,
              within_days: int | None, missing: str) -> list[dict[str, Any]]:
        rules, today = self.rules(), self.today()
        with self.engine.connect() as conn:
            if name == "incomplete":
                return [_incomplete_row(s) for s in completeness.statuses(conn, rules, units)
                        if s.missing and (not missing or missing in s.missing)]
            if name == "hazards":
                return followup.overdue_hazards(conn, units, today)
            if name == "contracts":
                return followup.contracts(conn, rules, units, today, within_days)
            if name == "inspections":
                return followup.overdue_inspections(conn, rules, units, today)
            window = assessment.parse_period(period) if period else None
            return followup.late_filings(conn, rules, units, window and window.start,
                                         window and window.as_of(today))

    def export_lists(self, user: User, names: list[str], org: str = "", period: str = "",
                     within_days: int | None = None, missing: str = "") -> bytes:
        """The named work lists as one Excel workbook (a sheet each)."""
        self.units(user, "oversight_export", org)  # a refusal is logged as an export
        lists = [self.work_list(user, name, org, period, within_days, missing, log=False)
                 for name in names]
        self._log(user, "oversight_export", details={
            "report": names, "org": org, "period": period, "within": within_days,
            "missing": missing, "counts": {body["name"]: body["total"] for body in lists}})
        return export.work_list_workbook([(followup.LISTS[b["name"]], b["rows"]) for b in lists])

    def assessment(self, user: User, period: str = "", org: str = "", with_trend: bool = True,
                   action: str = "oversight_view") -> dict[str, Any]:
        """Per-unit figures of ``period`` (default: the latest quarter with filings, see
        :func:`assessment.latest_quarter`), with the unit's trend."""
        units = self.units(user, action, org)
        today = self.today()
        rules = self.rules()
        with self.engine.connect() as conn:
            code = period or assessment.latest_quarter(conn, units, today)
            window = assessment.parse_period(code)
            report = assessment.assess(conn, rules, units, window, today)
            report["period_code"] = code.strip()
            if with_trend:
                report["trend"] = assessment.trend(conn, rules, units, window.as_of(today), today)
        report["org"] = org
        self._log(user, action, details={"report": "assessment", "org": org,
                                         "period": window.label})
        return report

    def export_assessment(self, user: User, period: str = "", org: str = "") -> bytes:
        report = self.assessment(user, period, org, with_trend=False, action="oversight_export")
        return export.assessment_workbook(report)

    # -- spot checks ------------------------------------------------------------------------

    def spot_checks(self, user: User) -> list[dict[str, Any]]:
        units = self.units(user, "spotcheck_view")
        with self.engine.connect() as conn:
            found = spotcheck.list_checks(conn, units)
        self._log(user, "spotcheck_view", details={"count": len(found)})
        return found

    def create_spot_check(self, user: User, org: str, size: int, seed: int | None = None,
                          stratified: bool = True) -> int:
        self._require_spot_check(user, "spotcheck_create")
        if not org:
            raise QueryError("请选择要抽查的供电单位")
        units = self.units(user, "spotcheck_create", org)
        with self.engine.begin() as conn:
            check_id = spotcheck.create(conn, self.rules(), org, units or [], size, user.name,
                                        seed, stratified)
            check = spotcheck.get(conn, check_id)
        self._log(user, "spotcheck_create", details={
            "spot_check": check_id, "org": org, "size": check["size"], "seed": check["seed"],
            "stratified": stratified, "accounts": [c["account_no"] for c in check["customers"]]})
        return check_id

    def spot_check(self, user: User, check_id: int) -> dict[str, Any]:
        check = self._check_in_scope(user, check_id, "spotcheck_view")
        self._log(user, "spotcheck_view", details={"spot_check": check_id})
        return self._masked_check(user, check)

    def record(self, user: User, check_id: int, account_no: str, item: str, result: str,
               note: str = "") -> dict[str, int]:
        """Mark a manual item; the check's counts after it (items pending, customers passed)."""
        self._require_spot_check(user, "spotcheck_record")
        self._check_in_scope(user, check_id, "spotcheck_record")
        with self.engine.begin() as conn:
            spotcheck.record(conn, check_id, account_no, item, result, note, user.name)
            check = spotcheck.get(conn, check_id)
        self._log(user, "spotcheck_record", target_account=account_no, details={
            "spot_check": check_id, "item": item, "result": result})
        return {"pending": check["pending"], "passed": check["passed"]}

    def finish(self, user: User, check_id: int) -> dict[str, Any]:
        self._require_spot_check(user, "spotcheck_finish")
        self._check_in_scope(user, check_id, "spotcheck_finish")
        with self.engine.begin() as conn:
            spotcheck.finish(conn, check_id, user.name)
            check = spotcheck.get(conn, check_id)
        self._log(user, "spotcheck_finish", details={
            "spot_check": check_id, "passed": check["passed"], "size": check["size"]})
        return self._masked_check(user, check)

    def report_pdf(self, user: User, check_id: int) -> bytes:
        check = self._check_in_scope(user, check_id, "spotcheck_report")
        if not check["finished"]:
            raise spotcheck.SpotCheckClosedError("抽查尚未完成，完成后才能生成报告")
        self._log(user, "spotcheck_report", details={"spot_check": check_id})
        return spot_check_pdf(self._masked_check(user, check))

    def _check_in_scope(self, user: User, check_id: int, action: str) -> dict[str, Any]:
        readable = self.units(user, action)
        with self.engine.connect() as conn:
            try:
                check = spotcheck.get(conn, check_id)
            except NotFoundError:
                self._log(user, action, DENIED, "not_found", details={"spot_check": check_id})
                raise
        if readable is not None and check["org"] not in readable:
            self._log(user, action, DENIED, "out_of_scope", details={"spot_check": check_id})
            raise NotFoundError(f"没有编号为 {check_id} 的抽查")
        return check

    def _require_spot_check(self, user: User, action: str) -> None:
        if not can_spot_check(user):
            self._log(user, action, DENIED, "role")
            raise ForbiddenError(f"您的角色（{role_label(user.role)}）不能进行抽查")

    # -- helpers ----------------------------------------------------------------------------

    def _masked(self, user: User, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return masked_for(user, rows)

    def _masked_check(self, user: User, check: dict[str, Any]) -> dict[str, Any]:
        return masked_for(user, check)  # customers, titles, comments: all of it

    def _log(self, user: User, action: str, outcome: str = ALLOWED, reason: str = "",
             **fields: Any) -> None:
        self.reader.access.audit.append(Event.by(user, action, outcome=outcome, reason=reason,
                                                 **fields))


def _incomplete_row(status: completeness.CustomerStatus) -> dict[str, Any]:
    body = status.to_dict()
    body["customer_name"] = body.pop("name")
    body["required_count"] = len(status.required)
    body["present_count"] = len(status.required) - len(status.missing)
    body["missing_text"] = "、".join(body["missing_names"])
    return body
