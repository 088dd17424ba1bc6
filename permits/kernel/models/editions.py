"""The lifecycle every catalogue shares: draft → submitted → published → archived.

A published or archived edition, and everything below it, cannot be changed by any path:
model saves and deletes, queryset updates and deletes all check the edition status.
Status changes go through the services in permits.kernel.lifecycle only.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from permits.kernel.lock import lock_lifted


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


# Two words, one meaning each. Editable: a draft, the only state staff write (admin, import). Locked:
# published or archived, changed by no path at all. A submitted draft is neither: frozen for review,
# but not locked, since a send-back returns it to the editors.
EDITABLE_STATUSES = (EditionStatus.DRAFT,)
LOCKED_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)


class EditionLocked(ValidationError):
    """Raised when something tries to change a published or archived edition."""

    def __init__(self, edition=None):
        label = f"《{edition}》" if edition is not None else ""
        super().__init__(f"{label}已发布或已归档，不能修改；请复制为新草稿后编辑。", code="locked")


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EditionStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=EditionStatus.DRAFT)

    def for_region(self, region):
        return self.filter(**{self.model.scope_field: region})

    def update(self, **kwargs):
        # Only the lifecycle services may move a locked edition (they pass _transition).
        if not kwargs.pop("_transition", False) and self.filter(status__in=LOCKED_STATUSES).exists():
            raise EditionLocked()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status__in=LOCKED_STATUSES).exists():
            raise EditionLocked()
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if self.model._base_manager.filter(pk__in=[o.pk for o in objs], status__in=LOCKED_STATUSES).exists():
            raise EditionLocked()
        return super().bulk_update(objs, fields, *args, **kwargs)


class Edition(models.Model):
    """Abstract edition of a catalogue. Subclasses name their scope field; what copy and publish do with the
    rows below is registered in permits.kernel.registry."""

    scope_field = "region"

    title = models.CharField(_("标题"), max_length=200)
    edition = models.CharField(_("版本"), max_length=32, help_text=_("例如：2023年版"))
    status = models.CharField(
        _("状态"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT,
        db_index=True,
    )
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    basis = models.CharField(_("依据文件"), max_length=300, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Who last wrote into the draft (admin, import, copy, command): four eyes forbids them to publish it.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def is_locked(self):
        return self.status in LOCKED_STATUSES

    def stored_status(self):
        if not self.pk:
            return None
        return type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()

    def save(self, *args, **kwargs):
        # _transition is set only by the lifecycle services.
        if not getattr(self, "_transition", False) and self.stored_status() in LOCKED_STATUSES:
            raise EditionLocked(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_status() in LOCKED_STATUSES:
            raise EditionLocked(self)
        return super().delete(*args, **kwargs)


class EditionChildQuerySet(models.QuerySet):
    """QuerySet for rows that belong to an edition through `edition_lookup`."""

    def _locked(self):
        if lock_lifted():
            return False
        lookup = self.model.edition_lookup
        return self.filter(**{f"{lookup}__status__in": LOCKED_STATUSES}).exists()

    def update(self, **kwargs):
        if self._locked():
            raise EditionLocked()
        return super().update(**kwargs)

    def delete(self):
        if self._locked():
            raise EditionLocked()
        return super().delete()

    def _objs_locked(self, objs):
        """Whether any of `objs` (saved or not) hangs below a locked edition, in one query."""
        first, _, rest = self.model.edition_lookup.partition("__")
        field = self.model._meta.get_field(first)
        ids = {getattr(obj, field.attname) for obj in objs} - {None}
        if not ids or lock_lifted():
            return False
        status = f"{rest}__status__in" if rest else "status__in"
        return field.related_model._base_manager.filter(pk__in=ids, **{status: LOCKED_STATUSES}).exists()

    # Bulk writes skip save(); they check the edition here (a clear message), the database triggers
    # of permits.kernel.lock refuse them anyway.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if self._objs_locked(objs):
            raise EditionLocked()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if self._objs_locked(objs) or self.filter(pk__in=[o.pk for o in objs])._locked():
            raise EditionLocked()
        # Checked once here: the batches' own UPDATEs go through a plain queryset (the triggers still hold).
        return models.QuerySet(model=self.model, using=self.db).bulk_update(objs, fields, *args, **kwargs)

    def for_edition(self, edition):
        return self.filter(**{self.model.edition_lookup: edition})

    def published(self):
        return self.filter(**{f"{self.model.edition_lookup}__status": EditionStatus.PUBLISHED})


class EditionChild(models.Model):
    """Abstract row below an edition; refuses to change once its edition is locked."""

    edition_lookup = "edition"

    class Meta:
        abstract = True

    def get_edition(self):
        return getattr(self, self.edition_lookup)

    def _check_editable(self):
        if lock_lifted():
            return
        edition_id = getattr(self, f"{self.edition_lookup}_id")
        model = self._meta.get_field(self.edition_lookup).related_model
        status = model._base_manager.filter(pk=edition_id).values_list("status", flat=True).first()
        if status in LOCKED_STATUSES:
            raise EditionLocked(self.get_edition())

    def save(self, *args, **kwargs):
        self._check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_editable()
        return super().delete(*args, **kwargs)
