"""The documents of each business stage, written as their real forms are (title, field lines,
clauses), for one customer."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Callable


from sample_archive.customers import People
from sample_archive.domain import (APPLIANCES, CHANGE_KINDS, COMPANY, CONTRACT_CLAUSES,
                                   DISPATCH_TEXT, HAZARD_STATUSES_OPEN, HAZARDS, HV_EQUIPMENT,
                                   INSPECTION_KINDS, PROCESS_FORMS, REFERENCE_DAY, SETTLEMENT_TEXT,
                                   STAGE_GAP_DAYS, STAGES, SUBFOLDERS, VIOLATIONS, Customer, Doc,
                                   Hazard, after, cn_date, day_between)


class Forms:
    """Builds the documents a customer's business history leaves, one method per family."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.rng = people.rng

    # -- shared pieces

    def ident(self, c: Customer, day: date, phone: bool = True) -> list[tuple[str, str]]:
        fields = [("户号", c.number), ("户名", c.name_on(day)), ("用电地址", c.address)]
        return fields + [("联系电话", c.phone)] if phone else fields

    def supply(self, c: Customer) -> list[tuple[str, str]]:
        fields = [("电压等级", c.voltage), ("合同容量", c.capacity_text)]
        return fields + [("变压器型号", "、".join(c.transformers))] if c.transformers else fields

    def signer(self, c: Customer, day: date) -> str:
        return c.name_on(day) if c.is_person else c.contact

    # -- 业扩 (connection)

    def connection(self, c: Customer) -> list[Doc]:
        """YK documents along the business stages of the customer's class."""
        builders: dict[str, Callable[[Customer, date], Doc | list[Doc]]] = {
            "YK01": self.application, "YK02": self.identity, "YK03": self.property_proof,
            "YK04": self.approval, "YK05": self.equipment_list, "YK07": self.scheme,
            "YK11": self.contract, "YK12": self.annexes, "YK13": self.metering,
            **{code: partial(self.process_form, code=code) for code in PROCESS_FORMS},
        }
        docs: list[Doc] = []
        day = c.applied
        for code in STAGES[c.category]:
            day = after(self.rng, day, *STAGE_GAP_DAYS.get(code, (0, 0)))
            built = builders[code](c, day)
            docs.extend(built if isinstance(built, list) else [built])
        return docs

    def application(self, c: Customer, day: date) -> Doc:
        kind = "新装" if self.rng.random() < 0.85 else "增容"
        fields = [("申请类型", kind), *self.ident(c, day), ("证件号码", c.id_on(day)),
                  ("用电类别", c.usage), ("申请容量", c.capacity_text), ("电压等级", c.voltage), ("申请日期", cn_date(day))]
        body = ["申请人承诺：以上填写内容及所提供的资料真实、有效，并愿意遵守国家有关供用电的法律法规及供电企业的相关规定。"]
        stem = "用电申请书" if self.rng.random() < 0.7 else "用电登记表"
        return Doc("YK01", stem, day, fields, body, sign=[("申请人签字", self.signer(c, day))], stem=stem)

    def identity(self, c: Customer, day: date, folder: str = "") -> Doc:
        name = c.name_on(day)
        if c.is_person:
            fields = [("证件类型", "居民身份证"), ("姓名", name), ("证件号码", c.id_on(day)), ("住址", c.address),
                      ("签发机关", "临江县公安局")]
            stem = self.rng.choice(("身份证明", "身份证复印件"))
        else:
            fields = [("证件类型", "营业执照（副本）"), ("名称", name), ("证件号码", c.id_number),
                      ("法定代表人", c.contact), ("住所", c.address), ("类型", "有限责任公司")]
            stem = self.rng.choice(("身份证明", "营业执照副本"))
        fields = [("户号", c.number), ("户名", name), *fields]
        body = [f"复印件与原件一致，仅供办理用电业务使用。核对日期：{cn_date(day)}"]
        return Doc("YK02", "身份证明", day, fields, body, stem=stem, folder=folder)

    def property_proof(self, c: Customer, day: date) -> Doc:
        if self.rng.random() < 0.2:  # 一证受理: a promise instead of the property proof
            body = [f"本人（单位）承诺对用电地址{c.address}拥有合法使用权，相关权属证明资料在送电前补齐。"
                    "如因权属问题引起纠纷，由本人（单位）承担全部责任。"]
            return Doc("YK03", "客户承诺书", day, self.ident(c, day), body,
                       sign=[("承诺人签字", self.signer(c, day)), ("日期", cn_date(day))], stem="客户承诺书")
        use = "住宅" if c.is_person else ("工业" if c.usage == "大工业" else "商业服务")
        fields = [*self.ident(c, day, phone=False), ("权利人", c.name_on(day)), ("坐落", c.address),
                  ("不动产权证号", f"浙（{day.year - self.rng.randint(0, 8)}）临江县不动产权第{self.rng.randint(1, 99999):07d}号"),
                  ("用途", use), ("面积", f"{self.rng.randint(60, 9000)}平方米")]
        return Doc("YK03", "用电地址权属证明", day, fields, ["附：不动产权证书复印件一份。"],
                   stem=self.rng.choice(("用电地址权属证明", "产权证明")))

    def approval(self, c: Customer, applied: date) -> Doc:
        """项目批文, issued some weeks before the application."""
        day = applied - timedelta(days=self.rng.randint(20, 90))
        product = self.rng.choice(("技术改造", "扩建", "新建厂房", "节能改造"))
        fields = [("户号", c.number), ("户名", c.name_on(day)), ("文号", f"临发改备〔{day.year}〕{self.rng.randint(10, 199)}号"),
                  ("项目名称", f"{c.name_on(day)}{product}项目"), ("建设地点", c.address)]
        body = [f"经审查，该项目符合国家产业政策，同意备案。项目新增用电容量{c.capacity_text}，请按规定办理用电报装手续。",
                f"临江县发展和改革局　{cn_date(day)}"]
        return Doc("YK04", "项目批文", day, fields, body, stem="项目批文")

    def equipment_list(self, c: Customer, day: date) -> Doc:
        rows = [("序号", "设备名称", "型号", "数量", "容量")]
        if c.transformers:
            items = [("电力变压器", m, "1台", f"{m.split('-')[-1].split('/')[0]}kVA") for m in c.transformers]
            items += [(n, m, f"{self.rng.randint(2, 8)}{u}", "—") for n, m, u in HV_EQUIPMENT]
        else:
            counts = [(item, self.rng.randint(1, 4)) for item in self.rng.sample(APPLIANCES, 4)]
            items = [(n, m, f"{k}{u}", f"{kw * k}kW") for (n, m, u, kw), k in counts]
        rows += [(str(i), *item) for i, item in enumerate(items, 1)]
        return Doc("YK05", "用电设备清单", day, [*self.ident(c, day, phone=False), *self.supply(c)], rows=rows,
                   sign=[("填报人", self.signer(c, day)), ("填报日期", cn_date(day))])

    def process_form(self, c: Customer, day: date, code: str) -> Doc:
        """现场勘查单, 设计审查意见书, 中间检查记录, 竣工检验意见单: date, staff and a conclusion."""
        title, date_label, staff_label, opinion_label, opinions = PROCESS_FORMS[code]
        opinion = self.rng.choice(opinions).format(source=c.source, cap=c.capacity_text)
        fields = [*self.ident(c, day), *self.supply(c), (date_label, cn_date(day)),
                  (staff_label, self.people.inspectors(c.unit)), (opinion_label, opinion)]
        return Doc(code, title, day, fields, sign=[("客户签字", self.signer(c, day))])

    def scheme(self, c: Customer, day: date) -> Doc:
        metering = self.rng.choice(("高供高计", "高供低计")) if c.category == "高压" else "低供低计"
        fields = [*self.ident(c, day), *self.supply(c), ("供电电源", c.source), ("计量方式", metering),
                  ("产权分界点", c.boundary), ("答复日期", cn_date(day)), ("方案有效期", "一年")]
        body = ["请客户在方案有效期内委托有资质的设计、施工单位开展受电工程建设，逾期需重新办理。"]
        return Doc("YK07", "供电方案答复单", day, fields, body, sign=[("客户签收", self.signer(c, day))])

    def contract(self, c: Customer, day: date) -> Doc:
        years = 3 if c.category == "高压" else 5
        end = date(day.year + years, day.month, min(day.day, 28)) - timedelta(days=1)
        number = f"LJGD-{day.year}-{'GY' if c.category == '高压' else 'DY'}-{self.rng.randint(1, 9999):05d}"
        fields = [("合同编号", number), ("供电人", COMPANY), ("用电人", c.name_on(day)), *self.ident(c, day),
                  ("用电类别", c.usage), *self.supply(c), ("有效期", f"{cn_date(day)}至{cn_date(end)}")]
        sign = [("供电人（盖章）", COMPANY), ("用电人（签章）", c.name_on(day)), ("签订日期", cn_date(day))]
        return Doc("YK11", "供用电合同", day, fields, contract_clauses(c, day, years), sign=sign,
                   sign_page=c.category == "高压")

    def annexes(self, c: Customer, day: date) -> list[Doc]:
        """电费结算协议, plus 电力调度协议 for 35kV and above."""
        bank = self.rng.choice(("中国工商银行临江支行", "中国农业银行临江支行", "临江农村商业银行"))
        account = f"62{self.rng.randint(0, 10**17 - 1):017d}"
        fields = [*self.ident(c, day), ("结算方式", self.rng.choice(("每月抄表后结算", "分次结算，月末抄表清算"))),
                  ("付费方式", self.rng.choice(("银行代扣", "预付费", "柜台缴费"))), ("开户银行", bank), ("银行账号", account)]
        docs = [Doc("YK12", "电费结算协议", day, fields, [SETTLEMENT_TEXT], sign=[("签订日期", cn_date(day))])]
        if c.voltage in ("35kV", "110kV"):
            dispatch = [*self.ident(c, day), ("调度关系", "临江县电力调度控制中心"), ("调度联系人", c.contact)]
            docs.append(Doc("YK12", "电力调度协议", day, dispatch, [DISPATCH_TEXT], sign=[("签订日期", cn_date(day))]))
        return docs

    def metering(self, c: Customer, day: date) -> Doc:
        model = {"高压": "DTZ341", "低压非居民": "DTZY71", "低压居民": "DDZY71-Z"}[c.category]
        fields = [*self.ident(c, day), ("电压等级", c.voltage), ("电能表型号", model),
                  ("电能表资产编号", f"333000{self.rng.randint(0, 10**16 - 1):016d}"),
                  ("互感器变比", f"{self.rng.choice((50, 75, 100, 150, 200))}/5" if c.category != "低压居民" else "—"),
                  ("装表日期", cn_date(day)), ("装接人员", self.people.one_staff(c.unit))]
        return Doc("YK13", "装表接电工作单", day, fields, ["经检查接线正确，封印完好，已送电。"],
                   sign=[("客户签字", self.signer(c, day))])

    # -- 用电检查 (inspection)

    def inspections(self, c: Customer, connected: date) -> list[Doc]:
        """Periodic inspections; a found hazard leads to a notice, sometimes closed by a receipt."""
        start = max(date(2019, 1, 1), connected + timedelta(days=30))
        if c.category == "低压居民" or start >= REFERENCE_DAY:
            return []
        days = sorted({day_between(self.rng, start, REFERENCE_DAY) for _ in range(self.rng.randint(1, 3))})
        docs: list[Doc] = []
        for day in days:
            hazard = self.rng.choice([h for h in HAZARDS if c.category in h.scope]) if self.rng.random() < 0.4 else None
            docs.append(self.inspection(c, day, hazard))
            if hazard:
                docs.extend(self.hazard_followup(c, day, hazard))
        return docs

    def inspection(self, c: Customer, day: date, hazard: Hazard | None) -> Doc:
        result = f"发现安全隐患，{hazard.finding}" if hazard else "未发现安全隐患"
        handling = "已当场告知客户，并下达隐患整改通知书" if hazard else "无"
        fields = [*self.ident(c, day), *self.supply(c), ("检查类型", self.rng.choice(INSPECTION_KINDS)),
                  ("检查日期", cn_date(day)), ("检查人员", self.people.inspectors(c.unit)),
                  ("检查内容", "受电设施运行状况、安全用电管理、计量装置、自备电源及反送电措施"),
                  ("检查结果", result), ("处理意见", handling)]
        return Doc("JC01", "用电检查工作单", day, fields, sign=[("客户签字", self.signer(c, day))])

    def hazard_followup(self, c: Customer, inspected: date, hazard: Hazard) -> list[Doc]:
        issued = after(self.rng, inspected, 0, 3)
        deadline = after(self.rng, issued, 15, 60)
        closed = self.rng.random() < 0.55 and deadline < REFERENCE_DAY
        status = "已整改" if closed else ("逾期" if deadline < REFERENCE_DAY and self.rng.random() < 0.7
                                       else self.rng.choice(HAZARD_STATUSES_OPEN))
        number = f"JCZG-{issued.year}-{self.rng.randint(1, 999):04d}"
        fields = [("通知书编号", number), *self.ident(c, issued), ("检查日期", cn_date(inspected)),
                  ("隐患内容", hazard.finding), ("整改要求", hazard.demand), ("整改期限", cn_date(deadline)),
                  ("整改状态", status)]
        body = ["根据《电力供应与使用条例》及《用电检查管理办法》的规定，请你单位在整改期限内完成整改，并将整改情况书面回复。"]
        docs = [Doc("JC03", "隐患整改通知书", issued, fields, body, sign=[("客户签收", self.signer(c, issued))])]
        if closed and self.rng.random() < 0.9:  # now and then the receipt never reached the archive
            docs.append(self.receipt(c, issued, deadline, hazard, number))
        return docs

    def receipt(self, c: Customer, issued: date, deadline: date, hazard: Hazard, number: str) -> Doc:
        reviewed = min(after(self.rng, issued, 7, (deadline - issued).days + 10), REFERENCE_DAY)
        fields = [*self.ident(c, reviewed), ("原通知书编号", number), ("隐患内容", hazard.finding),
                  ("整改情况", f"已按要求{hazard.demand}"), ("整改状态", "已整改"), ("复查日期", cn_date(reviewed)),
                  ("复查人员", self.people.inspectors(c.unit)), ("复查结论", "整改合格")]
        return Doc("JC05", "整改回执", reviewed, fields, sign=[("客户签字", self.signer(c, reviewed))])

    def violation(self, c: Customer, connected: date) -> Doc:
        title, facts = self.rng.choice(VIOLATIONS)
        day = day_between(self.rng, max(connected, date(2019, 1, 1)), REFERENCE_DAY)
        back_pay = round(self.rng.uniform(300, 30000), 2)
        fields = [*self.ident(c, day), ("检查日期", cn_date(day)), ("检查人员", self.people.inspectors(c.unit)),
                  ("违约事实", facts), ("追补电费", f"{back_pay:.2f}元"), ("违约使用电费", f"{back_pay * 3:.2f}元"),
                  ("缴纳期限", cn_date(day + timedelta(days=15)))]
        body = ["依据《供电营业规则》有关规定，请于缴纳期限内到供电营业厅办理相关手续，逾期将依法处理。"]
        return Doc("JC04", title, day, fields, body, sign=[("客户签收", self.signer(c, day))])

    # -- 变更 (changes) and 电费 (billing)

    def changes(self, c: Customer, connected: date) -> list[Doc]:
        docs: list[Doc] = []
        if c.renamed:
            docs += self.change(c, "BG07", c.renamed)
            docs.append(self.identity(c, c.renamed, folder=SUBFOLDERS["BG"]))
        for code, chance in (("BG01", 0.1 if c.category == "高压" else 0.0),
                             ("BG02", 0.05 if c.category != "低压居民" else 0.0)):
            if self.rng.random() < chance and connected < REFERENCE_DAY - timedelta(days=60):
                docs += self.change(c, code, day_between(self.rng, connected, REFERENCE_DAY - timedelta(days=30)))
        return docs

    def change(self, c: Customer, code: str, day: date) -> list[Doc]:
        """A change's 申请书 and 工作单."""
        kind = CHANGE_KINDS[code]
        fields = [*self.ident(c, day), ("证件号码", c.id_on(day)), ("变更类型", kind), *self.supply(c)]
        if code == "BG07":
            fields += [("原户名", c.former_name), ("新户名", c.name)]
        else:
            end = after(self.rng, day, 180, 360)
            fields += [(f"{kind}期限", f"{cn_date(day)}至{cn_date(end)}")]
        finished = after(self.rng, day, 2, 10)
        work = [*self.ident(c, finished), ("变更类型", kind), ("受理日期", cn_date(day)),
                ("完成日期", cn_date(finished)), ("经办人员", self.people.one_staff(c.unit))]
        return [Doc(code, f"{kind}申请书", day, fields, sign=[("申请人签字", self.signer(c, day))]),
                Doc(code, f"{kind}工作单", finished, work, ["已按申请完成变更，营销系统档案同步更新。"])]

    def bills(self, c: Customer) -> list[Doc]:
        if self.rng.random() >= 0.15:
            return []
        price = {"居民生活": 0.538, "一般工商业": 0.664, "大工业": 0.612, "农业生产": 0.471}[c.usage]
        docs = []
        for _ in range(self.rng.randint(1, 2)):
            day = day_between(self.rng, date(2024, 1, 5), REFERENCE_DAY)
            kwh = self.rng.randint(80, 900) * (40 if c.category == "高压" else 1)
            fields = [*self.ident(c, day), ("计费月份", f"{day.year}年{day.month}月"), ("抄见电量", f"{kwh}千瓦时"),
                      ("电价", f"{price}元/千瓦时"), ("电费金额", f"{kwh * price:.2f}元"),
                      ("缴费截止日期", cn_date(day + timedelta(days=20)))]
            docs.append(Doc("DF01", "电费通知单", day, fields, ["请按时缴纳电费，逾期将按规定收取电费违约金。"]))
        return docs

    def history(self, c: Customer) -> list[Doc]:
        """Everything the customer's archive holds, with ~5% missing one required document."""
        docs = self.connection(c)
        connected = max(d.day for d in docs)
        docs += self.inspections(c, connected) + self.changes(c, connected) + self.bills(c)
        if self.rng.random() < 0.03:
            docs.append(self.violation(c, connected))
        if self.rng.random() < 0.05:
            required = [d for d in docs if d.code in STAGES[c.category] and d.folder == ""]
            docs.remove(self.rng.choice(required))
        return docs


def cn_numeral(n: int) -> str:
    """Chinese numeral for 1..99 (十二, 二十)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = ("" if tens == 1 else digits[tens]) + "十" if tens else ""
    return head + (digits[ones] if ones or not tens else "")


def contract_clauses(c: Customer, day: date, years: int) -> list[str]:
    """The numbered clauses of a 供用电合同; high-voltage contracts carry more."""
    values = {"address": c.address, "usage": c.usage, "capacity": c.capacity_text, "voltage": c.voltage,
              "years": years, "start": cn_date(day), "boundary": c.boundary}
    chosen = [(head, text) for head, text, hv_only in CONTRACT_CLAUSES if c.category == "高压" or not hv_only]
    clauses = [f"第{cn_numeral(i)}条　{head}。{text.format(**values)}" for i, (head, text) in enumerate(chosen, 1)]
    return clauses + ["（以下无正文）"]


