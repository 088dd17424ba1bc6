"""Writing a validated permit file into a draft edition: bulk creates and updates in batches."""
from permits.models import EDITABLE_STATUSES, HandlingItem, Material, PermitCatalogue, PermitItem, SubItem

from permits.kernel.importing.errors import ImportFailed, ImportProblem
from permits.catalogue.importing.columns import HANDLING_DEFAULTS, ITEM_FIELDS, SUB_FIELDS

BATCH = 500


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

    def _preview(self, summary, level, action, code, name, row, changed=()):
        summary.preview.append({"row": row, "level": level, "action": action, "code": code, "name": name,
                                "changed": [str(c) for c in changed]})

    def _apply(self, obj, values):
        changed = []
        for field, value in values.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed.append(field)
        return changed

    def _upsert(self, model, target, level, rows, summary):
        """Create or update rows of `model` by code; `rows` yields (code, values, file row). Returns code → row."""
        existing = {obj.code: obj for obj in model.objects.filter(edition=target)}
        new, dirty, fields = [], [], set()
        for code, values, row in rows:
            obj = existing.get(code)
            if obj is None:
                new.append(model(edition=target, code=code, **values))
                self._preview(summary, level, "新增", code, values.get("name", ""), row)
            else:
                changed = self._apply(obj, values)
                if changed:
                    dirty.append(obj)
                    fields.update(changed)
                    self._preview(summary, level, "更新", code, obj.name, row, _labels(model, changed))
        model.objects.bulk_create(new, batch_size=BATCH)
        if dirty:
            model.objects.bulk_update(dirty, sorted(fields), batch_size=BATCH)
        _count(summary, level, new, dirty)
        existing.update({obj.code: obj for obj in new})
        return _with_pks(existing, model, target)

    def write_items(self, target, summary):
        def rows():
            for ordinal, (code, data) in enumerate(self.items.items(), start=1):
                values = {ITEM_FIELDS[k]: v for k, v in data["values"].items()}
                values["department_id"] = data["department"].pk
                seq = data.get("seq")
                values["seq"] = seq if isinstance(seq, int) else ordinal
                yield code, values, data["row"]
        return self._upsert(PermitItem, target, "事项", rows(), summary)

    def write_subs(self, target, items, summary):
        def rows():
            order = {}
            for code, data in self.subs.items():
                item = items[data["item_code"]]
                order[item.code] = order.get(item.code, 0) + 1
                values = {SUB_FIELDS[k]: v for k, v in data["values"].items()}
                values.update(seq=order[item.code], item_id=item.pk, item_prefix=item.code[:11])
                yield code, values, data["row"]
        return self._upsert(SubItem, target, "子项", rows(), summary)

    def write_handlings(self, target, subs, summary):
        existing = {h.code: h for h in HandlingItem.objects.filter(edition=target)}
        old_materials = {}
        if "materials" in self.present and existing:
            for m in Material.objects.filter(handling_item__edition=target).order_by("seq", "pk"):
                old_materials.setdefault(m.handling_item_id, []).append(_material_key(m))
        order = {}
        new, dirty, fields = [], [], set()
        replace = []  # (handling object, materials) whose materials are written anew
        for code, data in self.handlings.items():
            sub = subs[data["sub_code"]]
            order[sub.code] = order.get(sub.code, 0) + 1
            values = dict(data["values"])
            values.update(seq=order[sub.code], sub_item_id=sub.pk, sub_item_code=sub.code)
            obj = existing.get(code)
            materials = data["materials"]
            if obj is None:
                for key, default in HANDLING_DEFAULTS.items():
                    values.setdefault(key, default)
                obj = HandlingItem(edition=target, code=code, **values)
                new.append(obj)
                self._preview(summary, "业务办理项", "新增", code, values.get("name", ""), data["row"])
                if materials:
                    replace.append((obj, materials))
            else:
                changed = self._apply(obj, values)
                if changed:
                    dirty.append(obj)
                    fields.update(changed)
                materials_changed = materials is not None and (
                    [_material_key(m) for m in materials] != old_materials.get(obj.pk, []))
                if materials_changed:
                    replace.append((obj, materials))
                if changed or materials_changed:
                    labels = _labels(HandlingItem, changed) + (["申请材料"] if materials_changed else [])
                    self._preview(summary, "业务办理项", "更新", code, obj.name, data["row"], labels)
        HandlingItem.objects.bulk_create(new, batch_size=BATCH)
        if dirty:
            HandlingItem.objects.bulk_update(dirty, sorted(fields), batch_size=BATCH)
        _count(summary, "业务办理项", new, dirty)
        if any(obj.pk is None for obj in new):
            pks = dict(HandlingItem.objects.filter(edition=target).values_list("code", "pk"))
            for obj in new:
                obj.pk = obj.id = pks[obj.code]
        stale = [obj.pk for obj, _ in replace if obj.pk in old_materials]
        for start in range(0, len(stale), BATCH):
            Material.objects.filter(handling_item_id__in=stale[start:start + BATCH]).delete()
        rows = [Material(handling_item_id=obj.pk, **m) for obj, materials in replace for m in materials]
        Material.objects.bulk_create(rows, batch_size=1000)
        if rows:
            summary.add("申请材料", len(rows))



def _material_key(m):
    get = m.get if isinstance(m, dict) else (lambda name: getattr(m, name))
    return tuple(get(f) for f in ("seq", "name", "required", "form", "copies", "source", "notes"))


def _labels(model, fields):
    return [str(model._meta.get_field(f.removesuffix("_id")).verbose_name) for f in fields]


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

