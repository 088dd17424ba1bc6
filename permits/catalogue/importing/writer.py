"""Writing a validated permit file into a draft edition: bulk creates and updates in batches, with history.

A file may be sparse: a blank cell keeps the stored value and （清空） clears it (the kernel's
`cells_merge`); a blank 申请材料 cell keeps every material, a filled one replaces them. The preview
lists every changed field old → new and every cleared one.
"""
from permits.models import EDITABLE_STATUSES, EditionStatus, HandlingItem, Material, PermitCatalogue, PermitItem, SubItem

from permits.catalogue import rules
from permits.catalogue.importing.columns import HEADER, ITEM_FIELDS, SUB_FIELDS
from permits.kernel.access.scope import user_departments
from permits.kernel.history import rows_create, rows_update
from permits.kernel.importing.cells import FieldChange, cells_merge, values_apply
from permits.kernel.importing.errors import ImportFailed, ImportProblem

BATCH = 500
MATERIAL_FIELDS = ("name", "required", "form", "copies", "source", "notes")
# What a new row must have; an existing row keeps its value when the cell is blank.
REQUIRED_NEW = {PermitItem: ("name", "department"), SubItem: ("name",), HandlingItem: ("name",)}
NAME_HEADER = {PermitItem: HEADER["item_name"], SubItem: HEADER["sub_name"], HandlingItem: HEADER["handling_name"]}


class PermitWriter:
    """Mixin of PermitImporter: `self.items`, `self.subs`, `self.handlings` hold the validated file."""

    def check_target(self, target):
        super().check_target(target)
        status = PermitCatalogue._base_manager.select_for_update().filter(pk=target.pk).values_list(
            "status", flat=True).first()
        if status not in EDITABLE_STATUSES:
            raise ImportFailed([ImportProblem(None, None, f"《{target}》不是草稿，不能导入；请复制为新草稿后再导入。")])

    def build(self, records, target, summary):
        items = self.write_items(target, summary)
        subs = self.write_subs(target, items, summary)
        self.write_handlings(target, subs, summary)

    def _preview(self, summary, level, action, code, name, row, changes=()):
        summary.preview.append({"row": row, "level": level, "action": action, "code": code, "name": name,
                                "changed": list(dict.fromkeys(c.label for c in changes)), "changes": list(changes)})

    def _missing(self, model, level, values, row):
        for name in REQUIRED_NEW[model]:
            if values.get(name) in (None, ""):
                header = NAME_HEADER[model] if name == "name" else HEADER["department"]
                self.problem(row, header, f"新增的{level}不能为空")

    def _upsert(self, model, target, level, rows, summary, existing):
        """Create or merge rows of `model` by code; `rows` yields (code, cells, file row, values of a new row).
        Returns code → row."""
        new, dirty, fields = [], [], set()
        for code, cells, row, fresh in rows:
            obj = existing.get(code)
            if obj is None:
                values, _ = cells_merge(model, None, cells)
                self._missing(model, level, values, row)
                new.append(model(edition=target, code=code, **fresh(), **values))
                self._preview(summary, level, "新增", code, values.get("name", ""), row)
                continue
            values, changes = cells_merge(model, obj, cells)
            if changes:
                fields.update(values_apply(obj, values))
                dirty.append(obj)
                self._preview(summary, level, "更新", code, obj.name, row, changes)
        rows_create(new, model, batch_size=BATCH, user=self.user, history=not summary.dry_run)
        if dirty:
            rows_update(dirty, sorted(fields), model, batch_size=BATCH, user=self.user, history=not summary.dry_run)
        _count(summary, level, new, dirty)
        existing.update({obj.code: obj for obj in new})
        return _with_pks(existing, model, target)

    def write_items(self, target, summary):
        existing = {obj.code: obj for obj in PermitItem.objects.filter(edition=target)}
        allowed = user_departments(self.user) if self.user is not None else None
        next_seq = max((obj.seq for obj in existing.values()), default=0)

        def rows():
            nonlocal next_seq
            for code, data in self.items.items():
                cells = {ITEM_FIELDS[k]: v for k, v in data["values"].items()}
                cells["department"] = data["department"]
                seq = data.get("seq")
                cells["seq"] = seq if isinstance(seq, int) else None
                old = existing.get(code)
                if old is not None and data["department"] is None and allowed is not None \
                        and old.department_id not in allowed:
                    self.problem(data["row"], HEADER["department"], f"您无权导入事项“{code}”所属部门的内容")
                if old is None and cells["seq"] is None:
                    next_seq += 1
                    cells["seq"] = next_seq
                yield code, cells, data["row"], dict
        return self._upsert(PermitItem, target, "事项", rows(), summary, existing)

    def write_subs(self, target, items, summary):
        existing = {obj.code: obj for obj in SubItem.objects.filter(edition=target)}
        order = _last_seq(existing.values(), "item_id")

        def rows():
            for code, data in self.subs.items():
                item = items[data["item_code"]]
                cells = {SUB_FIELDS[k]: v for k, v in data["values"].items()}

                def fresh(item=item):
                    order[item.pk] = order.get(item.pk, 0) + 1
                    return {"seq": order[item.pk], "item_id": item.pk, "item_prefix": rules.item_prefix(item.code)}
                yield code, cells, data["row"], fresh
        return self._upsert(SubItem, target, "子项", rows(), summary, existing)

    def write_handlings(self, target, subs, summary):
        existing = {h.code: h for h in HandlingItem.objects.filter(edition=target)}
        old_materials = {}
        if existing:
            for m in Material.objects.filter(handling_item__edition=target).order_by("seq", "pk"):
                old_materials.setdefault(m.handling_item_id, []).append(_material_dict(m))
        order = _last_seq(existing.values(), "sub_item_id")
        new, dirty, fields = [], [], set()
        replace = []  # (handling object, materials) whose materials are written anew
        for code, data in self.handlings.items():
            sub = subs[data["sub_code"]]
            obj = existing.get(code)
            materials = data["materials"]
            if obj is None:
                values, changes = cells_merge(HandlingItem, None, data["values"])
                self._missing(HandlingItem, "业务办理项", values, data["row"])
                order[sub.pk] = order.get(sub.pk, 0) + 1
                obj = HandlingItem(edition=target, code=code, seq=order[sub.pk], sub_item_id=sub.pk,
                                   sub_item_code=sub.code, **values)
                new.append(obj)
                self._preview(summary, "业务办理项", "新增", code, values.get("name", ""), data["row"])
                if materials:
                    replace.append((obj, materials))
                final = materials or []
            else:
                values, changes = cells_merge(HandlingItem, obj, data["values"])
                if changes:
                    fields.update(values_apply(obj, values))
                    dirty.append(obj)
                before = old_materials.get(obj.pk, [])
                material_changes = [] if materials is None else materials_diff(before, materials)
                if material_changes:
                    replace.append((obj, materials))
                if changes or material_changes:
                    self._preview(summary, "业务办理项", "更新", code, obj.name, data["row"], changes + material_changes)
                final = before if materials is None else materials
            self.check_rules(obj, final, data["row"], summary)
        if self.problems:
            return
        rows_create(new, HandlingItem, batch_size=BATCH, user=self.user, history=not summary.dry_run)
        if dirty:
            rows_update(dirty, sorted(fields), HandlingItem, batch_size=BATCH, user=self.user, history=not summary.dry_run)
        _count(summary, "业务办理项", new, dirty)
        if any(obj.pk is None for obj in new):
            pks = dict(HandlingItem.objects.filter(edition=target).values_list("code", "pk"))
            for obj in new:
                obj.pk = obj.id = pks[obj.code]
        stale = [obj.pk for obj, _ in replace if obj.pk in old_materials]
        for start in range(0, len(stale), BATCH):
            Material.objects.filter(handling_item_id__in=stale[start:start + BATCH]).delete()
        rows = [Material(handling_item_id=obj.pk, seq=seq, **{k: m[k] for k in MATERIAL_FIELDS})
                for obj, materials in replace for seq, m in enumerate(materials, start=1)]
        Material.objects.bulk_create(rows, batch_size=1000)
        if rows:
            summary.add("申请材料", len(rows))

    def check_rules(self, handling, materials, row, summary):
        """The catalogue's rules on the merged row: an error stops the import, a warning is shown."""
        error = rules.promised_over_statutory(handling.statutory_days, handling.promised_days)
        if error:
            self.problem(row, HEADER["promised_days"], error)
        warning = rules.full_online_asks_originals(handling.online_depth, handling.visits,
                                                   [(m["name"], m["form"]) for m in materials])
        if warning:
            summary.warnings.append(ImportProblem(row, HEADER["materials"], warning))


def _material_dict(m):
    return {name: getattr(m, name) for name in MATERIAL_FIELDS}


def material_text(m):
    return "｜".join([m["name"], "必要" if m["required"] else "非必要", m["form"], f"{m['copies']}份",
                     m["source"], m["notes"]]).rstrip("｜")


def materials_diff(before, after):
    """FieldChanges between two material lists (matched by name), empty when they are the same."""
    if [tuple(m[k] for k in MATERIAL_FIELDS) for m in before] == [tuple(m[k] for k in MATERIAL_FIELDS) for m in after]:
        return []
    old = {m["name"]: m for m in before}
    new = {m["name"]: m for m in after}
    changes = []
    for name, m in new.items():
        if name not in old:
            changes.append(FieldChange("materials", f"申请材料“{name}”", "（无）", material_text(m)))
        elif material_text(old[name]) != material_text(m):
            changes.append(FieldChange("materials", f"申请材料“{name}”", material_text(old[name]), material_text(m)))
    for name, m in old.items():
        if name not in new:
            changes.append(FieldChange("materials", f"申请材料“{name}”", material_text(m), "", cleared=True))
    if not changes:  # same materials in another order
        changes.append(FieldChange("materials", "申请材料", "、".join(old), "、".join(new)))
    return changes


def _last_seq(rows, parent):
    last = {}
    for obj in rows:
        key = getattr(obj, parent)
        last[key] = max(last.get(key, 0), obj.seq)
    return last


def _count(summary, label, new, dirty):
    if new:
        summary.add(label, len(new))
    if dirty:
        summary.add(label, len(dirty), updated=True)


def _with_pks(by_code, model, target):
    """bulk_create sets pks on SQLite ≥ 3.35 and PostgreSQL; fetch them where it did not."""
    if any(obj.pk is None for obj in by_code.values()):
        pks = dict(model.objects.filter(edition=target).values_list("code", "pk"))
        for code, obj in by_code.items():
            obj.pk = obj.id = pks[code]
    return by_code
